"""What was run is what is recorded: `--set` and the other data-changing options reach run.json
(`cli`) and the recipe published as export/recipe.yaml, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml

from factory.recipe import read_recipe_data
from tests.responders import route

RECIPE = """\
name: anna
language: en
# a comment that survives only when nothing is overridden
character:
  name: Anna Keller
  profile: {file: profile.md}
backend: {api_key: "${ANNA_KEY:-none}"}
scenes: {per_chunk: 2, per_request: 1}
"""


def _run(recipe, out, server, *extra):
    cmd = [
        sys.executable,
        "-m",
        "factory",
        "run",
        str(recipe),
        "--out",
        str(out),
        "--base-url",
        server.base_url,
        "--model",
        "m",
        "--concurrency",
        "2",
        "--quiet",
        *extra,
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def test_set_overrides_reach_run_json_and_the_published_recipe(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE)
    out = tmp_path / "run"
    info = _run(
        recipe,
        out,
        server,
        "--limit",
        "3",
        "--set",
        "scenes.per_chunk=3",
        "--set",
        "protection.share=0.25",
        "--set",
        "judge.api_key=sk-literal-123",
    )
    cli = info["cli"]
    assert cli["set"] == ["scenes.per_chunk=3", "protection.share=0.25", "judge.api_key=<redacted>"]
    assert cli["limit"] == 3 and cli["model"] == "m" and cli["concurrency"] == 2
    assert cli["base_url"] == server.base_url
    text = (out / "export" / "recipe.yaml").read_text(encoding="utf-8")
    assert "sk-literal-123" not in text and "sk-literal-123" not in (out / "run.json").read_text()
    assert "--set scenes.per_chunk=3" in text  # says what was applied
    published = yaml.safe_load(text)
    assert published["scenes"] == {"per_chunk": 3, "per_request": 1}
    assert published["protection"] == {"share": 0.25}
    assert published["backend"]["api_key"] == "${ANNA_KEY:-none}"  # a reference stays a reference
    assert published["judge"]["api_key"] == "<redacted>"
    # what is published loads as a recipe again
    (tmp_path / "published.yaml").write_text(text, encoding="utf-8")
    assert read_recipe_data(tmp_path / "published.yaml")["scenes"]["per_chunk"] == 3

    # `factory export` from the run directory alone applies the recorded overrides again
    (out / "export" / "recipe.yaml").unlink()
    res = subprocess.run(
        [sys.executable, "-m", "factory", "export", str(out)], capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr
    again = yaml.safe_load((out / "export" / "recipe.yaml").read_text(encoding="utf-8"))
    assert again["scenes"]["per_chunk"] == 3 and again["protection"] == {"share": 0.25}


def test_without_overrides_the_file_is_copied_as_written(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE)
    out = tmp_path / "run"
    info = _run(recipe, out, server, "--limit", "2")
    assert "set" not in info["cli"] and info["cli"]["limit"] == 2
    assert (out / "export" / "recipe.yaml").read_text(encoding="utf-8") == RECIPE
