"""The run directory: one JSONL per stage, failures, cache, run.json; safe to resume.

A directory becomes a run directory only through us (marker file), and we refuse to write
into a non-empty directory without that marker, so a user's files are never overwritten.
Every file obeys one rule after a finished run, however often it was interrupted: one line
per id. Appends are the crash-safe log while a stage runs; a finished stage rewrites its
files atomically (stage file, done-log, failures) to that one-line-per-id form.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from factory.recipe import RecipeError
from factory.records import (
    append_jsonl,
    append_text,
    dedupe_sorted,
    is_own_temp,
    iter_jsonl,
    repair_jsonl,
    write_atomic,
    write_jsonl_atomic,
)
from factory.run.lock import LOCK_NAME
from factory.secrets import scrub

MARKER = ".factory-run"
# what may be in a directory before it is ours: the lock is taken before prepare() writes the marker
NOT_CONTENT = {LOCK_NAME}


class RunDir:
    def __init__(self, path: Path):
        self.path = Path(path)

    # -- lifecycle -------------------------------------------------------
    def check(self) -> RunDir:
        """Refuse a path that is not ours to write into; touches nothing (`factory validate` uses it)."""
        p = self.path
        if p.exists() and not p.is_dir():
            raise RecipeError(f"output_dir: {p} exists and is not a directory")
        if p.exists() and not (p / MARKER).exists() and any(c.name not in NOT_CONTENT for c in p.iterdir()):
            raise RecipeError(
                f"output_dir: {p} exists and is not a factory run directory (refusing to overwrite)"
            )
        return self

    def prepare(self, fresh: bool = False) -> RunDir:
        """Make the directory ours and consistent; call it holding the RunLock (temp files of a
        killed process are removed here, which would be wrong while another one is writing)."""
        p = self.check().path
        if fresh and (p / MARKER).exists():
            # the marker goes last: a second process looking in meanwhile still sees a run dir
            # (and is refused by the lock, naming us) rather than "foreign content"
            for child in sorted(p.iterdir(), key=lambda c: c.name == MARKER):
                if child.name in NOT_CONTENT:
                    continue  # the lock we hold
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        p.mkdir(parents=True, exist_ok=True)
        if not (p / MARKER).exists():
            write_atomic(p / MARKER, "factory run directory\n")
        for f in p.rglob("*.tmp"):
            if f.is_file() and is_own_temp(f):
                f.unlink()
        for f in p.glob("*.jsonl"):
            repair_jsonl(f)
        for f in (p / ".progress").glob("*.done") if (p / ".progress").exists() else []:
            repair_jsonl(f)
        if self.failures_file.exists():
            self.compact_failures()
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
        append_text(self._done_file(stage), request_id + "\n")

    def compact_done(self, stage: str, forget: frozenset[str] | set[str] = frozenset()) -> None:
        """One line per id in the done-log (a request redone after a kill may be marked twice);
        `forget`: ids taken off it, as if never asked (requests asked ahead for a record its
        maker dropped in the end, factory/run/per_record.py)."""
        f = self._done_file(stage)
        if not f.exists():
            return
        lines = f.read_text(encoding="utf-8").split("\n")[:-1]
        ids = sorted({x for x in lines if x} - set(forget))
        if lines != ids:
            write_atomic(f, "".join(f"{i}\n" for i in ids))

    def forget(self, stage: str, request_ids: set[str]) -> None:
        """Take requests off a stage's books (done-log, failures) as if never asked."""
        self.compact_done(stage, forget=request_ids)
        self.compact_failures(forget=(stage, request_ids))

    def append(self, stage: str, records) -> int:
        return append_jsonl(self.stage_file(stage), records)

    def records(self, stage: str) -> list[dict]:
        return list(iter_jsonl(self.stage_file(stage)))

    def finalize(self, stage: str, keep=None, hold: bool = False) -> list[dict]:
        """Rewrite a finished stage file: one line per id, sorted, optionally filtered.

        `hold`: what `keep` leaves out waits in `.progress/<stage>.held.jsonl` and is offered to
        `keep` again next time, so a choice over the whole set (near-duplicates, a cap) is made
        over every record ever made - a merge of shards, a resumed larger run - not over the
        survivors of an earlier choice (whose requests are done and would not be asked again).
        """
        held = self.held_file(stage)
        objs = dedupe_sorted([*iter_jsonl(self.stage_file(stage)), *(iter_jsonl(held) if hold else ())])
        if keep is not None:
            every, objs = objs, keep(objs)
            if hold:
                ids = {o["id"] for o in objs}
                out = [o for o in every if o["id"] not in ids]
                if out or held.exists():  # before the stage file loses them: a kill keeps both
                    held.parent.mkdir(exist_ok=True)
                    write_jsonl_atomic(held, out)
        write_jsonl_atomic(self.stage_file(stage), objs)
        return objs

    def held_file(self, stage: str) -> Path:
        """Records a stage's choice left out (finalize `hold`); `factory merge` unions them by id."""
        return self.path / ".progress" / f"{stage}.held.jsonl"

    # -- failures --------------------------------------------------------
    def record_failure(self, stage: str, request_id: str, reason: str, detail: str | None) -> None:
        """Append now (a kill keeps it); compact_failures() later folds repeats into one line."""
        append_jsonl(
            self.failures_file,
            [{"stage": stage, "id": request_id, "reason": reason, "detail": scrub(detail or "")}],
        )

    def failures(self, forget: tuple[str, set[str]] | None = None) -> list[dict]:
        """The failures that still stand: the latest per (stage, id), minus ids done since
        (and minus `forget`: one stage's ids taken off its books)."""
        latest: dict[tuple[str, str], dict] = {}
        for obj in iter_jsonl(self.failures_file):
            if isinstance(obj, dict) and "stage" in obj and "id" in obj:
                latest[(str(obj["stage"]), str(obj["id"]))] = obj
        if forget is not None:
            latest = {k: v for k, v in latest.items() if not (k[0] == forget[0] and k[1] in forget[1])}
        done: dict[str, set[str]] = {}
        out = []
        for (stage, rid), obj in sorted(latest.items()):
            if rid not in done.setdefault(stage, self.done_ids(stage)):
                out.append(obj)
        return out

    def compact_failures(self, forget: tuple[str, set[str]] | None = None) -> list[dict]:
        """Rewrite failures.jsonl atomically to one line per failure that is still a failure."""
        standing = self.failures(forget)
        if standing != list(iter_jsonl(self.failures_file)):  # nothing to fold: leave the file be
            write_jsonl_atomic(self.failures_file, standing)
        return standing

    def write_run_json(self, data: dict) -> None:
        write_atomic(self.run_json, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
