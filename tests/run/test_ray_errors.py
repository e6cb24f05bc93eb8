"""Asking for Ray when it cannot be had: one line, exit 2, nothing touched (no extra, no cluster at the address)."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from factory.cli import main
from tests.conftest import MINIMAL_RECIPE


@pytest.fixture
def no_ray(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError, as when not installed


@pytest.mark.parametrize("how", ["flag", "recipe"])
def test_asking_for_ray_without_it_names_the_extra(no_ray, write_recipe, tmp_path, how):
    body = MINIMAL_RECIPE + ("executor: {kind: ray, workers: 3}\n" if how == "recipe" else "")
    recipe, out = write_recipe(body), tmp_path / "run"
    args = ["run", str(recipe), "--out", str(out), "--base-url", "http://127.0.0.1:9/v1", "--quiet"]
    res = CliRunner().invoke(main, args + (["--ray"] if how == "flag" else []))
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines() == [
        "error: --ray: Ray is not installed; install the `ray` extra: pip install 'factory[ray]'"
    ]
    assert not out.exists()


def test_an_unknown_executor_is_bad_input(write_recipe, tmp_path):
    recipe = write_recipe(MINIMAL_RECIPE + "executor: {kind: dask}\n")
    res = CliRunner().invoke(main, ["validate", str(recipe)])
    assert res.exit_code == 2 and res.output.startswith("error: ") and "executor.kind" in res.output, (
        res.output
    )


def test_a_ray_address_that_does_not_answer_is_one_line_before_anything_is_touched(write_recipe, tmp_path):
    ray = pytest.importorskip("ray")
    if ray.is_initialized():  # an instance in this process is used whatever the address
        pytest.skip("a Ray instance is running in this process")
    from factory.engine.local_server import free_port

    recipe, out = write_recipe(MINIMAL_RECIPE), tmp_path / "run"
    address = f"127.0.0.1:{free_port()}"
    args = ["run", str(recipe), "--out", str(out), "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    res = CliRunner().invoke(main, args + ["--quiet", f"--ray={address}"])
    assert res.exit_code == 2, res.output
    [line] = res.output.strip().splitlines()
    assert line.startswith(f"error: executor.address: no Ray cluster answers at {address} (")
    assert not out.exists()


def test_ray_with_a_model_this_process_would_serve_is_refused(write_recipe, tmp_path):
    pytest.importorskip("ray")
    recipe, out = write_recipe(MINIMAL_RECIPE), tmp_path / "run"
    gguf = tmp_path / "model.gguf"  # never loaded: the refusal comes before the server would start
    gguf.write_bytes(b"GGUF")
    args = ["run", str(recipe), "--out", str(out), "--local-model", str(gguf), "--quiet", "--ray"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert (
        res.output.strip()
        .splitlines()[-1]
        .startswith(
            "error: executor: ray sends requests from Ray workers, which cannot reach the model this process serves"
        )
    )
    assert not list(out.glob("*.jsonl"))  # not a request made, not a record written
