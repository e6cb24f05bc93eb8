"""A tiny run keeps its samples for training: eval only takes what train can spare (split.min_train)."""

from __future__ import annotations

import json

import yaml

from factory.export.exporter import export_run
from factory.export.split import split_samples
from factory.recipe import parse_recipe
from factory.records import append_jsonl

from .conftest import scene_sample


def _tiny(n: int):
    return [scene_sample(i, f"scn-{i:03d}") for i in range(n)]  # one group each


def test_train_never_drops_below_min_train():
    for n in range(1, 30):
        ss = _tiny(n)
        split = split_samples(ss, 0.5, 3, min_train=20)
        assert n - len(split.eval_ids) >= min(n, 20), n
        assert bool(split.eval_ids) == (n > 20), n
    assert split_samples(_tiny(4), 0.05, 3, min_train=0).eval_ids  # 0: the old behaviour, one eval sample


def test_a_tiny_exported_run_has_no_eval_rows_and_says_why(tmp_path, write_recipe):
    run = tmp_path / "run"
    run.mkdir()
    (run / ".factory-run").write_text("factory run directory\n")
    append_jsonl(run / "kept.jsonl", _tiny(4))
    path = write_recipe("""\
        name: anna
        character: {name: Anna Keller, profile: {file: profile.md}}
        quality: null
        """)
    recipe = parse_recipe(yaml.safe_load(path.read_text()), path.parent, path)
    logged: list[str] = []
    export_run(run, recipe=recipe, log=logged.append)
    doc = json.loads((run / "export" / "split.json").read_text())
    assert len(doc["train"]) == 4 and doc["eval"] == []
    assert any("split.min_train (20)" in m for m in logged), logged
