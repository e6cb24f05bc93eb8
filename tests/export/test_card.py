"""The dataset card: Hub metadata that matches the files, counts, provenance, training recipes."""

from __future__ import annotations

import yaml

from factory.export.card import redact
from factory.export.exporter import export_run
from factory.pipeline import recipe_hash
from factory.recipe import load_recipe


def _card(path):
    text = path.read_text()
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def test_metadata_names_a_config_per_format_with_existing_files(run_dir):
    export_run(run_dir, log=lambda m: None)
    meta, _ = _card(run_dir / "export" / "README.md")
    assert meta["license"] == "cc-by-sa-4.0" and meta["language"] == ["en"]
    assert meta["task_categories"] == ["text-generation"] and "role-play" in meta["tags"] and "dpo" in meta["tags"]
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
    assert "- by_rule: blacklist 2, self_name 1" in body
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
            f["split"]: m["files"][f["path"]]["rows"] for f in cfg["data_files"]}
