"""Request cache in SQLite: a finished reply is never paid for twice.

The key covers everything that changes what the model is asked (model, endpoint kind,
messages, sampling params, schema, sample index, retry attempt) and nothing about how the
reply is parsed, so changing parsing code re-reads the cache instead of regenerating.
Writes go through one writer thread in batches (WAL mode), so the event loop never waits on disk.
"""

from __future__ import annotations

import hashlib
import json
import queue
import sqlite3
import threading
from pathlib import Path
from typing import Any

from .types import Reply

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
  key TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  finish_reason TEXT,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0
)
"""


def cache_key(model: str, endpoint_kind: str, messages: list[dict], params: dict[str, Any],
              schema: dict | None, sample_index: int, attempt: int = 0) -> str:
    blob = json.dumps([model, endpoint_kind, messages, params, schema, sample_index, attempt],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class RequestCache:
    def __init__(self, path: Path, batch: int = 64, interval: float = 0.05):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._read = sqlite3.connect(str(path), check_same_thread=False)
        self._read.execute("PRAGMA journal_mode=WAL")
        self._read.execute(_SCHEMA)
        self._read.commit()
        self._pending: dict[str, Reply] = {}
        self._lock = threading.Lock()
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
        row = self._read.execute(
            "SELECT text, finish_reason, prompt_tokens, completion_tokens FROM replies WHERE key=?", (key,)
        ).fetchone()
        return Reply(*row) if row else None

    def put(self, key: str, reply: Reply) -> None:
        with self._lock:
            self._pending[key] = reply
        self._queue.put((key, reply))

    def __len__(self) -> int:
        self.flush()
        return self._read.execute("SELECT COUNT(*) FROM replies").fetchone()[0]

    def flush(self) -> None:
        done = threading.Event()
        self._queue.put(done)
        done.wait()

    def close(self) -> None:
        self.flush()
        self._queue.put(None)
        self._writer.join(timeout=10)
        self._read.close()

    def _write_loop(self) -> None:
        conn = sqlite3.connect(str(self.path))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
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
                conn.executemany("INSERT OR REPLACE INTO replies VALUES (?,?,?,?,?)", rows)
                conn.commit()
                with self._lock:
                    for row in rows:
                        self._pending.pop(row[0], None)
            for ev in events:
                ev.set()
        conn.close()
