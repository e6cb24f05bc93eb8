"""`factory run` runs preferences and export per the recipe; `factory export` on the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factory.cli import main
from factory.recipe import load_recipe
from factory.records import append_jsonl
from factory.run.pipeline import run_recipe

from .conftest import samples
from .test_preferences import main_responder

SCENES = json.dumps(
    {
        "scenes": [
            {
                "type": "conversation",
                "location": "the workshop",
                "time": "1880",
                "participants": ["Anna Keller"],
                "background": "Karl brings a broken clock.",
            }
        ]
    }
)


def responder(body):
    return SCENES if "screenwriter" in body["messages"][0]["content"] else main_responder(body)


def test_run_makes_pairs_and_exports(tmp_path, server, write_recipe):
    server.responder = responder
    out = tmp_path / "out"
    out.mkdir()
    (out / ".factory-run").write_text("factory run directory\n")
    append_jsonl(out / "samples.jsonl", samples())  # as the generator stages would have left them
    append_jsonl(out / "kept.jsonl", samples())  # and the quality gate
    path = write_recipe(f"""\
        name: anna
        character: {{name: Anna Keller, profile: {{file: profile.md}}}}
        backend: {{base_url: "{server.base_url}", model: gen-model, max_retries: 0}}
        scenes: {{per_chunk: 1, per_request: 1}}
        interactions: null
        quality: null
        preferences: {{kinds: [assistant_tone], max_pairs: 3}}
        export: {{formats: [openai, dpo], system: short}}
        """)
    summary = run_recipe(load_recipe(path), out=out, progress=False, log=lambda m: None)
    assert summary["counts"]["preferences"] == 3
    assert summary["report_export"]["pairs"]["train"] + summary["report_export"]["pairs"]["eval"] == 3
    export = out / "export"
    rows = [json.loads(x) for x in (export / "openai.jsonl").read_text().splitlines()]
    assert rows and rows[0]["messages"][0]["content"].startswith("You are ")
    assert (export / "dpo.jsonl").exists() and not (export / "sharegpt.jsonl").exists()
    assert "gen-model" in (export / "README.md").read_text()
    assert (export / "recipe.yaml").read_text() == path.read_text()


def test_run_without_samples_exports_nothing(tmp_path, server, write_recipe):
    server.responder = responder
    path = write_recipe(f"""\
        name: anna
        character: {{name: Anna Keller, profile: {{file: profile.md}}}}
        backend: {{base_url: "{server.base_url}", model: gen-model, max_retries: 0}}
        scenes: {{per_chunk: 1, per_request: 1}}
        interactions: null
        """)
    messages = []
    run_recipe(load_recipe(path), out=tmp_path / "out", progress=False, log=messages.append)
    assert not (tmp_path / "out" / "export").exists()
    assert any(m.startswith("export: skipped") for m in messages)


def test_cli_export_options_and_errors(run_dir):
    runner = CliRunner()
    res = runner.invoke(
        main,
        [
            "export",
            str(run_dir),
            "--format",
            "sharegpt",
            "--format",
            "alpaca",
            "--style",
            "quote",
            "--system",
            "none",
            "--check",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "quote style" in res.output and "files load with datasets" in res.output
    manifest = json.loads((run_dir / "export" / "export.json").read_text())
    assert manifest["formats"] == ["sharegpt", "alpaca"] and manifest["system"] == "none"
    (run_dir / "preferences.jsonl").unlink()
    res = runner.invoke(main, ["export", str(run_dir), "--format", "dpo"])
    assert res.exit_code == 2 and res.output.startswith("error: ") and "no preference pairs" in res.output


def test_cli_export_finds_the_recipe_through_run_json(run_dir, write_recipe):
    path = write_recipe("""\
        name: anna
        character: {name: Anna Keller, profile: {file: profile.md}}
        backend: {api_key: "${UNSET_KEY_FOR_THIS_TEST}"}
        export: {formats: [openai], others: system}
        split: {eval_share: 0.0}
        """)
    (run_dir / "run.json").write_text(json.dumps({"recipe": str(path), "endpoint": {"model": "m1"}}))
    res = CliRunner().invoke(main, ["export", str(run_dir)])
    assert res.exit_code == 0, res.output
    m = json.loads((run_dir / "export" / "export.json").read_text())
    assert m["formats"] == ["openai"] and m["others"] == "system" and m["counts"]["rows"]["eval"] == 0
    assert m["recipe"]["file"] == "recipe.yaml" and m["generators"] == ["m1", "scripted-model"]
