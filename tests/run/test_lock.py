"""RunLock: one process per run directory, named holder, no stale lock after kill -9."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from factory.run.lock import LOCK_NAME, LockHeld, RunLock

HOLD = """\
import sys, time
from factory.run.lock import RunLock
RunLock(sys.argv[1], sys.argv[2]).acquire()
print("held", flush=True)
time.sleep(600)
"""


@contextlib.contextmanager
def held_elsewhere(directory: Path, command: str = "factory run") -> Iterator[subprocess.Popen]:
    """Another real process holds `directory`'s lock until the block ends (then it is kill -9ed)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(directory), command], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def test_a_second_process_is_refused_with_the_holders_name(tmp_path):
    out = tmp_path / "run"
    with held_elsewhere(out) as holder:
        info = json.loads((out / LOCK_NAME).read_text())
        assert info["pid"] == holder.pid and info["host"] == socket.gethostname()
        with pytest.raises(LockHeld) as err:
            RunLock(out, "factory merge").acquire()
    msg = str(err.value)
    assert (
        msg.startswith(
            f"{out}: in use by factory run (pid {holder.pid} on {socket.gethostname()}, "
            f"started {info['started']})"
        )
        and "\n" not in msg
    )


def test_kill_9_of_the_holder_leaves_no_stale_lock(tmp_path):
    out = tmp_path / "run"
    with held_elsewhere(out) as holder:
        pass  # killed with -9 on the way out
    assert json.loads((out / LOCK_NAME).read_text())["pid"] == holder.pid  # its name is left...
    deadline = time.monotonic() + 10
    lock = RunLock(out, "factory run")
    while True:  # ...but the kernel dropped its flock with the process
        try:
            lock.acquire()
            break
        except LockHeld:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert json.loads((out / LOCK_NAME).read_text())["pid"] == os.getpid()
    lock.release()
    assert (out / LOCK_NAME).read_text() == ""  # released: no holder named


def test_one_process_may_nest_its_own_lock(tmp_path):
    out = tmp_path / "run"
    with RunLock(out, "factory run"):
        with RunLock(out / ".", "factory export"):  # e.g. the export stage inside `factory run`
            pass
        assert json.loads((out / LOCK_NAME).read_text())["command"] == "factory run"  # still held
        res = subprocess.run(
            [sys.executable, "-c", HOLD, str(out), "factory gate"], capture_output=True, text=True, timeout=60
        )
        assert res.returncode != 0 and "in use by factory run" in res.stderr
    res = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out), "factory gate"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert res.stdout.readline().strip() == "held"  # released for real at the outer exit
    finally:
        res.send_signal(signal.SIGKILL)
        res.wait()
