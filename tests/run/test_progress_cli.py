"""`factory run`'s progress as a person sees it: in a real terminal (a pty) and piped to a log."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time

from tests.responders import route

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
scenes: {per_chunk: 3, per_request: 1}
protection: {share: 0.3}
"""
SUMMARIES = ("chunks:", "scenes:", "interactions:", "protection:", "samples:", "quality:", "export:")


def _summaries(lines: list[str], summary: str) -> list[str]:
    """A stage's own summary line (its notes and warnings are other lines)."""
    return [ln for ln in lines if ln.strip().startswith(summary) and " note:" not in ln]


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", text)


def _cmd(recipe, out, server) -> list[str]:
    return [
        sys.executable,
        "-m",
        "factory",
        "run",
        str(recipe),
        "--out",
        str(out),
        "--base-url",
        server.base_url,
        "--model",
        "m",
        "--concurrency",
        "2",
    ]


def test_terminal_shows_every_stage_summary_exactly_once(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE)
    parent, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        _cmd(recipe, tmp_path / "run", server),
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([parent], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(parent, 65536)
        except OSError:  # the child closed its side
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=60) == 0
    os.close(parent)
    screen = _plain(b"".join(chunks).decode("utf-8", "replace"))
    for summary in SUMMARIES:
        lines = _summaries(screen.replace("\r", "\n").splitlines(), summary)
        assert len(lines) == 1, (summary, lines)
        assert lines[0].startswith(summary)  # on its own line, not spliced onto a bar


def test_piped_run_prints_plain_progress_lines_while_a_stage_runs(server, write_recipe, tmp_path):
    server.responder = route
    server.latency = 0.6  # slow enough that a 0.2 s interval must print while scenes run
    recipe = write_recipe(RECIPE)
    env = {**os.environ, "FACTORY_PROGRESS_INTERVAL": "0.2"}
    started = time.monotonic()
    res = subprocess.run(
        _cmd(recipe, tmp_path / "run", server), capture_output=True, text=True, env=env, timeout=300
    )
    assert res.returncode == 0, res.stderr
    assert "\x1b[" not in res.stderr  # no control codes in a log
    progress = [ln for ln in res.stderr.splitlines() if ln.startswith("progress: scenes ")]
    assert progress, res.stderr
    assert re.match(r"progress: scenes \d+/\d+, [\d.]+ req/s, tokens [\d,]+, failed \d+, ETA", progress[0])
    assert time.monotonic() - started > 0  # (the run's length only decides how many lines, never the verdict)
    for summary in SUMMARIES:
        assert len(_summaries(res.stderr.splitlines(), summary)) == 1, summary
