"""RunLock: one process per run directory, named holder, no stale lock after kill -9."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from factory.lock import LOCK_NAME, LockHeld, RunLock

HOLD = """\
import sys, time
from factory.lock import RunLock
RunLock(sys.argv[1], "factory run").acquire()
print("held", flush=True)
time.sleep(600)
"""


def test_a_second_holder_is_refused_with_the_first_ones_name(tmp_path):
    with RunLock(tmp_path / "run", "factory run"):
        info = json.loads((tmp_path / "run" / LOCK_NAME).read_text())
        assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
        with pytest.raises(LockHeld) as err:
            RunLock(tmp_path / "run", "factory merge").acquire()
    msg = str(err.value)
    assert msg.startswith(f"{tmp_path / 'run'}: in use by factory run (pid {os.getpid()} on {socket.gethostname()}, "
                          f"started {info['started']})") and "\n" not in msg
    assert (tmp_path / "run" / LOCK_NAME).read_text() == ""  # released: no holder named
    with RunLock(tmp_path / "run", "factory merge"):
        pass


def test_kill_9_of_the_holder_leaves_no_stale_lock(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "run")], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld, match=f"pid {proc.pid} "):
            RunLock(tmp_path / "run").acquire()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert json.loads((tmp_path / "run" / LOCK_NAME).read_text())["pid"] == proc.pid  # its name is left...
    deadline = time.monotonic() + 10
    lock = RunLock(tmp_path / "run", "factory run")
    while True:  # ...but the kernel dropped its flock with the process
        try:
            lock.acquire()
            break
        except LockHeld:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert json.loads((tmp_path / "run" / LOCK_NAME).read_text())["pid"] == os.getpid()
    lock.release()
