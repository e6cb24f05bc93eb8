"""factory/run/clients.py: every model client is built there, each decision about one made once.

Real HTTP against the scripted server, real SQLite caches and run directories; the local
llama.cpp server is never started (its settings are decided before its first request)."""

from __future__ import annotations

import asyncio

import pytest

from factory.engine import EndpointSettings, Request
from factory.engine.structured import MODE_BY_KIND, structured_mode
from factory.recipe import BackendConfig, LocalBackend, RecipeError, load_recipe
from factory.run.clients import Role, flag_client, gate_judge_client, run_clients, self_sampling_client
from factory.run.endpoint import Overrides, discover_model, resolve
from factory.run.rundir import RunDir
from factory.stages.preferences import SelfSampledConfig
from factory.testing.openai_server import ScriptedServer

SCHEMA = {"type": "object", "properties": {"a": {"type": "string"}}}


@pytest.fixture
def gguf(tmp_path):
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"GGUF")  # never loaded: the server starts on the first request only
    return path


def recipe_with(minimal_recipe, **backend):
    recipe = load_recipe(minimal_recipe)
    block = BackendConfig.model_validate(backend)  # model_fields_set says what the user wrote
    return recipe.model_copy(update={"backend": block})


def build(recipe, tmp_path, overrides=None, log=None):
    run = RunDir(tmp_path / "run").prepare()
    return run_clients(recipe, run, overrides or Overrides(), log or (lambda m: None))


def close(*engines):
    """Close engines, then each cache once (engines of one run share theirs)."""

    async def go():
        for e in engines:
            await e.close()

    asyncio.run(go())
    for cache in {id(e.cache): e.cache for e in engines if e.cache is not None}.values():
        cache.close()


def ask(engine, schema=SCHEMA):
    async def go():
        return await engine.process(Request("r1", [{"role": "user", "content": "hi"}], schema=schema))

    return asyncio.run(go())


# -- the local server: all its settings decided by the builder -----------------------------------


def test_local_plan_defaults_suit_one_llama_cpp_process(minimal_recipe, tmp_path, gguf):
    recipe = recipe_with(minimal_recipe, local={"model_path": str(gguf), "n_ctx": 2048})
    lines: list[str] = []
    (gen, endpoint), (judge, _) = build(recipe, tmp_path, log=lines.append)
    s = gen.settings
    assert (s.concurrency, s.timeout, s.params["seed"]) == (1, 900.0, recipe.seed)
    assert s.kind == "llamacpp" and s.structured_mode() == "llamacpp" and s.model == "tiny"
    assert gen.transport.timeout == 900.0 and gen.transport.max_connections == 1  # the transport agrees
    assert gen.transport.server.n_ctx == 2048 and gen.transport.server.proc is None  # not started
    assert endpoint == {"base_url": "embedded", "model": "tiny", "kind": "llamacpp", "embedded": False}
    assert judge is gen and any("Using local GGUF" in x for x in lines)
    close(gen)


def test_local_plan_keeps_what_the_user_set(minimal_recipe, tmp_path, gguf):
    recipe = recipe_with(minimal_recipe, local={"model_path": str(gguf)}, concurrency=3, timeout=50, seed=7)
    (gen, _), _ = build(recipe, tmp_path)
    assert (gen.settings.concurrency, gen.settings.timeout, gen.settings.params["seed"]) == (3, 50.0, 7)
    close(gen)


def test_a_concurrency_flag_beats_the_local_default(minimal_recipe, tmp_path, gguf):
    recipe = recipe_with(minimal_recipe, local={"model_path": str(gguf)})
    (gen, _), _ = build(recipe, tmp_path, Overrides(concurrency=2))
    assert gen.settings.concurrency == 2 and gen.transport.max_connections == 2
    close(gen)


# -- the structured-output dialect: one table ----------------------------------------------------


@pytest.mark.parametrize("kind", [*MODE_BY_KIND, "other"])
def test_every_path_asks_each_kind_in_the_tables_dialect(kind, server):
    expected = MODE_BY_KIND.get(kind, "json_schema")
    assert structured_mode(kind) == expected
    assert EndpointSettings(base_url=server.base_url, model="m", kind=kind).structured_mode() == expected
    resolved = resolve(BackendConfig(base_url=server.base_url, model="m", kind=kind), env={})
    assert resolved.structured_mode() == expected
    assert structured_mode(kind, "none") == "none"  # an explicit choice wins over the table


def test_the_request_on_the_wire_carries_the_tables_format(minimal_recipe, tmp_path):
    with ScriptedServer(responder=lambda b: '{"a": "x"}') as srv:
        recipe = recipe_with(minimal_recipe, base_url=srv.base_url, model="m", kind="ollama")
        (gen, _), _ = build(recipe, tmp_path)
        assert ask(gen).ok
        close(gen)
    assert srv.requests[0]["response_format"] == {"type": "json_object"}


def test_a_deepseek_url_given_as_a_flag_is_asked_for_json_object(tmp_path):
    engine, desc = flag_client(
        Role("--judge", "https://api.deepseek.com/v1", name="deepseek-chat"), None, {}, None, lambda m: None
    )
    assert engine.settings.structured_mode() == "json_object" and desc["kind"] == "deepseek"
    close(engine)


# -- model discovery: one function ---------------------------------------------------------------


def test_discovery_takes_the_first_model_the_server_lists(minimal_recipe, tmp_path):
    with ScriptedServer(model="served-first") as srv:
        assert discover_model(srv.base_url, None, "x") == "served-first"
        (gen, endpoint), _ = build(recipe_with(minimal_recipe, base_url=srv.base_url), tmp_path)
        flagged, desc = flag_client(Role("--model", srv.base_url), None, {}, None, lambda m: None)
        assert (
            gen.settings.model
            == endpoint["model"]
            == flagged.settings.model
            == desc["model"]
            == "served-first"
        )
        close(gen, flagged)


def test_discovery_failure_names_who_asked():
    with pytest.raises(
        RecipeError, match=r"^--judge: no model name given and http://127\.0\.0\.1:9/v1/models"
    ):
        discover_model("http://127.0.0.1:9/v1", None, "--judge: no model name given")


# -- judges ---------------------------------------------------------------------------------------


def test_a_judge_block_with_local_is_refused_before_anything_is_written(minimal_recipe, tmp_path, server):
    recipe = recipe_with(minimal_recipe, base_url=server.base_url, model="m")
    recipe = recipe.model_copy(update={"judge": BackendConfig(local=LocalBackend())})
    run = RunDir(tmp_path / "run").prepare()
    with pytest.raises(RecipeError, match="judge.local: a judge needs an endpoint"):
        run_clients(recipe, run, Overrides(), lambda m: None)
    assert not run.cache_file.exists()


def test_a_judge_endpoint_shares_the_cache_but_keeps_its_own_books(minimal_recipe, tmp_path):
    with ScriptedServer() as gen_srv, ScriptedServer(model="j") as judge_srv:
        recipe = recipe_with(minimal_recipe, base_url=gen_srv.base_url, model="g")
        recipe = recipe.model_copy(update={"judge": BackendConfig(base_url=judge_srv.base_url)})
        (gen, _), (judge, judge_endpoint) = build(recipe, tmp_path)
        assert judge is not gen and judge.cache is gen.cache and judge.accounting is not gen.accounting
        assert judge.settings.params["temperature"] == 0.0 and judge_endpoint["model"] == "j"
        assert ask(judge, schema=None).ok and judge_srv.count == 1 and gen_srv.count == 0
        close(judge, gen)


def test_gate_judge_opens_its_cache_only_once_the_endpoint_resolved(tmp_path, server):
    with pytest.raises(RecipeError, match="judge.model: not given"):
        gate_judge_client("http://127.0.0.1:9/v1", None, tmp_path / "judge_cache.sqlite")
    assert not (tmp_path / "judge_cache.sqlite").exists()
    engine = gate_judge_client(server.base_url, None, tmp_path / "judge_cache.sqlite")
    assert engine.settings.model == "scripted-model" and engine.settings.params["temperature"] == 0.0
    assert (tmp_path / "judge_cache.sqlite").exists()
    close(engine)


# -- self-sampling --------------------------------------------------------------------------------


def test_self_sampling_uses_the_block_only_and_the_runs_cache_and_books(
    minimal_recipe, tmp_path, server, monkeypatch
):
    (main, _), _ = build(recipe_with(minimal_recipe, base_url=server.base_url, model="g"), tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-the-sampler")
    sampler = self_sampling_client(SelfSampledConfig(base_url=server.base_url, model="trained"), main)
    assert sampler.settings.api_key is None and sampler.settings.structured_mode() == "none"
    assert sampler.cache is main.cache and sampler.accounting is main.accounting
    assert ask(sampler).ok and "response_format" not in server.requests[-1]
    close(sampler, main)
