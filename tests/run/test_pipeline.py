"""`factory run` end to end against the scripted server: files, run.json, resume, kill -9."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from tests.responders import route

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
scenes: {per_chunk: 6, per_request: 2}
interactions: null
protection: null
quality: null
export: null
split: null
"""


@pytest.fixture
def recipe(write_recipe):
    return write_recipe(RECIPE)


def run_cli(*args):
    res = CliRunner().invoke(main, ["run", *map(str, args), "--quiet"])
    assert res.exit_code == 0, res.output
    return res


def test_run_writes_stage_files_and_rerun_is_free(server, recipe, tmp_path):
    server.responder = route
    out = tmp_path / "run"
    run_cli(recipe, "--out", out, "--base-url", server.base_url, "--model", "m")
    summary = json.loads((out / "run.json").read_text())
    assert summary["counts"]["chunks"] == 2 and summary["counts"]["scenes"] == 12
    assert summary["requests"] == 6 and summary["tokens_in"] > 0
    assert summary["endpoint"]["base_url"] == server.base_url
    lines = (out / "scenes.jsonl").read_text().splitlines()
    ids = [json.loads(x)["id"] for x in lines]
    assert ids == sorted(ids) and len(set(ids)) == 12
    scene = json.loads(lines[0])
    assert scene["chunk_ids"][0].startswith("chk-") and "Anna Keller" in scene["participants"]

    before = (out / "scenes.jsonl").read_bytes()
    run_cli(recipe, "--out", out, "--base-url", server.base_url, "--model", "m")
    again = json.loads((out / "run.json").read_text())
    assert again["requests"] == 0 and server.count == 6
    assert (out / "scenes.jsonl").read_bytes() == before


def test_limit_caps_requests_per_stage(server, recipe, tmp_path):
    server.responder = route
    run_cli(recipe, "--out", tmp_path / "r", "--base-url", server.base_url, "--model", "m", "--limit", "2")
    assert server.count == 2


def test_failures_are_recorded_with_reasons(server, recipe, tmp_path):
    server.responder = lambda body: "I cannot produce JSON today."
    out = tmp_path / "r"
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(recipe),
            "--out",
            str(out),
            "--base-url",
            server.base_url,
            "--model",
            "m",
            "--limit",
            "1",
            "--quiet",
        ],
    )
    assert res.exit_code == 1  # the only scenes request failed: nothing can come of this run
    assert res.output.strip().splitlines()[-1] == (
        f"error: stage scenes: 1 of 1 requests failed (parse 1); see {out / 'failures.jsonl'}"
    )
    summary = json.loads((out / "run.json").read_text())
    assert summary["failures"] == {"parse": 1} and summary["status"] == "failed"
    fail = json.loads((out / "failures.jsonl").read_text().splitlines()[0])
    assert fail["stage"] == "scenes" and fail["reason"] == "parse" and fail["id"].startswith("req-scn")


def test_fresh_starts_over(server, recipe, tmp_path):
    server.responder = route
    out = tmp_path / "r"
    run_cli(recipe, "--out", out, "--base-url", server.base_url, "--model", "m", "--limit", "1")
    run_cli(recipe, "--out", out, "--base-url", server.base_url, "--model", "m", "--limit", "1", "--fresh")
    assert server.count == 2


def _cli_proc(recipe, out, base_url):
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
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_kill_9_then_resume_equals_uninterrupted(server, write_recipe, tmp_path):
    server.responder = route
    server.latency = 0.15
    recipe = write_recipe(RECIPE.replace("per_chunk: 6, per_request: 2", "per_chunk: 20, per_request: 1"))
    killed = tmp_path / "killed"
    proc = _cli_proc(recipe, killed, server.base_url)
    scenes = killed / "scenes.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if scenes.exists() and len(scenes.read_text().splitlines()) >= 8:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = len(scenes.read_text().splitlines())
    assert 8 <= partial < 40
    made_before = server.count

    proc = _cli_proc(recipe, killed, server.base_url)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    resumed_requests = json.loads((killed / "run.json").read_text())["requests"]
    assert resumed_requests <= 40 - partial + 2  # at most the in-flight ones were lost
    assert made_before + resumed_requests == server.count

    clean = tmp_path / "clean"
    proc = _cli_proc(recipe, clean, server.base_url)
    assert proc.wait(timeout=120) == 0
    assert (killed / "scenes.jsonl").read_text() == (clean / "scenes.jsonl").read_text()
    assert len((clean / "scenes.jsonl").read_text().splitlines()) >= 20  # fake replies repeat; dups dropped


def test_python_dash_m_entry_point_exists():
    assert (Path(__file__).parents[2] / "factory" / "__main__.py").exists()


def test_shards_merge_into_the_unsharded_result(server, write_recipe, tmp_path):
    server.responder = route
    profile = "\n\n".join(
        f"# Period {i}\nAnna did thing number {i} in the year {1850 + i} with care." for i in range(6)
    )
    recipe = write_recipe(RECIPE, profile=profile)
    args = ("--base-url", server.base_url, "--model", "m")
    for i in range(2):
        run_cli(recipe, "--out", tmp_path / f"s{i}", "--shard", f"{i}/2", *args)
    shard_chunks = [len((tmp_path / f"s{i}" / "chunks.jsonl").read_text().splitlines()) for i in range(2)]
    assert sum(shard_chunks) == 6 and min(shard_chunks) > 0
    made = server.count
    res = CliRunner().invoke(
        main, ["merge", str(tmp_path / "s0"), str(tmp_path / "s1"), "--out", str(tmp_path / "m")]
    )
    assert res.exit_code == 0, res.output
    run_cli(recipe, "--out", tmp_path / "m", *args)
    assert server.count == made  # merged caches + done-logs: nothing regenerated
    run_cli(recipe, "--out", tmp_path / "whole", *args)
    assert (tmp_path / "m" / "scenes.jsonl").read_text() == (tmp_path / "whole" / "scenes.jsonl").read_text()


def test_bad_shard_flag(recipe):
    res = CliRunner().invoke(main, ["run", str(recipe), "--shard", "3/2"])
    assert res.exit_code == 2 and "--shard" in res.output


def test_cost_in_run_json_comes_from_recipe_prices(server, write_recipe, tmp_path):
    server.responder = route
    recipe = write_recipe(RECIPE + "backend: {prices: {input_per_million: 3.0, output_per_million: 15.0}}\n")
    out = tmp_path / "r"
    run_cli(recipe, "--out", out, "--base-url", server.base_url, "--model", "m", "--limit", "2")
    s = json.loads((out / "run.json").read_text())
    assert s["tokens_in"] > 0 and s["tokens_out"] > 0
    assert s["cost_usd"] == pytest.approx((s["tokens_in"] * 3.0 + s["tokens_out"] * 15.0) / 1e6, abs=1e-6)
    assert s["cost_usd"] > 0
    run_cli(recipe, "--out", out, "--base-url", server.base_url, "--model", "m", "--limit", "2")
    assert json.loads((out / "run.json").read_text())["cost_usd"] == 0  # a cached re-run costs nothing
