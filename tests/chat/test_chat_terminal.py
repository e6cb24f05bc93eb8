"""`factory chat` at a terminal: it says why the first seconds are silent, and Ctrl-C at the
`Me:` prompt ends the chat at once with a chat line (not a run's resume advice)."""

from __future__ import annotations

import os
import platform
import pty
import select
import signal
import subprocess
import sys
import time

from factory.testing.openai_server import ScriptedServer
from tests.chat import fakes
from tests.evaluate.conftest import make_run


def _read_until(fd: int, needle: bytes, seen: bytearray, timeout: float = 60) -> bool:
    while needle not in seen:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        seen.extend(data)
    return True


# Syscalls a process waiting for a typed line sits in (read, poll/select and their variants)
_WAITING = {"x86_64": {0, 7, 23, 232, 270, 271, 281}, "aarch64": {22, 63, 72, 73}}


def _wait_until_reading(pid: int, timeout: float = 20) -> None:
    """Until the child's main thread sleeps in a read / select: a SIGINT that lands between readline
    printing the prompt and its select loop only trips Python's flag, and CPython's readline checks
    that flag on EINTR alone, so the read would wait for the next key (a real person's Ctrl-C comes
    later than the test's, which followed the prompt by microseconds on a loaded machine)."""
    waiting = _WAITING.get(platform.machine())
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            with open(f"/proc/{pid}/syscall") as f:
                call = f.read().split()[0]
        except (OSError, IndexError):
            return  # no /proc here: signal at once, as before
        if state == "S" and call.isdigit() and int(call) in waiting:
            return
        time.sleep(0.05)


def test_ctrl_c_at_the_prompt_ends_the_chat_at_once(tmp_path):
    run = make_run(tmp_path, full=False)
    with ScriptedServer(responder=fakes.route, model="anna-sft") as srv:
        parent, child = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "factory", "chat", "--model", srv.base_url, "--run", str(run)],
            stdin=child,
            stdout=child,
            stderr=child,
            close_fds=True,
        )
        os.close(child)
        seen = bytearray()
        try:
            assert _read_until(parent, b"Me: ", seen), bytes(seen)
            _wait_until_reading(proc.pid)
            proc.send_signal(signal.SIGINT)  # what Ctrl-C sends; no Enter follows
            _read_until(parent, b"\x00never", seen, timeout=30)  # read until the child closes its side
            rc = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(parent)
    text = bytes(seen).decode("utf-8", "replace")
    assert rc == 0, text
    assert "Getting ready: reading the profile into a persona card" in text
    assert text.index("Getting ready") < text.index("Me: ")
    assert "is over" in text
    assert "resume" not in text and "Traceback" not in text
