"""`--model URL|local|FILE.gguf`: names discovered, keys only from the named environment variable."""

import json

import pytest

from factory.chat.endpoints import Endpoints, Role
from factory.recipe import RecipeError


def test_url_endpoint_discovers_the_model_and_reads_the_key_from_env(server, monkeypatch):
    monkeypatch.setenv("JUDGE_KEY", "sk-secret")
    eps = Endpoints(None)
    engine = eps.engine(Role("--judge", server.base_url, key_env="JUDGE_KEY", params={"temperature": 0}))
    assert engine.settings.model == "scripted-model" and engine.settings.api_key == "sk-secret"
    assert engine.settings.params == {"temperature": 0}
    assert "sk-secret" not in json.dumps(eps.described) and "sk-secret" not in repr(engine.settings)
    other = eps.engine(Role("--model", server.base_url, name="given", key_env="NOT_SET_ANYWHERE"))
    assert other.settings.model == "given" and other.settings.api_key is None


def test_bad_specs_name_the_flag(tmp_path):
    eps = Endpoints(None)
    with pytest.raises(RecipeError, match="--judge: expected an http"):
        eps.engine(Role("--judge", "judge-please"))
    with pytest.raises(RecipeError, match="--model: no such GGUF file"):
        eps.engine(Role("--model", str(tmp_path / "missing.gguf")))
    with pytest.raises(RecipeError, match="--reference: no model name given"):
        eps.engine(Role("--reference", "http://127.0.0.1:9/v1"))


def test_one_local_server_is_shared_by_every_role(tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    eps = Endpoints(None, log_dir=tmp_path)
    a, b = eps.engine(Role("--model", str(gguf))), eps.engine(Role("--judge", str(gguf)))
    assert a.transport is b.transport and a.settings.kind == "llamacpp" and a.settings.concurrency == 1
    assert a.transport.server.proc is None  # started on the first request only
