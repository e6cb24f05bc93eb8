"""Request cache in SQLite: a finished reply is never paid for twice.

The key covers everything that changes what the model is asked (model, endpoint kind,
messages, sampling params, schema, sample index, retry attempt) and nothing about how the
reply is parsed, so changing parsing code re-reads the cache instead of regenerating.
Writes go through one writer thread in batches (WAL mode), so the event loop never waits on disk;
a put only wakes that thread when a batch is full (else it looks every `interval` s), since waking
it per put cost a quarter of the engine's time at 1,024 requests in flight.
A write that fails (disk full) stops the writer cleanly: committed rows stay, every waiting
flush is released, and the next put/flush/close raises RunAborted naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import json
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


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def canonical(obj: Any) -> str:
    """The JSON a cache key hashes: sorted keys, no spaces, UTF-8 as is (one encoder, built once)."""
    return _CANONICAL(obj)


def cache_key(
    model: str,
    endpoint_kind: str,
    messages: list[dict],
    params: dict[str, Any],
    schema: dict | None,
    sample_index: int,
    attempt: int = 0,
) -> str:
    return key_for(
        key_prefix(model, endpoint_kind, canonical(messages), params, schema, sample_index), attempt
    )


def key_prefix(
    model: str,
    endpoint_kind: str,
    messages_json: str,
    params: dict[str, Any],
    schema: dict | None,
    sample_index: int,
) -> str:
    """What a request's keys share, with its messages already serialised (`canonical`): the
    engine serialises them once for the key of every attempt and for the wire."""
    head = _CANONICAL([model, endpoint_kind])[:-1]
    tail = _CANONICAL([params, schema, sample_index])[1:-1]
    return f"{head},{messages_json},{tail},"


def key_for(prefix: str, attempt: int) -> str:
    """sha256 of canonical([model, kind, messages, params, schema, sample_index, attempt])."""
    return hashlib.sha256((prefix + str(int(attempt)) + "]").encode()).hexdigest()


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
        self._pending: dict[str, Reply] = {}  # put, not yet committed: what get() sees first
        self._lock = threading.Lock()
        self._failed: str | None = None  # why the writer stopped; set under _lock
        self._unwritten: list[str] = []  # keys put since the writer last took them; under _lock
        self._flushers: list[threading.Event] = []  # flush() calls waiting for the next commit
        self._closing = False
        self._index: set[int] | None = None  # hash() of the committed keys, once a miss built it
        self._wake = threading.Event()  # set only for a full batch, a flush or close: not per put
        self._batch = batch
        self._interval = interval
        self._writer = threading.Thread(target=self._write_loop, name="cache-writer", daemon=True)
        self._writer.start()

    def get(self, key: str) -> Reply | None:
        hit = self._pending.get(key)  # a dict read is atomic: no lock on the event loop's path
        if hit is not None:
            return hit
        index = self._index
        if index is not None and hash(key) not in index:
            return None  # a miss without touching SQLite
        try:
            row = self._read.execute(
                "SELECT text, finish_reason, prompt_tokens, completion_tokens FROM replies WHERE key=?",
                (key,),
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise RunAborted(_damaged(self.path, exc)) from None
        if row is None:
            if index is None:
                self._build_index()
            return None
        return Reply(*row)

    def _build_index(self) -> None:
        """hash() of every committed key, built on the first miss: later misses (what a run that
        asks the model meets most) skip SQLite. A fully cached re-run never misses, so never pays
        for it. Rows another process adds afterwards go unseen (asked again, at worst)."""
        with self._lock:  # the writer adds what it commits from now on
            try:
                self._index = {hash(k) for (k,) in self._read.execute("SELECT key FROM replies")}
            except sqlite3.DatabaseError as exc:
                raise RunAborted(_damaged(self.path, exc)) from None

    def put(self, key: str, reply: Reply) -> None:
        """Queue a write: the writer thread wakes for a full batch, else within `interval` s."""
        with self._lock:
            if self._failed is not None:
                raise RunAborted(self._failed)
            self._pending[key] = reply
            self._unwritten.append(key)
            if len(self._unwritten) == self._batch:
                self._wake.set()

    def __len__(self) -> int:
        self.flush()
        return self._read.execute("SELECT COUNT(*) FROM replies").fetchone()[0]

    def flush(self) -> None:
        """Return once everything put so far is committed (or raise RunAborted if it cannot be)."""
        done = threading.Event()
        with self._lock:  # after the writer failed, nobody would ever set the event
            if self._failed is not None:
                raise RunAborted(self._failed)
            self._flushers.append(done)
            self._wake.set()
        done.wait()
        if self._failed is not None:
            raise RunAborted(self._failed)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._lock:
                self._closing = True
                self._wake.set()
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
        while True:
            self._wake.wait(self._interval)
            with self._lock:
                self._wake.clear()
                keys, self._unwritten = self._unwritten, []
                events, self._flushers = self._flushers, []
                stop = self._closing
                written = {k: self._pending[k] for k in keys}  # the last reply put for each key
            if written:
                rows = [
                    (k, r.text, r.finish_reason, r.prompt_tokens, r.completion_tokens)
                    for k, r in written.items()
                ]
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
                    if self._index is not None:
                        self._index.update(hash(k) for k in written)
                    for k, r in written.items():
                        if self._pending.get(k) is r:  # not put again meanwhile
                            del self._pending[k]
            for ev in events:
                ev.set()
            if stop:
                return

    def _stop(self, exc: BaseException, events: list[threading.Event] | None = None) -> None:
        """The writer gives up: record why, then release every flush waiting now or later."""
        with self._lock:
            self._failed = _write_failed(self.path, exc)
            events = (events or []) + self._flushers
            self._flushers = []
        for ev in events:
            ev.set()
