"""LazyLocalTransport's server lifecycle, with the scripted server standing in for llama.cpp.

The fork must happen on the event-loop (main) thread: PR_SET_PDEATHSIG fires when the thread
that forked exits, so a fork from a worker thread would tie the server's life to that thread.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

from factory.engine.local_server import LocalServer, LocalServerError
from factory.pipeline import LazyLocalTransport


class StandIn(LocalServer):
    """The lifecycle of LocalServer around a process that is not llama.cpp."""

    def __init__(self, model_path: Path, argv: list[str] | None = None):
        super().__init__(model_path, startup_timeout=30)
        self.argv = argv
        self.spawned_on: threading.Thread | None = None

    def command(self) -> list[str]:
        return self.argv or [sys.executable, "-m", "factory.testing.openai_server", "--port", str(self.port)]

    def spawn(self) -> None:
        self.spawned_on = threading.current_thread()
        super().spawn()


@pytest.fixture
def gguf(tmp_path) -> Path:
    path = tmp_path / "stand-in.gguf"
    path.write_bytes(b"")
    return path


def test_server_is_forked_on_the_loop_thread_used_and_stopped(gguf):
    srv = StandIn(gguf)
    transport = LazyLocalTransport(srv, timeout=10, max_connections=2)

    async def go():
        loop_thread = threading.current_thread()
        replies = await asyncio.gather(*[transport.complete(
            {"model": "m", "messages": [{"role": "user", "content": f"hi {i}"}]}) for i in range(3)])
        proc = srv.proc
        await transport.close()
        return loop_thread, replies, proc

    loop_thread, replies, proc = asyncio.run(go())
    assert srv.spawned_on is loop_thread is threading.main_thread()
    assert sorted(r.text for r in replies) == ["echo: hi 0", "echo: hi 1", "echo: hi 2"]  # one server for all
    assert proc.poll() is not None and srv.proc is None


def test_a_server_that_dies_while_starting_is_a_clear_error(gguf):
    srv = StandIn(gguf, argv=[sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(LocalServerError, match="exited with code 3 while starting"):
        asyncio.run(srv.start_async())
    assert srv.proc is None
