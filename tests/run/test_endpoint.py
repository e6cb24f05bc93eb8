"""Which endpoint wins: flags, then recipe backend, then environment, then the embedded model."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import BackendConfig, LocalBackend, RecipeError
from factory.run.endpoint import LocalPlan, Overrides, resolve


def test_nothing_configured_means_embedded():
    plan = resolve(BackendConfig(), Overrides(), env={})
    assert isinstance(plan, LocalPlan) and plan.model_path is None


def test_environment_names_an_endpoint():
    s = resolve(
        BackendConfig(), Overrides(), env={"OPENAI_BASE_URL": "http://h:1/v1", "OPENAI_MODEL": "qwen"}
    )
    assert s.base_url == "http://h:1/v1" and s.model == "qwen" and s.kind == "other"


def test_api_key_alone_means_openai():
    s = resolve(BackendConfig(), Overrides(), env={"OPENAI_API_KEY": "sk-x"})
    assert s.base_url.startswith("https://api.openai.com") and s.kind == "openai"
    assert s.model == "gpt-4o-mini" and s.structured_mode() == "json_schema" and s.api_key == "sk-x"


def test_recipe_beats_environment_and_flags_beat_recipe():
    backend = BackendConfig(base_url="http://recipe/v1", model="r-model")
    env = {"OPENAI_BASE_URL": "http://env/v1", "OPENAI_MODEL": "e-model"}
    s = resolve(backend, Overrides(), env=env)
    assert (s.base_url, s.model) == ("http://recipe/v1", "r-model")
    s = resolve(backend, Overrides(base_url="http://flag/v1", model="f-model", concurrency=3), env=env)
    assert (s.base_url, s.model, s.concurrency) == ("http://flag/v1", "f-model", 3)


def test_recipe_local_block_and_local_flag(tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    plan = resolve(
        BackendConfig(local=LocalBackend(model_path=gguf, n_ctx=2048)),
        Overrides(),
        env={"OPENAI_BASE_URL": "http://env/v1"},
    )
    assert isinstance(plan, LocalPlan) and plan.model_path == gguf and plan.n_ctx == 2048
    plan = resolve(
        BackendConfig(base_url="http://recipe/v1", model="x"), Overrides(local_model=Path(gguf)), env={}
    )
    assert isinstance(plan, LocalPlan) and plan.model_path == gguf


def test_kinds_pick_structured_output():
    s = resolve(BackendConfig(base_url="https://api.deepseek.com/v1", model="deepseek-chat"), env={})
    assert s.kind == "deepseek" and s.structured_mode() == "json_object"
    s = resolve(BackendConfig(base_url="http://localhost:11434/v1", model="qwen2.5"), env={})
    assert s.kind == "ollama"


def test_model_is_discovered_from_the_server(server):
    s = resolve(BackendConfig(base_url=server.base_url), env={})
    assert s.model == "scripted-model"


def test_a_url_from_a_flag_or_the_environment_is_checked_like_the_recipes():
    for flags, env, where in [
        (Overrides(base_url="not-a-url"), {}, "--base-url"),
        (Overrides(), {"OPENAI_BASE_URL": "localhost:8000/v1"}, "OPENAI_BASE_URL"),
    ]:
        with pytest.raises(RecipeError, match=rf"^{where}: not an http\(s\) URL"):
            resolve(BackendConfig(), flags, env=env)


def test_factory_run_refuses_a_bad_base_url_flag_in_one_line(minimal_recipe, tmp_path):
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(minimal_recipe),
            "--quiet",
            "--out",
            str(tmp_path / "run"),
            "--base-url",
            "https://me:pw-1234567@h.example/v1",
            "--model",
            "m",
        ],
    )
    assert res.exit_code == 2 and "pw-1234567" not in res.output
    assert res.stderr.strip().splitlines() == [
        "error: --base-url: holds credentials (user:password@): put the key in api_key (e.g. api_key: "
        "${MY_API_KEY}) and give the URL without them"
    ]
