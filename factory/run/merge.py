"""Merge shard run directories (`factory run --shard I/N`) into one.

Stage files, held records (`.progress/*.jsonl`: what a stage's choice left out), done-logs and
caches are unioned by id. The finishing `factory run RECIPE --out MERGED` then redoes every
dataset-wide step over the union - near-duplicate drops, the preference pairs' cap, samples,
the gate, the export - and writes the data an unsharded run writes. A shard could not see the
others: the finishing run may ask the few requests that only the union shows are needed (a scene
the union keeps that its shard dropped), and the shards' requests for what the union drops stay
in the done-logs, the cache and `.progress/*.held.jsonl` (docs/architecture.md lists what differs).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from factory.recipe import RecipeError
from factory.records import dedupe_sorted, iter_jsonl, write_atomic, write_jsonl_atomic
from factory.run.lock import RunLock
from factory.run.rundir import MARKER, RunDir

# files rebuilt from the merged inputs by later stages, never unioned
_DERIVED = {"kept.jsonl", "rejected.jsonl"}


def merge_runs(sources: list[Path], out: Path) -> dict[str, int]:
    """Holds `out`'s RunLock throughout, so a `factory run` there cannot interleave with it."""
    for src in sources:
        if not (src / MARKER).exists():
            raise RecipeError(f"{src}: not a factory run directory")
    target = RunDir(out).check()
    with RunLock(target.path, "factory merge"):
        return _merge_into(sources, target.prepare())


def _merge_into(sources: list[Path], target: RunDir) -> dict[str, int]:
    counts: dict[str, int] = {}
    names = sorted({p.name for s in sources for p in s.glob("*.jsonl")} - _DERIVED)
    for name in names:
        objs = [o for s in sources for o in iter_jsonl(s / name)]
        if name == "failures.jsonl":
            write_jsonl_atomic(target.path / name, objs)
            continue
        merged = dedupe_sorted(o for o in objs if "id" in o)
        write_jsonl_atomic(target.path / name, merged)
        counts[name.removesuffix(".jsonl")] = len(merged)
    done_dir = target.path / ".progress"
    done_dir.mkdir(exist_ok=True)
    for name in sorted({p.name for s in sources for p in (s / ".progress").glob("*.jsonl")}):
        # records a stage holds back (near-duplicates): the finishing run judges them again over all
        held = dedupe_sorted(o for s in sources for o in iter_jsonl(s / ".progress" / name) if "id" in o)
        write_jsonl_atomic(done_dir / name, held)
    for stage in sorted({p.stem for s in sources for p in (s / ".progress").glob("*.done")}):
        ids = set().union(*(RunDir(s).done_ids(stage) for s in sources))
        write_atomic(done_dir / f"{stage}.done", "".join(f"{i}\n" for i in sorted(ids)))
    target.compact_failures()  # one line per (stage, id); a shard's failure another shard did is gone
    _merge_caches([s / "cache.sqlite" for s in sources], target.cache_file)
    target.write_run_json({"merged_from": [str(s) for s in sources], "counts": counts})
    return counts


def _merge_caches(paths: list[Path], dest: Path) -> None:
    from factory.engine.cache import RequestCache

    RequestCache(dest).close()  # creates the table
    conn = sqlite3.connect(str(dest))
    for i, p in enumerate(paths):
        if not p.exists():
            continue
        conn.execute(f"ATTACH DATABASE ? AS s{i}", (str(p),))
        conn.execute(f"INSERT OR IGNORE INTO replies SELECT * FROM s{i}.replies")
        conn.commit()
        conn.execute(f"DETACH DATABASE s{i}")
    conn.close()


def describe(counts: dict[str, int]) -> str:
    return json.dumps(counts, ensure_ascii=False)
