"""`factory run --ray` on a local Ray instance (started once for the module) against the scripted server.

The promise: a run on Ray writes what a local run writes, byte for byte; a worker killed with
SIGKILL mid-stage is restarted and its calls retried, nothing lost or twice; local and Ray runs
resume each other. And the gate's MinHash signatures computed in Ray tasks equal local ones.
"""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.quality import dedup
from factory.run import ray_executor
from factory.testing.openai_server import ScriptedServer
from tests.responders import route

ray = pytest.importorskip("ray")

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
backend: {model: m, concurrency: 4}
scenes: {per_chunk: 6, per_request: 1}
protection: null
export: null
split: null
"""
# what may differ between two runs that made the same data: timings, the lock, the cache's own pages
VOLATILE = {"run.json", "cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm", ".lock", "llama_server.log"}
VOLATILE |= {".inputs.json"}  # the gate's stamp names the digest of its report, whose timings vary


@pytest.fixture(scope="module")
def ray_instance():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.fixture
def on_ray(ray_instance, monkeypatch):
    monkeypatch.setattr(ray_executor, "MIN_TEXTS_ON_RAY", 0)  # the gate's few texts go to Ray tasks too
    return ray_instance


def files(run: Path) -> dict[str, bytes]:
    """Every file of a run directory, byte for byte; the gate's report without its timings."""
    out = {
        str(p.relative_to(run)): p.read_bytes()
        for p in sorted(run.rglob("*"))
        if p.is_file() and p.name not in VOLATILE
    }
    for name in ("quality/report.json", "quality/report.md"):
        if name in out:
            out[name] = re.sub(rb'"timings_s": \{[^}]*\}|\nchecks [^\n]*', b"", out[name])
    return out


def run_cli(recipe: Path, out: Path, url: str, *extra: str) -> dict:
    res = CliRunner().invoke(
        main, ["run", str(recipe), "--out", str(out), "--base-url", url, "--quiet", *extra]
    )
    assert res.exit_code == 0, res.output
    return json.loads((out / "run.json").read_text())


PROFILE = """\
# Early years
Anna Keller was born in 1850 in a river town. Her father repaired clocks and taught her the trade.

# Later years
Anna opened her own workshop in 1880 and trained six apprentices. She died in 1921.
"""


@pytest.fixture(scope="module")
def server():
    """One scripted server for the module (the reference run and every Ray run ask it)."""
    with ScriptedServer(responder=route) as srv:
        yield srv


@pytest.fixture(scope="module")
def local_run(server, tmp_path_factory):
    """The reference: the recipe run in this process, once for the module."""
    root = tmp_path_factory.mktemp("ray")
    (root / "profile.md").write_text(PROFILE, encoding="utf-8")
    (root / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    summary = run_cli(root / "recipe.yaml", root / "local", server.base_url)
    assert summary["counts"]["samples"] > 0 and "executor" not in summary
    return root / "recipe.yaml", root / "local", summary


def test_a_ray_run_writes_what_a_local_run_writes_though_a_worker_is_killed(
    on_ray, server, local_run, tmp_path
):
    """One Ray run (start-up is CI's cost): SIGKILL of the workers mid-stage, then the files compared.

    Both workers die on the fifth request: whichever sent it, that reply has nowhere to go, so
    its call must be retried (killing one named worker flaked: it could be idle at that moment).
    """
    recipe, local, ref = local_run
    names = [f"factory-anna-{os.getpid()}-gen-{i}" for i in range(2)]
    killed: list[int] = []
    restarted: list[int] = []  # the workers' pids once Ray has started them again
    before = server.count

    def kill_on_the_fifth(body):
        if not killed and server.count >= before + 5:  # the fifth request of this run
            for name in names:
                pid = ray.get(ray.get_actor(name).pid.remote())
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        elif killed and not restarted and server.count >= before + 10:
            # the killed calls' retries need this server, so the run cannot end before this returns
            restarted.extend(ray.get(ray.get_actor(n).pid.remote(), timeout=60) for n in names)
        return route(body)

    server.responder = kill_on_the_fifth
    try:
        summary = run_cli(recipe, tmp_path / "ray", server.base_url, "--ray")
    finally:
        server.responder = route
    assert len(killed) == len(restarted) == 2 and not set(killed) & set(restarted)
    assert summary["executor"] == {"kind": "ray", "address": None, "workers": 2}
    assert summary["requests"] == ref["requests"]  # its own cache: everything asked again
    assert server.count - before > summary["requests"]  # the killed worker's calls went out again
    assert not summary["failures"]
    want = files(local)
    assert {"scenes.jsonl", "interactions.jsonl", "samples.jsonl", "kept.jsonl"} <= set(want)
    assert files(tmp_path / "ray") == want
    for key in ("counts", "dropped", "tokens_in", "tokens_out", "report_quality"):
        assert summary[key] == ref[key], key
    ids = [json.loads(x)["id"] for x in (tmp_path / "ray" / "interactions.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) == ref["counts"]["interactions"]


def test_local_and_ray_runs_resume_each_other(on_ray, server, local_run, tmp_path):
    recipe, local, ref = local_run
    out, before = tmp_path / "mixed", server.count
    first = run_cli(recipe, out, server.base_url, "--limit", "2")  # local, part of each stage
    second = run_cli(
        recipe, out, server.base_url, "--limit", "4", "--set", "executor.kind=ray"
    )  # Ray, further
    assert second["stages"]["scenes"]["done"] == 4 and second["requests"] < 4 * len(second["stages"])
    third = run_cli(recipe, out, server.base_url)  # and a local run finishes it
    assert second["executor"]["kind"] == "ray" and "executor" not in first and "executor" not in third
    assert files(out) == files(local)
    assert first["requests"] + second["requests"] + third["requests"] == ref["requests"]  # none twice
    assert server.count - before == ref["requests"]


def test_minhash_signatures_on_ray_shards_equal_local(on_ray):
    words = [
        "clock",
        "river",
        "town",
        "father",
        "trade",
        "workshop",
        "apprentice",
        "spring",
        "letter",
        "bell",
    ]
    texts = [" ".join(words[(i * j) % 10] for j in range(3 + i % 7)) for i in range(601)]
    p = dedup.LshParams(batch=64)
    local_keys, local_has = dedup.band_keys(texts, p)
    keys, has = ray_executor.ray_band_keys(texts, p, shards=2)  # shards cut across batches
    assert np.array_equal(keys, local_keys) and np.array_equal(has, local_has)
    cluster = ray_executor.RayCluster.__new__(ray_executor.RayCluster)  # joins the module's instance
    cluster.config = ray_executor.ExecutorConfig(kind="ray", workers=2)
    want = dedup.near_duplicates(texts, p)
    with cluster.gate_on_ray():
        got = dedup.near_duplicates(texts, p)
    assert np.array_equal(got.labels, want.labels) and got.candidates == want.candidates > 0
