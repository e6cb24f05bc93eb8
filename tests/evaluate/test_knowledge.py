"""Knowledge boundary: held-out protection scenes put to the model at the recipe's timeline point."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factory.cli import main
from factory.evaluate.boundary import KnowledgeCase, obvious
from factory.records import iter_jsonl
from tests.evaluate.test_eval_cli import run_eval


def test_obvious_violations_need_no_judge():
    case = KnowledgeCase(
        "k", "future_spoiler", "What happens in 1914?", "1880, the year Anna opened her workshop"
    )
    assert obvious(case, "It ends in 1918.") == "names 1918, after 1880"
    assert (
        obvious(case, "1914? I cannot see so far ahead; it is 1880.") is None
    )  # the asked year, and the present
    assert obvious(case, "As an AI language model, I cannot predict that.") == "speaks as an AI"
    assert (
        obvious(
            KnowledgeCase("k", "anachronism", "手机是什么？", "唐天宝年间"), "作为一个AI助手，我可以解释。"
        )
        == "speaks as an AI"
    )
    assert (
        obvious(KnowledgeCase("k", "anachronism", "Q", "her prime"), "In 2024 I...") is None
    )  # no year to compare


def test_knowledge_boundary_is_judged_at_the_timeline_point(eval_run, endpoints, tmp_path):
    out = tmp_path / "eval"
    res = run_eval(eval_run, endpoints, out, "--skip", "interviews,rubrics,memory,consistency,pairwise")
    assert res.exit_code == 0, res.output
    kn = json.loads((out / "eval.json").read_text())["dimensions"]["knowledge"]
    # three knowledge cases (the false_relation trap is not one); the 1918 answer is caught offline
    assert kn["cases"] == 3 and kn["method"] == "judge + offline check"
    assert kn["within_bounds"] == round(2 / 3, 4) and kn["n"] == 3 and kn["ci95"][0] < 2 / 3 < kn["ci95"][1]
    assert kn["offline_beyond"]["rate"] == round(1 / 3, 4)
    assert (
        kn["by_subtype"]["future_spoiler"]["rate"] == 0.0 and kn["by_subtype"]["anachronism"]["rate"] == 1.0
    )
    assert (
        kn["parsed"]["total"] == 2 and kn["parsed"]["as_json"] == 2
    )  # the judge saw only the two open cases
    model, judge, _ = endpoints
    asked = [b for b in model.requests if "smartphone" in json.dumps(b)]
    assert "It is now 1880, the year Anna opened her workshop" in asked[0]["messages"][0]["content"]
    assert sum('"choice": "within"' in b["messages"][-1]["content"] for b in judge.requests) == 2
    rows = {r["id"]: r for r in iter_jsonl(out / "details.jsonl") if r["kind"] == "knowledge"}
    assert rows["p-future"]["by"] == "offline" and rows["p-future"]["within"] is False
    md = (out / "eval.md").read_text()
    assert "## Knowledge boundary" in md and "| future_spoiler | 0.00 |" in md


def test_without_a_judge_only_the_offline_check_runs(eval_run, endpoints, tmp_path):
    model = endpoints[0]
    out = tmp_path / "eval"
    res = CliRunner().invoke(
        main,
        ["eval", "--model", model.base_url, "--run", str(eval_run), "--out", str(out), "--questions", "1"],
    )
    assert res.exit_code == 0, res.output
    report = json.loads((out / "eval.json").read_text())
    kn = report["dimensions"]["knowledge"]
    assert kn["within_bounds"] is None and kn["offline_beyond"]["rate"] == round(1 / 3, 4)
    assert "knowledge.within_bounds" not in report["metrics"]
    assert report["metrics"]["knowledge.obvious_violations"] == round(1 / 3, 4)
