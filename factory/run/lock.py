"""One process per run directory: an advisory `flock` on `<dir>/.factory-lock`.

The kernel drops a `flock` when its holder dies (kill -9 included), so a stale lock can never
block the next run, and no pid-liveness guessing is needed. The file also names the holder
(pid, host, start time, command) so the refusal can say who has it.

Re-entrant within one process: `factory run` may call code that takes the same directory's
lock again (its export stage, say); that nests instead of refusing itself. The descriptor is
not inherited by child processes (os.open's default), so a llama.cpp server outliving us
cannot keep the directory locked.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from pathlib import Path

from factory.recipe import RecipeError

LOCK_NAME = ".factory-lock"
_held: dict[str, list[int]] = {}  # real path of a lock file -> [fd, depth], for this process


class LockHeld(RecipeError):
    """Another live process holds the run directory."""


class RunLock:
    """`with RunLock(dir, "factory run"):` — refuses at once if another process holds `dir`."""

    def __init__(self, directory: Path, command: str = "factory"):
        self.directory = Path(directory)
        self.command = command
        self._fd: int | None = None
        self._key = ""

    @property
    def path(self) -> Path:
        return self.directory / LOCK_NAME

    def acquire(self) -> RunLock:
        if self._fd is not None:
            return self
        self.directory.mkdir(parents=True, exist_ok=True)
        key = os.path.realpath(self.path)
        if key in _held:  # this process holds it already: nest
            _held[key][1] += 1
            self._fd, self._key = _held[key][0], key
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(fd)
            os.close(fd)
            raise LockHeld(
                f"{self.directory}: in use by {holder}; wait for it to finish "
                f"(or stop it) before running another command on this directory"
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": self.command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        self._fd, self._key = fd, key
        _held[key] = [fd, 1]
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        entry = _held.get(self._key)
        if entry is not None:
            entry[1] -= 1
            if entry[1] > 0:
                return  # an outer holder in this process still has it
            del _held[self._key]
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _describe(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another process"
    return (
        f"{info.get('command', 'factory')} (pid {info.get('pid', '?')} on {info.get('host', '?')}, "
        f"started {info.get('started', '?')})"
    )
