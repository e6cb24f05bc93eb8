"""The dataset card: Hub metadata that matches the files, counts, provenance, training recipes."""

from __future__ import annotations

import asyncio
import json
import re

import yaml

from factory.engine import EndpointSettings, Engine
from factory.export.card import redact, render
from factory.export.exporter import export_run
from factory.quality import run_gate_async
from factory.quality.config import QualityConfig
from factory.recipe import load_recipe, recipe_hash

from .conftest import samples


def _card(path):
    text = path.read_text()
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def test_metadata_names_a_config_per_format_with_existing_files(run_dir):
    export_run(run_dir, log=lambda m: None)
    meta, _ = _card(run_dir / "export" / "README.md")
    assert meta["license"] == "cc-by-sa-4.0" and meta["language"] == ["en"]
    assert (
        meta["task_categories"] == ["text-generation"]
        and "role-play" in meta["tags"]
        and "dpo" in meta["tags"]
    )
    names = [c["config_name"] for c in meta["configs"]]
    assert names == ["sharegpt", "alpaca", "openai", "dpo", "dpo_alpaca", "dpo_sharegpt", "dpo_openai"]
    for c in meta["configs"]:
        for f in c["data_files"]:
            assert (run_dir / "export" / f["path"]).is_file()


def test_body_counts_quality_tokens_and_provenance(run_dir):
    export_run(run_dir, log=lambda m: None)
    _, body = _card(run_dir / "export" / "README.md")
    assert "| protection |" in body and "| modern_knowledge | 2 |" in body and "| identity |" in body
    assert "| persona_session |" in body
    assert "| assistant_tone | 1 |" in body and "| self_sampled | 1 |" in body
    quality = body.split("## Quality gate", 1)[1].split("## Tokens", 1)[0]
    assert "The gate checked 35 samples: 4 kept (0 of them with flags), 31 rejected." in quality
    assert "| blacklist.assistant_tone | assistant/AI tone in a character line | 1 | 0 |" in quality
    assert "| selfname.third_person |" in quality and "duplicate samples removed: 4 exact, 23 near" in quality
    assert "downsampled for over-used openers and phrases: 0" in quality
    assert re.search(r"\| distinct-2 \| 0\.\d+ \| 1\.0 \|", quality)
    assert "timing" not in quality.lower() and "config" not in quality and "Self-name" not in quality
    assert "Qwen2.5 tokenizer" in body and "| sft train | per row |" in body
    assert "gen-model-x" in body and "scripted-model" in body
    assert "abc123def456" in body  # run.json's hash when no recipe is at hand
    assert "template: qwen" in body and "DPOTrainer" in body and "factory train sft --model" in body
    assert "`<format>.jsonl` is the training split" in body


def test_recipe_is_copied_redacted_and_hashed(run_dir, write_recipe):
    path = write_recipe("""\
        name: anna
        character: {name: Anna Keller, profile: {file: profile.md}}
        backend: {base_url: "http://x/v1", api_key: sk-literal-secret, model: m}
        """)
    recipe = load_recipe(path)
    export_run(run_dir, recipe=recipe, log=lambda m: None)
    copy = (run_dir / "export" / "recipe.yaml").read_text()
    assert "sk-literal-secret" not in copy and "api_key: <redacted>" in copy
    _, body = _card(run_dir / "export" / "README.md")
    assert recipe_hash(recipe) in body


def test_redact_keeps_env_references():
    text = "backend:\n  api_key: ${KEY}\n  token: 'abc'\nself_sampled: {api_key: sk-1, model: m}\n"
    out = redact(text)
    assert "${KEY}" in out and "abc" not in out and "sk-1" not in out and "model: m" in out


def test_each_config_of_the_card_loads_from_the_folder(run_dir, tmp_path):
    """`load_dataset(folder, config)` reads the card's `configs:` exactly as the Hub does."""
    import datasets

    datasets.disable_progress_bars()
    m = export_run(run_dir, log=lambda x: None)
    meta, _ = _card(run_dir / "export" / "README.md")
    for cfg in meta["configs"]:
        ds = datasets.load_dataset(str(run_dir / "export"), cfg["config_name"], cache_dir=str(tmp_path / "c"))
        assert {s: ds[s].num_rows for s in ds} == {
            f["split"]: m["files"][f["path"]]["rows"] for f in cfg["data_files"]
        }


def _judged_report(server) -> dict:
    """A real gate report with the heuristic measured against a (scripted) judge."""
    server.responder = lambda body: json.dumps(
        {"verdict": "outside" if "Anna Keller smiled" in body["messages"][-1]["content"] else "inside"}
    )
    ss = samples()[:2]
    ss[1] = ss[1].model_copy(
        update={
            "messages": [
                *ss[1].messages[:2],
                ss[1]
                .messages[2]
                .model_copy(update={"content": "Anna Keller smiled and put the spring back in its case."}),
            ]
        }
    )
    engine = Engine(EndpointSettings(base_url=server.base_url, model="judge", max_retries=0, timeout=5))

    async def go():
        try:
            return await run_gate_async(ss, QualityConfig(selfname={"judge_sample": 10}), judge=engine)
        finally:
            await engine.close()

    return asyncio.run(go()).report


def test_card_reports_the_self_name_precision_and_recall(run_dir, server):
    (run_dir / "quality" / "report.json").write_text(json.dumps(_judged_report(server)))
    export_run(run_dir, log=lambda m: None)
    _, body = _card(run_dir / "export" / "README.md")
    assert (
        "Self-name heuristic against a judge model (estimated on a stratified sample, 3 lines): "
        "precision 1.0, recall 1.0." in body
    )


def test_a_report_of_another_shape_is_not_dumped(run_dir):
    (run_dir / "quality" / "report.json").write_text(json.dumps({"total": 40, "timings_s": {"x": 1}}))
    m = export_run(run_dir, log=lambda x: None)
    assert "is not a report of the quality gate" in render(m) and "timings" not in render(m)
