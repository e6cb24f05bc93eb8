"""`--shard 1/2` + `--shard 2/2` + `factory merge` + the finishing `factory run` == one unsharded run.

The recipe makes near-duplicate scenes that land in different shards (a low `dedup_threshold` over
the scripted writers' look-alike scenes), spreads `scenes.total` and protection slots over all
chunks and caps the preference pairs: every dataset-wide step a shard can only do on its part. Every file of the two run
directories is compared; what may differ, and why, is spelled out per file below.
"""

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from tests.responders import route

RECIPE = """\
name: anna
language: en
seed: 3
character: {name: Anna Keller, profile: {file: profile.md}}
chunks: {max_tokens: 200, min_tokens: 5}
scenes: {total: 12, per_request: 2, dedup_threshold: 60}
protection: {share: 0.3}
preferences: {per_sample: 1, max_pairs: 3}
"""
PROFILE = "\n\n".join(
    f"# Period {i}\nAnna did thing number {i} in the year {1850 + i} with care and skill." for i in range(4)
)
# wall clock in the run's reports
TIMES = {"started_at", "wall_time_s", "created_at", "timings_s"}
# run.json books what its own process asked: the finishing run asks (almost) nothing, the shards the rest
ACCOUNTING = {"requests", "cache_hits", "tokens_in", "tokens_out", "cost_usd", "failures", "stages"}


def _run(*args) -> None:
    res = CliRunner().invoke(main, [*map(str, args)])
    assert res.exit_code == 0, res.output


def _blank(obj, keys):
    if isinstance(obj, dict):
        return {k: "-" if k in keys else _blank(v, keys) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_blank(v, keys) for v in obj]
    return obj


def _rows(path: Path) -> set[tuple]:
    with sqlite3.connect(path) as conn:
        return set(conn.execute("SELECT * FROM replies"))


def _untimed(path: Path) -> list[str]:
    """A report's lines less its export date and the gate's timings line."""
    return [x for x in path.read_text().splitlines() if " at 20" not in x and "dedup " not in x]


def _lines(path: Path) -> set[str]:
    return set(path.read_text(encoding="utf-8").splitlines())


@pytest.fixture
def runs(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE, profile=PROFILE)
    args = ("--base-url", server.base_url, "--model", "m", "--quiet")
    _run("run", recipe, "--out", tmp_path / "whole", *args)
    for i in range(2):
        _run("run", recipe, "--out", tmp_path / f"s{i}", "--shard", f"{i}/2", *args)
    _run("merge", tmp_path / "s0", tmp_path / "s1", "--out", tmp_path / "m")
    union = sum(len(_lines(tmp_path / f"s{i}" / "scenes.jsonl")) for i in range(2))
    _run("run", recipe, "--out", tmp_path / "m", *args)
    return tmp_path / "whole", tmp_path / "m", union


def test_shards_merged_and_finished_write_what_one_run_writes(runs):
    whole, merged, union = runs
    kept = len(_lines(whole / "scenes.jsonl"))
    assert union > kept  # the recipe does what it is for: near-duplicates the shards could not see
    files = sorted(str(p.relative_to(whole)) for p in whole.rglob("*") if p.is_file())
    extra = {str(p.relative_to(merged)) for p in merged.rglob("*") if p.is_file()} - set(files)
    for name in sorted(files, key=lambda n: (n.startswith(".") or n == "cache.sqlite", n)):  # data first
        a, b = whole / name, merged / name
        if name == "cache.sqlite":  # SQLite pages do not compare; its replies do (the shards asked more)
            assert _rows(a) <= _rows(b)
        elif name.startswith(".progress/"):
            # requests asked and records held back: a shard also asked for scripts of scenes and
            # pairs of samples that only the union leaves out; upstream of every choice all is equal
            assert _lines(a) <= _lines(b), name
            if name.split("/")[1].split(".")[0] in ("chunks", "scenes", "protection_scenes"):
                assert a.read_bytes() == b.read_bytes(), name
        elif name == "run.json":
            wa, wb = (_blank(json.loads(p.read_text()), TIMES | ACCOUNTING) for p in (a, b))
            assert wa == wb
        elif name.endswith(".inputs.json"):  # a skip stamp: digests of reports whose timings vary
            assert json.loads(a.read_text())["inputs"] == json.loads(b.read_text())["inputs"], name
        elif name.endswith(".json"):
            assert _blank(json.loads(a.read_text()), TIMES) == _blank(json.loads(b.read_text()), TIMES), name
        elif name in ("export/README.md", "quality/report.md"):  # a date, the gate's timings
            assert _untimed(a) == _untimed(b), name
        else:
            assert a.read_bytes() == b.read_bytes(), name
    assert extra == {".progress/preferences.held.jsonl"}  # pairs for the shards' own max_pairs picks
