"""Stages that wait on none of each other run at the same time; what a run writes does not change.

The scheduler is driven in-process with real Stage declarations whose `run` coordinate through
asyncio events (no timing); the end-to-end tests run the experience stages against the scripted
server, concurrently, and compare with a run one request at a time and with a killed-and-resumed run.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import load_recipe
from factory.run import pipeline
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.run.stage import Stage, active, waits_for
from factory.run.stage_check import StageFailed
from tests.responders import route
from tests.run.test_pipeline import _cli_proc

WAIT = 20  # s: only a broken scheduler ever waits this long (a stage waiting on one never started)

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
scenes: {per_chunk: 4, per_request: 1}
protection: {share: 1.0}
quality: null
export: null
split: null
"""


def _stage(name: str, run, *, needs=(), makes=(), order=0) -> Stage:
    return Stage(name, run, needs=needs, makes=makes, order=order)


def _drive(stages: list[Stage], tmp_path: Path, monkeypatch) -> tuple[dict, dict]:
    monkeypatch.setattr(pipeline, "active", lambda recipe: stages)
    ctx = RunContext(recipe=None, run=RunDir(tmp_path))
    counts: dict[str, int] = {}
    reports: dict[str, dict] = {}
    asyncio.run(pipeline._run_stages(ctx, counts, reports))
    return counts, reports


def test_the_experience_stages_wait_only_on_what_they_read(write_recipe):
    recipe = load_recipe(write_recipe(RECIPE))
    waits = waits_for(active(recipe))
    assert waits["protection"] == {"chunks"}  # protection reads chunks only: it runs beside scenes
    assert waits["interactions"] == {"scenes", "chunks"}
    assert waits["samples"] == {"chunks", "scenes", "interactions", "protection"}


def test_stages_waiting_on_none_of_each_other_run_at_once(tmp_path, monkeypatch):
    events: list[str] = []

    async def main_test() -> None:
        b_started = asyncio.Event()

        async def a(ctx):
            events.append("a start")
            await asyncio.wait_for(b_started.wait(), WAIT)  # one stage at a time never gets here
            events.append("a end")

        async def b(ctx):
            events.append("b start")
            b_started.set()
            await asyncio.sleep(0)
            events.append("b end")

        async def c(ctx):
            events.append("c start")

        stages = [
            _stage("a", a, makes=("x",), order=1),
            _stage("b", b, makes=("y",), order=2),
            _stage("c", c, needs=("x", "y"), order=3),
        ]
        monkeypatch.setattr(pipeline, "active", lambda recipe: stages)
        ctx = RunContext(recipe=None, run=RunDir(tmp_path))
        for name in ("x", "y"):
            (tmp_path / f"{name}.jsonl").write_text('{"id": "1"}\n')
        counts: dict[str, int] = {}
        await pipeline._run_stages(ctx, counts, {})
        assert list(counts) == ["a", "b"]  # run order, not the order they finished in

    asyncio.run(main_test())
    assert events.index("b start") < events.index("a end")
    assert events[-1] == "c start"  # what needs both starts after both


def test_the_first_stage_in_run_order_that_failed_is_the_error(tmp_path, monkeypatch):
    """A later stage failing first keeps what comes after it from starting, lets what is running
    finish, and the error is the earlier stage's: the one a run one stage at a time would report."""
    seen: list[str] = []
    b_failed = asyncio.Event()

    async def a(ctx):
        await asyncio.wait_for(b_failed.wait(), WAIT)
        seen.append("a done")
        raise StageFailed("stage a: nothing")

    async def b(ctx):
        b_failed.set()
        raise StageFailed("stage b: nothing")

    async def slow(ctx):  # already running when b fails: it finishes, its requests on the books
        await asyncio.wait_for(b_failed.wait(), WAIT)
        await asyncio.sleep(0.05)
        seen.append("slow done")

    async def never(ctx):
        seen.append("never started")

    stages = [
        _stage("a", a, makes=("x",), order=1),
        _stage("b", b, makes=("y",), order=2),
        _stage("slow", slow, order=3),
        _stage("after_b", never, needs=("y",), order=4),
    ]
    with pytest.raises(StageFailed, match="stage a: nothing"):
        _drive(stages, tmp_path, monkeypatch)
    assert sorted(seen) == ["a done", "slow done"]  # what was running finished, after_b never ran


def _stage_files(run: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(run.glob("*.jsonl"))}


def test_concurrent_stages_write_what_one_request_at_a_time_writes(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE)
    args = ("--base-url", server.base_url, "--model", "m", "--quiet")
    for name, conc in (("wide", "16"), ("narrow", "1")):
        res = CliRunner().invoke(
            main, ["run", str(recipe), "--out", str(tmp_path / name), "--concurrency", conc, *args]
        )
        assert res.exit_code == 0, res.output
    wide, narrow = _stage_files(tmp_path / "wide"), _stage_files(tmp_path / "narrow")
    assert wide == narrow
    assert {"scenes.jsonl", "interactions.jsonl", "protection.jsonl", "protection_scenes.jsonl"} <= set(wide)
    summary = json.loads((tmp_path / "wide" / "run.json").read_text())
    assert list(summary["counts"]) == ["chunks", "scenes", "interactions", "protection", "samples"]


def test_kill_9_while_stages_run_together_then_resume(server, write_recipe, tmp_path):
    server.responder = route
    server.latency = 0.1
    recipe = write_recipe(RECIPE)
    killed = tmp_path / "killed"
    proc = _cli_proc(recipe, killed, server.base_url)
    deadline = time.monotonic() + 60
    files = [killed / "scenes.jsonl", killed / "protection_scenes.jsonl"]
    while time.monotonic() < deadline and not all(f.exists() and f.read_text() for f in files):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (killed / "samples.jsonl").exists()  # killed while the experience stages ran
    args = ("--base-url", server.base_url, "--model", "m", "--concurrency", "4", "--quiet")
    for out in (killed, tmp_path / "clean"):
        res = CliRunner().invoke(main, ["run", str(recipe), "--out", str(out), *args])
        assert res.exit_code == 0, res.output
    assert _stage_files(killed) == _stage_files(tmp_path / "clean")
    failures = [out / "failures.jsonl" for out in (killed, tmp_path / "clean")]
    assert [f.read_text() if f.exists() else None for f in failures] == [
        f.read_text() if f.exists() else None for f in reversed(failures)
    ]
