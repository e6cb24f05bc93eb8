"""The run directory: one JSONL per stage, failures, cache, run.json; safe to resume.

A directory becomes a run directory only through us (marker file), and we refuse to write
into a non-empty directory without that marker, so a user's files are never overwritten.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from factory.recipe import RecipeError
from factory.records import append_jsonl, dedupe_sorted, iter_jsonl, repair_jsonl, write_jsonl_atomic

MARKER = ".factory-run"


class RunDir:
    def __init__(self, path: Path):
        self.path = Path(path)

    # -- lifecycle -------------------------------------------------------
    def check(self) -> RunDir:
        """Refuse a path that is not ours to write into; touches nothing (`factory validate` uses it)."""
        p = self.path
        if p.exists() and not p.is_dir():
            raise RecipeError(f"output_dir: {p} exists and is not a directory")
        if p.exists() and any(p.iterdir()) and not (p / MARKER).exists():
            raise RecipeError(f"output_dir: {p} exists and is not a factory run directory (refusing to overwrite)")
        return self

    def prepare(self, fresh: bool = False) -> RunDir:
        p = self.check().path
        if fresh and (p / MARKER).exists():
            for child in p.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        p.mkdir(parents=True, exist_ok=True)
        (p / MARKER).write_text("factory run directory\n", encoding="utf-8")
        for f in p.glob("*.jsonl"):
            repair_jsonl(f)
        for f in (p / ".progress").glob("*.done") if (p / ".progress").exists() else []:
            repair_jsonl(f)
        return self

    # -- paths -----------------------------------------------------------
    def stage_file(self, stage: str) -> Path:
        return self.path / f"{stage}.jsonl"

    @property
    def failures_file(self) -> Path:
        return self.path / "failures.jsonl"

    @property
    def cache_file(self) -> Path:
        return self.path / "cache.sqlite"

    @property
    def run_json(self) -> Path:
        return self.path / "run.json"

    @property
    def export_dir(self) -> Path:
        return self.path / "export"

    def _done_file(self, stage: str) -> Path:
        return self.path / ".progress" / f"{stage}.done"

    # -- progress --------------------------------------------------------
    def done_ids(self, stage: str) -> set[str]:
        f = self._done_file(stage)
        if not f.exists():
            return set()
        lines = f.read_text(encoding="utf-8").split("\n")
        return {x for x in lines[:-1] if x}  # last piece is "" or a torn line

    def mark_done(self, stage: str, request_id: str) -> None:
        f = self._done_file(stage)
        f.parent.mkdir(parents=True, exist_ok=True)
        with f.open("a", encoding="utf-8") as fh:
            fh.write(request_id + "\n")
            fh.flush()

    def append(self, stage: str, records) -> int:
        return append_jsonl(self.stage_file(stage), records)

    def records(self, stage: str) -> list[dict]:
        return list(iter_jsonl(self.stage_file(stage)))

    def finalize(self, stage: str, keep=None) -> list[dict]:
        """Rewrite a finished stage file: one line per id, sorted, optionally filtered."""
        objs = dedupe_sorted(iter_jsonl(self.stage_file(stage)))
        if keep is not None:
            objs = keep(objs)
        write_jsonl_atomic(self.stage_file(stage), objs)
        return objs

    def record_failure(self, stage: str, request_id: str, reason: str, detail: str | None) -> None:
        append_jsonl(self.failures_file, [{"stage": stage, "id": request_id, "reason": reason,
                                            "detail": detail or ""}])

    def write_run_json(self, data: dict) -> None:
        tmp = self.run_json.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(self.run_json)
