"""Request cache in SQLite: a finished reply is never paid for twice.

The key covers everything that changes what the model is asked (model, endpoint kind,
messages, sampling params, schema, sample index, retry attempt) and nothing about how the
reply is parsed, so changing parsing code re-reads the cache instead of regenerating.
Writes go through one writer thread in batches (WAL mode), so the event loop never waits on disk.
A write that fails (disk full) stops the writer cleanly: committed rows stay, every waiting
flush is released, and the next put/flush/close raises RunAborted naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import queue
import sqlite3
import threading
from pathlib import Path
from typing import Any

from .types import CacheDamaged, Reply, RunAborted

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
  key TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  finish_reason TEXT,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0
)
"""


def cache_key(
    model: str,
    endpoint_kind: str,
    messages: list[dict],
    params: dict[str, Any],
    schema: dict | None,
    sample_index: int,
    attempt: int = 0,
) -> str:
    blob = json.dumps(
        [model, endpoint_kind, messages, params, schema, sample_index, attempt],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _damaged(path: Path, exc: sqlite3.Error) -> str:
    return (
        f"{path}: not a readable SQLite cache ({exc}); move it away to start the cache over, "
        "or run with --fresh"
    )


def _write_failed(path: Path, exc: BaseException) -> str:
    full = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or (
        isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    )
    if full:
        return f"{path}: no space left on device (cache write); free space and run again to resume"
    return f"{path}: cache write failed ({exc}); what was written before is kept, run again to resume"


class RequestCache:
    def __init__(self, path: Path, batch: int = 64, interval: float = 0.05):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._read = sqlite3.connect(str(path), check_same_thread=False)
        try:  # read page 1 now: a damaged file is bad input, not a failure of every request
            self._read.execute("PRAGMA journal_mode=WAL")
            self._read.execute(_SCHEMA)
            self._read.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            self._read.commit()
        except sqlite3.DatabaseError as exc:
            self._read.close()
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                raise RunAborted(_write_failed(path, exc)) from None
            raise CacheDamaged(_damaged(path, exc)) from None
        self._pending: dict[str, Reply] = {}
        self._lock = threading.Lock()
        self._failed: str | None = None  # why the writer stopped; set under _lock
        self._queue: queue.Queue = queue.Queue()
        self._batch = batch
        self._interval = interval
        self._writer = threading.Thread(target=self._write_loop, name="cache-writer", daemon=True)
        self._writer.start()

    def get(self, key: str) -> Reply | None:
        with self._lock:
            hit = self._pending.get(key)
        if hit is not None:
            return hit
        try:
            row = self._read.execute(
                "SELECT text, finish_reason, prompt_tokens, completion_tokens FROM replies WHERE key=?",
                (key,),
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise RunAborted(_damaged(self.path, exc)) from None
        return Reply(*row) if row else None

    def put(self, key: str, reply: Reply) -> None:
        with self._lock:
            if self._failed is not None:
                raise RunAborted(self._failed)
            self._pending[key] = reply
            self._queue.put((key, reply))

    def __len__(self) -> int:
        self.flush()
        return self._read.execute("SELECT COUNT(*) FROM replies").fetchone()[0]

    def flush(self) -> None:
        done = threading.Event()
        with self._lock:  # after the writer failed, nobody would ever set the event
            if self._failed is not None:
                raise RunAborted(self._failed)
            self._queue.put(done)
        done.wait()
        if self._failed is not None:
            raise RunAborted(self._failed)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._queue.put(None)
            self._writer.join(timeout=10)
            self._read.close()

    def _write_loop(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path))
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        except (sqlite3.Error, OSError) as exc:
            self._stop(exc)
            return
        try:
            self._serve(conn)
        finally:
            conn.close()

    def _serve(self, conn: sqlite3.Connection) -> None:
        stop = False
        while not stop:
            item = self._queue.get()
            items = [item]
            try:
                while len(items) < self._batch:
                    items.append(self._queue.get(timeout=self._interval))
            except queue.Empty:
                pass
            rows, events = [], []
            for it in items:
                if it is None:
                    stop = True
                elif isinstance(it, threading.Event):
                    events.append(it)
                else:
                    key, r = it
                    rows.append((key, r.text, r.finish_reason, r.prompt_tokens, r.completion_tokens))
            if rows:
                try:
                    conn.executemany("INSERT OR REPLACE INTO replies VALUES (?,?,?,?,?)", rows)
                    conn.commit()
                except (sqlite3.Error, OSError) as exc:
                    try:
                        conn.rollback()
                    except sqlite3.Error:
                        pass
                    self._stop(exc, events)
                    return
                with self._lock:
                    for row in rows:
                        self._pending.pop(row[0], None)
            for ev in events:
                ev.set()

    def _stop(self, exc: BaseException, events: list[threading.Event] | None = None) -> None:
        """The writer gives up: record why, then release every flush waiting now or queued."""
        with self._lock:
            self._failed = _write_failed(self.path, exc)
        for ev in events or []:
            ev.set()
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, threading.Event):
                item.set()
