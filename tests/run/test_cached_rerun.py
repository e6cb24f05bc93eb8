"""A fully cached re-run of a shipped recipe asks the server nothing and rewrites nothing.

The gate skips (its stamp: same samples, settings, code, outputs) and the export takes its token
figures from the previous export when its rows are the same; changing an input undoes either.
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pytest

from factory.export import gatecheck, tokens
from factory.export.exporter import export_run
from factory.quality import gate
from factory.recipe import load_recipe
from factory.run.endpoint import Overrides
from factory.run.pipeline import run_recipe
from factory.testing.openai_server import ScriptedServer
from tests import persona_responders, responders

REPO = Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "beethoven.yaml"
SKIP = {"cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm", ".factory-lock"}
# what names a time: the only bytes a re-run may change (as benchmarks/identical_stages.py blanks them)
STAMPED = re.compile(r'("(?:started_at|created_at|wall_time_s)": )[^,\n]+|exported from `\w+\.jsonl` at \S+')


def _route(persona):
    def route(body: dict) -> str:
        for answer in (responders.route, persona):
            try:
                text = answer(body)
            except Exception:  # noqa: BLE001 - a prompt this responder does not know
                continue
            if text != "{}":
                return text
        n = zlib.crc32(" ".join(m.get("content", "") for m in body["messages"]).encode())
        return f"As an AI assistant I am happy to help with request {n % 997}. Let me know!"

    return route


def _files(run: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(run)): p.read_bytes()
        for p in sorted(run.rglob("*"))
        if p.is_file() and p.name not in SKIP
    }


def _timeless(blob: bytes) -> bytes:
    return STAMPED.sub(lambda m: m.group(1) or "exported at", blob.decode("utf-8")).encode()


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """beethoven.yaml run once into a directory; yields (server, recipe, run_dir, rerun)."""
    run = tmp_path_factory.mktemp("cached") / "run"
    with (
        pytest.MonkeyPatch.context() as mp,
        ScriptedServer(responder=_route(persona_responders.make_route())) as srv,
    ):
        mp.setenv("OPENAI_API_KEY", "sk-cached")
        recipe = load_recipe(RECIPE)
        overrides = Overrides(base_url=srv.base_url, model="scripted-model")

        def rerun() -> dict:
            return run_recipe(
                recipe, out=run, limit=12, overrides=overrides, progress=False, log=lambda m: None
            )

        first = rerun()
        assert first["requests"] > 0 and first["counts"]["quality"] > 0
        rerun()  # the first re-run: run.json now says 0 requests, as every later one will
        yield srv, recipe, run, rerun


def _not_again(*args, **kwargs):
    raise AssertionError("the gate ran again on unchanged inputs")


def test_cached_rerun_asks_nothing_and_rewrites_nothing(cached, monkeypatch):
    srv, _, run, rerun = cached
    before, asked = _files(run), srv.count
    counted = tokens.counter.cache_info()
    monkeypatch.setattr(gate, "run_gate_async", _not_again)  # the quality stage's gate
    monkeypatch.setattr(gatecheck, "load", _not_again)  # preferences' check of the chosen replies
    summary = rerun()
    after = _files(run)
    assert srv.count == asked and summary["requests"] == 0
    assert sorted(after) == sorted(before)
    changed = [name for name in before if after[name] != before[name]]
    # only run.json, export.json and the card name a time; everything else keeps its bytes, the
    # gate's report too (its timings would differ had the gate run again)
    assert set(changed) <= {"run.json", "export/export.json", "export/README.md"}
    for n in changed:
        assert _timeless(after[n]).decode().splitlines() == _timeless(before[n]).decode().splitlines(), n
    assert tokens.counter.cache_info() == counted  # the token figures were reused, not counted


def test_an_edited_output_runs_the_gate_again(cached):
    _, _, run, rerun = cached
    kept = run / "kept.jsonl"
    good = kept.read_bytes()
    kept.write_bytes(b"")  # the gate's output edited by hand: the stamp no longer vouches for it
    rerun()
    assert kept.read_bytes() == good


def test_changed_rows_are_counted_again(cached, tmp_path):
    _, recipe, run, _ = cached
    old = json.loads((run / "export" / "export.json").read_text())["tokens"]
    rows = [json.loads(line) for line in (run / "kept.jsonl").read_text().splitlines()]
    rows[0]["messages"][-1]["content"] += " And one more sentence, which has tokens of its own."
    (run / "kept.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    calls = tokens.counter.cache_info()
    new = export_run(run, recipe=recipe, out=tmp_path / "export", log=lambda m: None)["tokens"]
    assert tokens.counter.cache_info() != calls  # counted: no previous export there
    calls = tokens.counter.cache_info()
    same = export_run(run, recipe=recipe, out=run / "export", log=lambda m: None)["tokens"]
    assert tokens.counter.cache_info() != calls  # counted: the previous export has other rows
    assert new == same and new["sft"]["train"]["per_row"]["total"] > old["sft"]["train"]["per_row"]["total"]
