"""What the page is built from: the funnel, samples with their verdicts and located spans, caps, eval."""

from __future__ import annotations

import json
import re
import shlex
import shutil

from click.testing import CliRunner

from factory.cli import main
from factory.cli.view import viewer_command
from factory.view import build_view
from factory.view.page import collect, embed, render
from factory.view.samples import _locate


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_funnel_follows_run_json_and_names_the_losses(runs):
    run = runs["en"]
    info = json.loads((run / "run.json").read_text())
    rows = {r["stage"]: r for r in collect(run)["funnel"]}
    for name, st in info["stages"].items():
        assert (rows[name]["planned"], rows[name]["produced"]) == (st["total"], st["ok"])
    assert rows["interactions"]["records"] == len(lines(run / "interactions.jsonl"))
    parse = next(f for f in rows["interactions"]["failures"] if f["reason"] == "parse")
    assert parse["count"] == info["stages"]["interactions"]["failures"]["parse"] > 0
    assert parse["examples"][0]["detail"] == "broken or truncated JSON script"
    gate = rows["quality gate"]
    q = info["report_quality"]
    assert (gate["planned"], gate["records"]) == (q["input"], q["kept"])
    assert sum(d["count"] for d in gate["dropped"]) == q["rejected"] > 0
    assert rows["cards"]["records"] == len(lines(run / "cards.jsonl"))


def test_every_sample_once_with_its_verdict_and_the_span_located(runs):
    run = runs["en"]
    data = collect(run)
    ids = [s["id"] for s in data["samples"]]
    assert sorted(ids) == sorted(s["id"] for s in lines(run / "samples.jsonl"))
    status = {s["id"]: s["status"] for s in data["samples"]}
    assert {status[s["id"]] for s in lines(run / "kept.jsonl")} == {"kept"}
    rejected = lines(run / "rejected.jsonl")
    assert {status[r["id"]] for r in rejected} == {"rejected"}
    hedging = [s for s in data["samples"] if s.get("rule") == "blacklist.hedging"]
    assert hedging
    for s in hedging:
        m = s["mark"]
        assert s["messages"][m["message"]]["content"][m["start"] : m["end"]] == s["span"]
        assert (
            s["span"]
            and s["span"] in "It really depends. In conclusion, it's important to remember the craft."
        )
        assert s["explanation"] == "hedging filler in a character line"
    flagged = [s for s in data["samples"] if s.get("flags")]
    assert flagged and {s["status"] for s in flagged} == {"kept"}
    for s in flagged:
        for f in s["flags"]:
            m = f["mark"]
            assert s["messages"][m["message"]]["content"][m["start"] : m["end"]] == "What about you?"
    # pattern caps report the phrase normalised ("no i won t do that"): matched word by word
    ngram = next(s for s in data["samples"] if s.get("rule") == "pattern.ngram")
    m = ngram["mark"]
    assert (
        ngram["messages"][m["message"]]["content"][m["start"] : m["end"]]
        .lower()
        .startswith("no. i won't do that")
    )


def test_locate_prefers_the_reported_turn_and_gives_up_honestly():
    msgs = [
        {"role": "user", "content": "it depends"},
        {"role": "assistant", "content": "Well, it depends."},
        {"role": "assistant", "content": "It depends on the weather."},
    ]
    assert _locate("it depends", msgs, 2) == {"message": 2, "start": 0, "end": 10}
    assert _locate("it depends", msgs, None) == {"message": 1, "start": 6, "end": 16}
    assert _locate("nothing like this", msgs, 1) is None
    assert _locate("", msgs, 1) is None


def test_cap_limits_each_type_and_verdict_and_says_so(runs):
    data = collect(runs["en"], cap=1)
    seen = {}
    for s in data["samples"]:
        seen[(s["type"], s["status"])] = seen.get((s["type"], s["status"]), 0) + 1
    assert set(seen.values()) == {1}
    c = data["sample_counts"]
    assert c["cap"] == 1 and c["shown"] == len(data["samples"]) < c["total"]
    assert any(x.startswith("experience rejected: 1 of ") for x in c["capped"])
    assert len(data["cards"]) == 1 and data["cards_total"] > 1


def test_eval_and_compare_results_are_embedded_with_their_charts(runs):
    data = collect(runs["en"])
    assert {e["label"] for e in data["evals"]} == {"base", "sft"}
    assert all(e["chart"].startswith("data:image/png;base64,") for e in data["evals"])
    cmp = data["compares"][0]
    assert [r["label"] for r in cmp["runs"]] == ["base", "sft"] and cmp["chart"]
    assert "offline.distinct_1" in cmp["runs"][0]["metrics"]
    assert collect(runs["zh"])["evals"] == []


def test_embedded_json_cannot_close_its_script_tag():
    hostile = "</script><script>alert(1)</script><!-- \u2028 & >"
    text = embed({"x": hostile})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"x": hostile}
    page = render({"run": {}, "funnel": [], "samples": [], "sample_counts": {}, "x": hostile})
    assert page.count("</script>") == 2  # the template's own two script tags, nothing from the data


def test_cli_writes_the_page_and_refuses_what_is_not_a_run(runs, tmp_path):
    run = shutil.copytree(runs["zh"], tmp_path / "copy")
    res = CliRunner().invoke(main, ["view", str(run)])
    assert res.exit_code == 0, res.output
    page = (run / "view.html").read_text(encoding="utf-8")
    assert "written: " in res.output and str(run / "view.html") in res.output
    data = json.loads(re.search(r'id="factory-data">(.*?)</script>', page, re.S).group(1))
    assert data["run"]["character"] == "苏轼" and data["samples"]
    res = CliRunner().invoke(
        main, ["view", str(run), "--out", str(tmp_path / "elsewhere" / "v.html"), "--cap", "1"]
    )
    assert res.exit_code == 0 and not (run / "view.html.tmp").exists()
    small = (tmp_path / "elsewhere" / "v.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="factory-data">(.*?)</script>', small, re.S).group(1))
    assert (
        data["sample_counts"]["cap"] == 1 and data["sample_counts"]["shown"] < data["sample_counts"]["total"]
    )

    res = CliRunner().invoke(main, ["view", str(tmp_path / "missing")])
    assert (
        res.exit_code == 2 and res.output.strip() == f"error: {tmp_path / 'missing'}: no such run directory"
    )
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    res = CliRunner().invoke(main, ["view", str(mine)])
    assert res.exit_code == 2 and "not a factory run directory" in res.output
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    (run / "run.json").write_text("{not json")
    res = CliRunner().invoke(main, ["view", str(run)])
    assert res.exit_code == 2 and res.output.startswith(f"error: {run / 'run.json'}: not readable JSON")


def test_a_run_cut_short_still_has_a_page(runs, tmp_path):
    run = tmp_path / "partial"
    run.mkdir()
    (run / ".factory-run").write_text("factory run directory\n")
    (run / ".progress").mkdir()
    for name in ("scenes", "interactions"):
        shutil.copy(runs["en"] / f"{name}.jsonl", run / f"{name}.jsonl")
        shutil.copy(runs["en"] / ".progress" / f"{name}.done", run / ".progress" / f"{name}.done")
    shutil.copy(runs["en"] / "failures.jsonl", run / "failures.jsonl")
    shutil.copy(runs["en"] / "samples.jsonl", run / "samples.jsonl")
    data = collect(run)
    assert data["run"]["has_run_json"] is False and data["rules"] == [] and data["evals"] == []
    assert {s["status"] for s in data["samples"]} == {"not gated"}
    rows = data["funnel"]
    assert [r["stage"] for r in rows] == ["scenes", "interactions", "samples"]
    done = (run / ".progress" / "interactions.done").read_text().splitlines()
    assert rows[1]["produced"] == len(done) and rows[1]["records"] == len(lines(run / "interactions.jsonl"))
    assert rows[1]["failures"][0]["reason"] == "parse" and rows[1]["failures"][0]["count"] >= 1


def test_the_viewer_command_pastes_into_a_shell(runs, tmp_path):
    run = shutil.copytree(runs["zh"], tmp_path / "a run dir")
    line = viewer_command(run)
    assert line == f"factory view '{run}'"
    res = CliRunner().invoke(main, shlex.split(line)[1:])
    assert res.exit_code == 0, res.output
    assert (run / "view.html").exists()


def test_a_secret_in_the_data_stays_off_the_page(runs, tmp_path, monkeypatch):
    run = shutil.copytree(runs["zh"], tmp_path / "leaky")
    secret = "sk-view-test-0123456789abcdef"
    monkeypatch.setenv("VIEW_TEST_API_KEY", secret)
    kept = lines(run / "kept.jsonl")
    kept[0]["messages"][-1]["content"] = f"my key is {secret}"
    (run / "kept.jsonl").write_text(
        "".join(json.dumps(k, ensure_ascii=False) + "\n" for k in kept), encoding="utf-8"
    )
    page = build_view(run).read_text(encoding="utf-8")
    assert secret not in page and "my key is ***" in page


def test_records_that_were_not_samples_are_counted_with_why(runs, tmp_path):
    run = shutil.copytree(runs["zh"], tmp_path / "bad-lines")
    with (run / "rejected.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(
            json.dumps(
                {
                    "id": "line-7",
                    "stage": "quality",
                    "rule": "format.invalid_record",
                    "detail": "samples.jsonl line 7: not JSON",
                    "sample": None,
                }
            )
            + "\n"
        )
    counts = collect(run)["sample_counts"]
    assert counts["unreadable"] == [
        {"id": "line-7", "rule": "format.invalid_record", "detail": "samples.jsonl line 7: not JSON"}
    ]
