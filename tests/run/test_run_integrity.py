"""Run integrity with real processes and signals: bookkeeping after kill -9 and re-runs, one
process per run directory, and exit codes when a run comes to nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.testing.openai_server import last_user
from tests.responders import route
from tests.run.test_lock import held_elsewhere

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
backend: {max_retries: 0}
scenes: {per_chunk: 20, per_request: 1}
interactions: null
protection: null
quality: null
export: null
split: null
"""


def flaky(state: dict):
    """`route`, except that while state["fail"] a fixed third of the prompts get an HTTP 500
    (not cached, so a later run may succeed where this one failed)."""

    def responder(body: dict):
        if state["fail"] and zlib.crc32(last_user(body).encode()) % 3 == 0:
            raise RuntimeError("scripted outage")  # aiohttp answers 500
        return route(body)

    return responder


def start(recipe: Path, out: Path, base_url: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factory",
            "run",
            str(recipe),
            "--out",
            str(out),
            "--base-url",
            base_url,
            "--model",
            "m",
            "--concurrency",
            "2",
            "--quiet",
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def wait_for(cond, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def assert_one_line_per_id(out: Path) -> list[dict]:
    fails = [json.loads(x) for x in lines(out / "failures.jsonl")]
    keys = [(f["stage"], f["id"]) for f in fails]
    assert len(keys) == len(set(keys)), f"{len(keys) - len(set(keys))} duplicate failure lines"
    done = lines(out / ".progress" / "scenes.done")
    assert len(done) == len(set(done))
    assert not {f["id"] for f in fails} & set(done), "a request listed as failed is done"
    ids = [json.loads(x)["id"] for x in lines(out / "scenes.jsonl")]
    assert len(ids) == len(set(ids))
    return fails


def test_failures_hold_one_line_per_id_after_kill_9_and_reruns(server, write_recipe, tmp_path):
    state = {"fail": True}
    server.responder = flaky(state)
    server.latency = 0.1
    recipe = write_recipe(RECIPE)
    out = tmp_path / "run"
    proc = start(recipe, out, server.base_url)
    wait_for(
        lambda: len(lines(out / "failures.jsonl")) >= 3 and len(lines(out / "scenes.jsonl")) >= 5,
        "some failures and some scenes",
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    for _ in range(2):  # resume, then re-run a finished run: each retries the failed requests
        proc = start(recipe, out, server.base_url)
        stdout, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err  # a third failing is not a dead stage
        fails = assert_one_line_per_id(out)
        assert (
            f"failures {len(fails)} ({len(fails)} requests still failed: {out / 'failures.jsonl'})" in stdout
        )
        summary = json.loads((out / "run.json").read_text())
        assert summary["status"] == "ok" and summary["failures_standing"] == len(fails) > 0
        assert summary["failures"] == {"server_error": len(fails)}  # this run retried each one once
        assert {f["reason"] for f in fails} == {"server_error"}

    state["fail"] = False  # the outage is over: the failed requests now succeed
    rc, err = finish(start(recipe, out, server.base_url))
    assert rc == 0, err
    assert lines(out / "failures.jsonl") == []
    assert json.loads((out / "run.json").read_text())["failures_standing"] == 0
    assert len(lines(out / ".progress" / "scenes.done")) == 40
    assert_one_line_per_id(out)


def test_second_process_on_one_run_dir_is_refused_and_kill_9_frees_it(server, write_recipe, tmp_path):
    server.responder = route
    server.latency = 0.3
    recipe = write_recipe(RECIPE)
    out = tmp_path / "run"
    first = start(recipe, out, server.base_url)
    wait_for(lambda: server.count >= 1, "the first run's first request")
    second = start(recipe, out, server.base_url)
    rc, err = finish(second, timeout=60)
    assert first.poll() is None  # refused while the first one still runs, not after it
    assert rc == 2, err
    assert err.strip().count("\n") == 0  # one line, no traceback
    assert err.startswith(f"error: {out}: in use by factory run (pid {first.pid} on ")
    made = server.count

    first.send_signal(signal.SIGKILL)  # dies holding the lock: the kernel drops it
    first.wait()
    rc, err = finish(start(recipe, out, server.base_url))
    assert rc == 0, err
    summary = json.loads((out / "run.json").read_text())
    assert summary["status"] == "ok" and summary["counts"]["scenes"] > 0
    assert made + summary["requests"] == server.count  # the refused process made no requests
    assert not list(out.rglob("*.tmp"))


def test_merge_refuses_a_run_dir_in_use(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE.replace("per_chunk: 20", "per_chunk: 2"))
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(recipe),
            "--out",
            str(tmp_path / "s0"),
            "--base-url",
            server.base_url,
            "--model",
            "m",
            "--quiet",
        ],
    )
    assert res.exit_code == 0, res.output
    merged = tmp_path / "m"
    with held_elsewhere(merged) as holder:
        res = CliRunner().invoke(main, ["merge", str(tmp_path / "s0"), "--out", str(merged)])
        assert res.exit_code == 2 and f"{merged}: in use by factory run (pid {holder.pid}" in res.output
        assert not (merged / "scenes.jsonl").exists()
    res = CliRunner().invoke(main, ["merge", str(tmp_path / "s0"), "--out", str(merged)])
    assert res.exit_code == 0, res.output


def test_every_request_failing_exits_1_with_one_line(server, write_recipe, tmp_path):
    server.responder = flaky({"fail": True})
    server.script(*({"status": 503} for _ in range(40)))
    recipe = write_recipe(RECIPE)
    out = tmp_path / "run"
    rc, err = finish(start(recipe, out, server.base_url))
    assert rc == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: stage scenes: 40 of 40 requests failed (")
    assert last.endswith(f"; see {out / 'failures.jsonl'}")
    summary = json.loads((out / "run.json").read_text())
    assert summary["status"] == "failed" and summary["error"] == last.removeprefix("error: ")
    assert sum(summary["failures"].values()) == 40 == summary["failures_standing"]
    assert summary["counts"] == {"chunks": 2, "scenes": 0}


def test_a_cached_or_limited_rerun_is_not_a_failure(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE.replace("per_chunk: 20", "per_chunk: 2"))
    out = tmp_path / "run"
    args = ["run", str(recipe), "--out", str(out), "--base-url", server.base_url, "--model", "m", "--quiet"]
    assert CliRunner().invoke(main, args).exit_code == 0
    made = server.count
    for extra in ([], ["--limit", "1"]):
        res = CliRunner().invoke(main, args + extra)
        assert res.exit_code == 0, res.output
        assert json.loads((out / "run.json").read_text())["status"] == "ok"
    assert server.count == made


def test_a_gate_that_keeps_nothing_exits_1(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe("""\
        name: anna
        language: en
        character:
          name: Anna Keller
          aliases: [Anna]
          profile: {file: profile.md}
        scenes: {per_chunk: 2, per_request: 2}
        protection: null
        export: null
        split: null
        preferences: null
        quality:
          format: {min_length: {en: 10000}}
        """)
    out = tmp_path / "run"
    res = CliRunner().invoke(
        main,
        ["run", str(recipe), "--out", str(out), "--base-url", server.base_url, "--model", "m", "--quiet"],
    )
    assert res.exit_code == 1, res.output
    summary = json.loads((out / "run.json").read_text())
    n = summary["counts"]["samples"]
    assert n > 0 and summary["counts"]["quality"] == 0 and summary["status"] == "failed"
    assert res.output.strip().splitlines()[-1] == (
        f"error: stage quality: the gate kept 0 of {n} samples, so there is nothing to export; "
        f"see {out / 'quality' / 'report.md'}"
    )


def test_sigterm_writes_run_json_with_status_interrupted(server, write_recipe, tmp_path):
    server.responder = route
    server.latency = 0.2
    recipe = write_recipe(RECIPE)
    out = tmp_path / "run"
    proc = start(recipe, out, server.base_url)
    wait_for(lambda: len(lines(out / "scenes.jsonl")) >= 2, "some scenes")
    proc.send_signal(signal.SIGTERM)
    rc, err = finish(proc, timeout=60)
    assert rc == 130, err
    summary = json.loads((out / "run.json").read_text())
    assert summary["status"] == "interrupted" and summary["counts"] == {"chunks": 2}
    assert not (out / ".factory-lock").read_text()  # released: the holder's name is gone


def test_run_aborted_writes_run_json_and_exits_1(server, write_recipe, tmp_path, monkeypatch):
    """The engine raises RunAborted when an endpoint is gone for good; run_recipe records it."""
    import dataclasses

    from factory.engine import RunAborted
    from factory.run import pipeline
    from factory.run.stage import active

    async def unreachable(ctx):
        raise RunAborted(f"{ctx.engine.settings.base_url}: connection refused (is the server running?)")

    def chunks_then_unreachable(recipe):
        first, second = active(recipe)[:2]
        return [first, dataclasses.replace(second, run=unreachable)]

    monkeypatch.setattr(pipeline, "active", chunks_then_unreachable)
    server.responder = route
    out = tmp_path / "run"
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(write_recipe(RECIPE)),
            "--out",
            str(out),
            "--base-url",
            server.base_url,
            "--model",
            "m",
            "--quiet",
        ],
    )
    assert res.exit_code == 1
    assert res.output.strip().splitlines()[-1].startswith("error: ")
    summary = json.loads((out / "run.json").read_text())
    assert summary["status"] == "aborted" and summary["counts"] == {"chunks": 2}
    assert summary["endpoint"]["base_url"] == server.base_url


@pytest.mark.parametrize("detail_secret", ["sk-test-0123456789abcdef"])
def test_failure_detail_is_scrubbed(server, write_recipe, tmp_path, monkeypatch, detail_secret):
    monkeypatch.setenv("OPENAI_API_KEY", detail_secret)
    server.responder = lambda body: f"no JSON here, only {detail_secret}"
    recipe = write_recipe(RECIPE.replace("per_chunk: 20", "per_chunk: 1"))
    out = tmp_path / "run"
    res = CliRunner().invoke(
        main,
        ["run", str(recipe), "--out", str(out), "--base-url", server.base_url, "--model", "m", "--quiet"],
    )
    assert res.exit_code == 1, res.output
    text = (out / "failures.jsonl").read_text()
    assert text and detail_secret not in text
    assert detail_secret not in (out / "run.json").read_text()
