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

from factory.engine import EndpointSettings, Engine, Request, RunAborted
from factory.engine.local_server import LocalServer, LocalServerError
from factory.run.local import LazyLocalTransport


class StandIn(LocalServer):
    """The lifecycle of LocalServer around a process that is not llama.cpp."""

    def __init__(self, model_path: Path, argv: list[str] | None = None):
        super().__init__(model_path, startup_timeout=30)
        self.argv = argv
        self.spawned_on: threading.Thread | None = None
        self.spawns = 0

    def command(self) -> list[str]:
        return self.argv or [sys.executable, "-m", "factory.testing.openai_server", "--port", str(self.port)]

    def spawn(self) -> None:
        self.spawned_on = threading.current_thread()
        self.spawns += 1
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
        replies = await asyncio.gather(
            *[
                transport.complete({"model": "m", "messages": [{"role": "user", "content": f"hi {i}"}]})
                for i in range(3)
            ]
        )
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


UNLOADABLE = (
    "import sys; print('llama_model_loader: loading model', flush=True); "
    "print('Traceback (most recent call last):'); "
    "print('ValueError: Failed to load model from file: ' + sys.argv[1]); sys.exit(1)"
)


def test_an_unloadable_model_fails_the_run_once_naming_file_and_log_line(gguf, tmp_path):
    srv = StandIn(gguf, argv=[sys.executable, "-c", UNLOADABLE, str(gguf)])
    srv.log_path = tmp_path / "llama_server.log"
    engine = Engine(
        EndpointSettings(base_url="http://127.0.0.1:9/v1", model="m", concurrency=2),
        transport=LazyLocalTransport(srv, timeout=10, max_connections=2),
    )

    async def go():
        try:
            return await engine.run(
                [Request(id=f"r{i}", messages=[{"role": "user", "content": f"hi {i}"}]) for i in range(10)]
            )
        finally:
            await engine.close()

    with pytest.raises(LocalServerError) as info:
        asyncio.run(go())
    message = str(info.value)
    assert isinstance(info.value, RunAborted) and "\n" not in message
    assert message.startswith(f"{gguf}: llama.cpp server exited with code 1 while starting")
    assert f"ValueError: Failed to load model from file: {gguf}" in message
    assert srv.spawns == 1  # never restarted, however many requests were waiting


def test_without_a_log_file_the_reason_is_still_quoted(gguf):
    srv = StandIn(gguf, argv=[sys.executable, "-c", "import sys; sys.exit('cannot mmap the model')"])
    with pytest.raises(LocalServerError, match="cannot mmap the model"):
        asyncio.run(srv.start_async())
    with pytest.raises(LocalServerError, match="cannot mmap the model"):
        asyncio.run(srv.start_async())  # remembered, not tried again
    assert srv.spawns == 1 and srv.proc is None
