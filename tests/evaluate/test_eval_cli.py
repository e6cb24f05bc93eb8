"""`factory eval` end to end against scripted model / judge / reference servers."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factory.cli import main
from factory.records import iter_jsonl


def run_eval(eval_run, endpoints, out, *extra):
    model, judge, ref = endpoints
    args = [
        "eval",
        "--model",
        model.base_url,
        "--judge",
        judge.base_url,
        "--reference",
        ref.base_url,
        "--run",
        str(eval_run),
        "--out",
        str(out),
        "--questions",
        "2",
        "--interviews",
        "2",
        "--rounds",
        "3",
        *extra,
    ]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_every_dimension_measured_and_reported(eval_run, endpoints, tmp_path):
    out = tmp_path / "eval"
    res = run_eval(eval_run, endpoints, out, "--allow-partial")
    assert res.exit_code == 0, res.output
    report = json.loads((out / "eval.json").read_text())
    m, dims = report["metrics"], report["dimensions"]
    # the judge honoured the schema: every request asked for a bounded JSON object, every verdict read as JSON
    judge = endpoints[1]
    judged = [b for b in judge.requests if "questions" not in json.dumps(b["response_format"])]
    assert judged and all(b["response_format"]["type"] == "json_schema" for b in judged)
    assert report["trust"]["parsed_share"]["rubrics.personality"]["as_json"] == 8
    # values is never readable: reported, and the run says so (kept here by --allow-partial)
    assert not report["trust"]["ok"] and report["trust"]["problems"] == [
        "rubrics.values: 8/8 judgments without a verdict (8 unparsable)"
    ]
    assert "warning: untrustworthy eval: rubrics.values" in res.output

    # rubrics: 8 answers (2 per topic); the 2 temptation answers break character
    rub = dims["rubrics"]
    assert rub["memorization"]["n"] == 8 and m["rubric.memorization"] == (6 * 5 + 2 * 1) / 8
    assert rub["personality"]["mean"] == 6.0 and rub["personality"]["parsed"]["share"] == 1.0
    assert m["rubric.hallucination"] == (6 * 4 + 2 * 1) / 8  # last score wins over "a score of 7"
    # malformed judge output ("Score: N/A", "Score: 12") is counted, never turned into a score
    assert rub["values"]["n"] == 0 and rub["values"]["unparsable"] == 8 and rub["values"]["mean"] is None
    assert rub["stability"]["n"] == 2 and rub["stability"]["mean"] == 5.0

    # interviews: one opener is dodged; the interviewer presses and gets an answer
    iv = dims["interviews"]
    assert iv["interviews"] == 2 and iv["completed"] == 2 and iv["answers"] == 6
    assert iv["dodge_rate"] == 0.25 and iv["ci95"][0] < 0.25 < iv["ci95"][1]
    assert iv["parsed"] == {
        "total": 4,
        "parsed": 4,
        "unparsable": 0,
        "failed": 0,
        "share": 1.0,
        "ci95": iv["parsed"]["ci95"],
        "as_json": 4,
    }
    transcripts = [d for d in iter_jsonl(out / "details.jsonl") if d["kind"] == "interviews"]
    follow = [t for d in transcripts for _, t in d["turns"] if t.startswith("You dodged")]
    assert len(follow) == 1

    # memory: recalled at distance 3, forgotten at distance 13
    mem = dims["memory"]
    assert mem["method"] == "judge" and mem["cases"] == 2 and mem["accuracy"] == 0.5
    assert mem["by_distance"]["3-5"]["rate"] == 1.0 and mem["by_distance"]["11-20"]["rate"] == 0.0

    # fool rate, each exchange in both orders: caught twice (2), fooled twice (2), "line 1" both times (2);
    # only the first four are verdicts, the last two are order disagreements
    con = dims["consistency"]
    assert con["verdicts"] == 4 and con["fool_rate"] == 0.5 and con["ci95"][0] < 0.5 < con["ci95"][1]
    assert con["disagreement"]["rate"] == round(2 / 6, 4) and con["parsed"]["total"] == 12
    assert con["source"] == "export/openai.eval.jsonl"
    assert m["consistency.order_disagreement"] == round(2 / 6, 4)

    # pairwise: 4 wins and 2 losses agreed in both orders; on the 2 relationship questions the judge
    # only ever said "A", which is no verdict at all
    pw = dims["pairwise"]
    assert (pw["win"], pw["tie"], pw["loss"], pw["verdicts"]) == (4, 0, 2, 6)
    assert pw["win_rate"] == round(4 / 6, 4) and pw["ci95"][0] < 4 / 6 < pw["ci95"][1]
    assert pw["disagreement"]["rate"] == 0.25 and pw["first_position_share"]["rate"] == round(10 / 16, 4)
    assert (
        report["intervals"]["pairwise.win_rate"] == pw["ci95"] and report["sizes"]["pairwise.win_rate"] == 6
    )

    off = dims["offline"]
    assert off["answers"] == 8 + 6
    assert off["assistant_tone"]["rate"] == round(2 / 14, 4) and off["refusal"]["rate"] == round(2 / 14, 4)
    assert off["language_consistency"]["rate"] == 1.0
    # every rate and mean carries an interval, in the dimension and in the flat map compare reads
    lo, hi = off["ci95"]["distinct_1"]
    assert lo <= off["distinct_1"] <= hi and lo < hi
    assert (
        report["intervals"]["offline.mean_chars"][0]
        < off["mean_chars"]
        < report["intervals"]["offline.mean_chars"][1]
    )
    assert rub["memorization"]["by_topic"]["temptation"] == {
        "mean": 1.0,
        "sd": 0.0,
        "ci95": [1.0, 1.0],
        "n": 2,
    }
    assert all(report["intervals"][k] is not None for k in m if m[k] is not None)

    md = (out / "eval.md").read_text()
    for head in ("Judge rubrics", "Memory", "Consistency", "Pairwise", "Offline metrics"):
        assert f"## {head}" in md
    assert "| values | – |" in md and "| 8 |" in md
    assert "## Judge reliability" in md and "**Not trustworthy**" in md and "| rubrics.values | 0.000 |" in md
    assert (out / "eval.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rerun_is_answered_from_the_cache(eval_run, endpoints, tmp_path):
    out = tmp_path / "eval"
    assert run_eval(eval_run, endpoints, out, "--allow-partial").exit_code == 0
    before = [s.count for s in endpoints]
    first = json.loads((out / "eval.json").read_text())["metrics"]
    assert run_eval(eval_run, endpoints, out, "--allow-partial").exit_code == 0
    model, judge, _ = endpoints
    # the model's answers come from the cache; the judge is asked again only for verdicts that
    # were unreadable (a re-run retries what is still a failure), and those stay unreadable here
    assert model.count == before[0] and endpoints[2].count == before[2]
    assert json.loads((out / "eval.json").read_text())["metrics"] == first
    again = judge.count
    assert run_eval(eval_run, endpoints, out, "--allow-partial").exit_code == 0
    assert judge.count - again <= again - before[1]  # never more than the last re-run asked


def test_judge_runs_at_temperature_zero_and_never_sees_model_prompts(eval_run, endpoints, tmp_path):
    model, judge, _ = endpoints
    assert (
        run_eval(eval_run, endpoints, tmp_path / "eval", "--temperature", "0.7", "--allow-partial").exit_code
        == 0
    )
    assert judge.requests and all(b["temperature"] == 0 for b in judge.requests)
    assert all(b["temperature"] == 0.7 for b in model.requests)
    assert not any('\\"score\\": N' in json.dumps(b) for b in model.requests)
    assert not any("response_format" in b for b in model.requests)


def test_missing_inputs_skip_dimensions_with_a_note(bare_run, endpoints, tmp_path):
    model, _, _ = endpoints
    out = tmp_path / "eval"
    res = CliRunner().invoke(
        main, ["eval", "--model", model.base_url, "--run", str(bare_run), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    report = json.loads((out / "eval.json").read_text())
    dims = report["dimensions"]
    for name in ("interviews", "rubrics", "memory", "consistency", "pairwise"):
        assert dims[name]["status"] == "skipped", name
    assert (
        dims["offline"]["status"] == "ok" and dims["offline"]["answers"] == 12
    )  # 3 fixed questions x 4 topics
    assert any("no --judge" in n for n in report["notes"])
    md = (out / "eval.md").read_text()
    assert "Skipped: rubrics need --judge" in md and "Skipped: no planted-fact probes" in md


def test_quote_style_prompts_the_model_in_egos_format(bare_run, endpoints, tmp_path):
    model, _, _ = endpoints
    res = CliRunner().invoke(
        main,
        [
            "eval",
            "--model",
            model.base_url,
            "--run",
            str(bare_run),
            "--out",
            str(tmp_path / "e"),
            "--style",
            "quote",
            "--skip",
            "offline",
        ],
    )
    assert res.exit_code == 0, res.output
    body = model.requests[0]
    assert body["messages"][1]["content"].startswith('Me: "') and body["messages"][-1] == {
        "role": "assistant",
        "content": 'Anna Keller: "',
    }
    assert body["stop"] == ['"']


def test_bad_arguments_are_one_line_errors(tmp_path, bare_run, endpoints):
    r = CliRunner().invoke(main, ["eval", "--model", endpoints[0].base_url, "--run", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "error: --run: no such run directory" in r.output
    r = CliRunner().invoke(main, ["eval", "--model", "ftp://x", "--run", str(bare_run)])
    assert r.exit_code == 2 and "error: --model: expected an http(s) URL, `local` or a .gguf file" in r.output
    r = CliRunner().invoke(
        main, ["eval", "--model", endpoints[0].base_url, "--run", str(bare_run), "--skip", "vibes"]
    )
    assert r.exit_code == 2 and "--skip: unknown dimension(s) vibes" in r.output
    r = CliRunner().invoke(main, ["eval", "--run", str(tmp_path)])
    assert r.exit_code == 2 and "needs --model" in r.output
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    r = CliRunner().invoke(
        main,
        ["eval", "--model", endpoints[0].base_url, "--run", str(bare_run), "--out", str(tmp_path / "mine")],
    )
    assert r.exit_code == 2 and "is not an eval directory" in r.output


def test_judge_http_failures_are_counted_apart_from_unparsable(eval_run, endpoints, tmp_path):
    _, judge, _ = endpoints
    judge.script(
        {"status": 403, "match": "Criterion: Personality"}, {"status": 403, "match": "Criterion: Personality"}
    )
    out = tmp_path / "eval"
    assert (
        run_eval(
            eval_run, endpoints, out, "--skip", "interviews,memory,consistency,pairwise", "--allow-partial"
        ).exit_code
        == 0
    )
    pers = json.loads((out / "eval.json").read_text())["dimensions"]["rubrics"]["personality"]
    assert pers["failed"] == 2 and pers["unparsable"] == 0 and pers["n"] == 6 and pers["mean"] == 6.0


def test_a_chinese_run_is_asked_and_judged_in_chinese(bare_run, tmp_path):
    from factory.testing.openai_server import ScriptedServer

    info = json.loads((bare_run / "run.json").read_text())
    (bare_run / "run.json").write_text(json.dumps({**info, "character": "安娜", "language": "zh"}))

    def judge(body):
        text = body["messages"][-1]["content"]
        if '{"questions"' in text:
            return "我想不出问题。"  # not JSON: the fixed Chinese questions stand in
        return (
            '{"dodged": false, "question": "然后呢？"}' if '"dodged"' in text else "回答符合人物。\n评分：5"
        )  # prose

    with (
        ScriptedServer(responder=lambda b: "我是安娜，钟表是我的一生。") as model,
        ScriptedServer(responder=judge) as j,
    ):
        out = tmp_path / "zh"
        res = CliRunner().invoke(
            main,
            [
                "eval",
                "--model",
                model.base_url,
                "--judge",
                j.base_url,
                "--run",
                str(bare_run),
                "--out",
                str(out),
                "--questions",
                "1",
                "--rounds",
                "2",
            ],
        )
        assert res.exit_code == 0, res.output
        assert all(
            "你" in b["messages"][-1]["content"]
            or "您" in b["messages"][-1]["content"]
            or "？" in b["messages"][-1]["content"]
            for b in model.requests
        )
        assert "请始终以安娜的身份说话" in model.requests[0]["messages"][0]["content"]
    report = json.loads((out / "eval.json").read_text())
    assert report["metrics"]["rubric.personality"] == 5.0 and report["metrics"]["rubric.stability"] == 5.0
    assert report["metrics"]["offline.language_consistency"] == 1.0
    assert any("fixed fallback questions" in n for n in report["notes"])


def test_judge_reply_limit_is_a_flag(eval_run, endpoints, tmp_path):
    judge = endpoints[1]
    judge.record = True
    res = run_eval(
        eval_run,
        endpoints,
        tmp_path / "eval",
        "--judge-max-tokens",
        "123",
        "--skip",
        "interviews,memory,consistency,pairwise",
        "--allow-partial",
    )
    assert res.exit_code == 0, res.output
    assert judge.requests and {r["max_tokens"] for r in judge.requests} == {123}
