"""How the embedded server is told to use the CPU: threads and OpenMP's wait policy (no model needed)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from factory.engine.local_server import LocalServer


class EnvProbe(LocalServer):
    """Runs a process that writes its OMP_WAIT_POLICY down instead of llama.cpp."""

    def __init__(self, model_path: Path, out: Path, **kw):
        super().__init__(model_path, **kw)
        self.out = out

    def command(self) -> list[str]:
        code = f"import os; open({str(self.out)!r}, 'w').write(os.environ.get('OMP_WAIT_POLICY', '-'))"
        return [sys.executable, "-c", code]


@pytest.fixture
def gguf(tmp_path) -> Path:
    path = tmp_path / "stand-in.gguf"
    path.write_bytes(b"")
    return path


def _policy(srv: EnvProbe) -> str:
    srv.spawn()
    srv.proc.wait(timeout=30)
    srv.stop()
    return srv.out.read_text()


def test_threads_do_not_spin_unless_the_user_says_so(gguf, tmp_path, monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    assert _policy(EnvProbe(gguf, tmp_path / "a")) == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert _policy(EnvProbe(gguf, tmp_path / "b")) == "ACTIVE"


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="extra `local` not installed")
def test_every_core_generates_and_reads_the_prompt_unless_the_recipe_says(gguf):
    def flags(srv: LocalServer) -> tuple[str, str]:
        cmd = srv.command()
        return cmd[cmd.index("--n_threads") + 1], cmd[cmd.index("--n_threads_batch") + 1]

    cores = str(len(os.sched_getaffinity(0)))
    assert flags(LocalServer(gguf)) == (cores, cores)
    assert flags(LocalServer(gguf, n_threads=3)) == ("3", cores)  # backend.local.n_threads: generation
