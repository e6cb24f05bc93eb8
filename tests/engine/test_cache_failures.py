"""The cache when the disk is not on our side: a damaged file, a full disk."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from factory.engine import EndpointSettings, Engine, Request, RequestCache, RunAborted
from tests.disks import fill, tmpfs
from tests.responders import route
from tests.run.test_pipeline import RECIPE  # the scenes-only recipe the pipeline tests use


def factory_run(recipe: Path, out: Path, server) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
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
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def garbage(data: bytes) -> bytes:
    return b"this is no database " * (len(data) // 20 + 1)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize("damage", [garbage, truncated])
def test_a_damaged_cache_is_one_line_naming_the_file(server, write_recipe, tmp_path, damage):
    server.responder = route
    recipe = write_recipe(RECIPE)
    out = tmp_path / "run"
    assert factory_run(recipe, out, server).returncode == 0
    cache = out / "cache.sqlite"
    cache.write_bytes(damage(cache.read_bytes()))
    before = cache.read_bytes()
    made = server.count

    res = factory_run(recipe, out, server)
    assert res.returncode == 2, res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.startswith(f"error: {cache}: not a readable SQLite cache (")
    assert "move it away" in res.stderr and "--fresh" in res.stderr
    assert cache.read_bytes() == before and server.count == made  # nothing touched, nothing asked

    cache.rename(tmp_path / "old-cache.sqlite")  # the advice works
    assert factory_run(recipe, out, server).returncode == 0


# -- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        yield disk


def within(seconds: float, fn):
    """fn() in a daemon thread: its exception (or None); a hang fails the test instead of the suite."""
    box: list = []

    def target():
        try:
            fn()
            box.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box.append(exc)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert box, f"{fn} still blocked after {seconds}s (hung)"
    return box[0]


def requests(n: int, start: int = 0) -> list[Request]:
    return [
        Request(id=f"r{i}", messages=[{"role": "user", "content": f"question {i}"}])
        for i in range(start, start + n)
    ]


def engine_run(engine: Engine, reqs) -> tuple[list, BaseException | None]:
    got: list = []

    async def go():
        try:
            async for res in engine.stream(reqs):
                got.append(res)
        finally:
            await engine.close()

    try:
        asyncio.run(go())
    except RunAborted as exc:
        return got, exc
    return got, None


def test_a_full_disk_stops_the_run_keeps_what_was_committed_and_resumes(server, small_disk):
    server.responder = lambda body: body["messages"][-1]["content"] + " " + "x" * 3000
    path = small_disk / "cache.sqlite"
    settings = EndpointSettings(base_url=server.base_url, model="m", concurrency=2, timeout=5.0)
    cache = RequestCache(path)
    first, aborted = engine_run(Engine(settings, cache=cache), requests(20))
    assert aborted is None and all(r.ok for r in first)
    assert within(30, cache.flush) is None
    filler = fill(small_disk)

    _, aborted = engine_run(Engine(settings, cache=cache), requests(100, start=20))
    stop = aborted or within(30, cache.flush)  # the stream or, at the latest, the next flush says so
    expected = f"{path}: no space left on device (cache write); free space and run again to resume"
    assert isinstance(stop, RunAborted) and str(stop) == expected
    for call in (cache.flush, cache.close):  # every later call says it too, none hangs
        exc = within(30, call)
        assert isinstance(exc, RunAborted) and str(exc) == expected
    with pytest.raises(RunAborted, match="no space left"):
        cache.put("k", first[0])

    filler.unlink()  # space is back: resume
    cache = RequestCache(path)
    made = server.count
    engine = Engine(settings, cache=cache)
    again, aborted = engine_run(engine, requests(120))
    assert aborted is None and all(r.ok for r in again) and len(again) == 120
    assert sum(r.cached for r in again if int(r.request.id[1:]) < 20) == 20  # committed before: kept
    assert 0 < server.count - made <= 100
    assert within(30, cache.close) is None
    assert os.path.getsize(path) > 0
