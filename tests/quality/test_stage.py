"""The pipeline stage: samples.jsonl in the run dir -> kept/rejected/report, and its registration."""

import asyncio
import json

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import load_recipe
from factory.records import append_jsonl
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.run.stage import active, registry
from factory.stages import quality as stage
from tests.responders import route

from .conftest import sample


@pytest.fixture
def ctx(minimal_recipe, tmp_path):
    run = RunDir(tmp_path / "run").prepare()
    return RunContext(recipe=load_recipe(minimal_recipe), run=run)


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_missing_samples_file_is_zero_samples(ctx):
    report = asyncio.run(stage.run(ctx))
    assert (ctx.run.path / "kept.jsonl").read_text() == ""
    on_disk = json.loads((ctx.run.path / "quality" / "report.json").read_text())
    assert on_disk["input"] == 0 and on_disk["balanced"]
    assert report.run_json()["input"] == 0


def test_stage_gates_samples_and_keeps_other_stages_rejections(ctx):
    good = "I wrote a new sonata this morning; would you like to hear it?"
    samples = [
        sample("a", good, character="Anna Keller", language="en", user="Hello!"),
        sample("b", "As an AI language model, I cannot help.", character="Anna Keller", language="en"),
        sample("c", "Anna Keller smiled and put down the tools.", character="Anna Keller", language="en"),
    ]
    append_jsonl(ctx.run.stage_file("samples"), samples + [{"id": "broken", "type": "experience"}])
    append_jsonl(
        ctx.run.path / "rejected.jsonl", [{"id": "scn-1", "stage": "scenes", "rule": "x", "detail": ""}]
    )
    asyncio.run(stage.run(ctx))
    report = asyncio.run(stage.run(ctx))  # a re-run replaces its own lines, never duplicates them
    assert [s["id"] for s in lines(ctx.run.path / "kept.jsonl")] == ["a"]
    rejected = lines(ctx.run.path / "rejected.jsonl")
    assert [(r["id"], r["rule"]) for r in rejected] == [
        ("scn-1", "x"),
        ("broken", "format.invalid_record"),
        ("b", "blacklist.assistant_tone"),
        ("c", "selfname.third_person"),
    ]
    assert report.run_json() == {
        "input": 4,
        "kept": 1,
        "rejected": 3,
        "flagged": 0,
        "by_rule": {"format.invalid_record": 1, "blacklist.assistant_tone": 1, "selfname.third_person": 1},
    }
    assert "# Quality gate report" in (ctx.run.path / "quality" / "report.md").read_text()


def test_registered_after_samples_and_switched_by_the_recipe(ctx):
    names = [s.name for s in registry()]
    assert names.index("quality") == names.index("samples") + 1
    assert "quality" in [s.name for s in active(ctx.recipe)]
    assert "quality" not in [s.name for s in active(ctx.recipe.model_copy(update={"quality": None}))]


def test_factory_run_with_the_quality_block(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe("""\
        name: anna
        language: en
        character:
          name: Anna Keller
          profile: {file: profile.md}
        scenes: {per_chunk: 2, per_request: 2}
        interactions: null
        protection: null
        export: null
        split: null
        preferences: null
        quality:
          rules: {format.too_short: flag}
          patterns: {opener_max_share: 0.05}
        """)
    out = tmp_path / "run"
    res = CliRunner().invoke(
        main,
        ["run", str(recipe), "--out", str(out), "--base-url", server.base_url, "--model", "m", "--quiet"],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "run.json").read_text())
    q = summary["report_quality"]
    assert q["kept"] + q["rejected"] == q["input"] == summary["counts"].get("samples", 0)
    assert (out / "kept.jsonl").exists() and (out / "quality" / "report.md").exists()
    kept_lines = (out / "kept.jsonl").read_text().count("\n")
    assert summary["counts"]["quality"] == q["kept"] == kept_lines and "export" not in summary["counts"]
