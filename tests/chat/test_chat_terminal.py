"""`factory chat` at a terminal: it says why the first seconds are silent, and Ctrl-C at the
`Me:` prompt ends the chat at once with a chat line (not a run's resume advice)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys

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
