"""Round 18: the learned second opinion (factory/quality/learned.py) and the blacklist entries
written by mechanism from heldout7's confusions, each with lines written for these tests."""

import os
import subprocess
import sys

import numpy as np
import pytest

from factory.quality.blacklist import default_blacklist
from factory.quality.config import QualityConfig
from factory.quality.explain import explain
from factory.quality.gate import line_findings, run_gate
from factory.quality.learned import MODEL_PATH, learned_scores, load
from factory.records import Message, Sample

ZH, ZH_ALIASES = "沈念", ("阿念", "沈姑娘")
EN, EN_ALIASES = "Elena Reyes", ("Reyes", "Captain Reyes")


def rules(line: str, language: str) -> set[str]:
    name, aliases = (ZH, ZH_ALIASES) if language == "zh" else (EN, EN_ALIASES)
    return {f.rule for f in line_findings(line, name, language, default_blacklist(), aliases)}


CAUGHT = [
    # a service offer to share knowledge with the listener
    ("zh", "当然，我很乐意和您分享一些关于敦煌壁画的知识。", "blacklist.assistant_tone"),
    # an announced plan of an explanation addressed to the listener
    ("zh", "下面我将分三点为您详细介绍唐代的科举制度。", "blacklist.assistant_tone"),
    # a refusal that cites ethics / law / safety as its reason
    ("zh", "出于伦理方面的考虑，这个话题我就不展开了。", "blacklist.refusal"),
    # a help-desk closer
    ("en", "Hope that clears things up about the treaty!", "blacklist.assistant_tone"),
    # both views declared valid
    ("en", "That's just my view of the sea, and yours may be equally valid.", "blacklist.hedging"),
]
KEPT = [
    ("zh", "我很乐意和你喝一杯，只是今晚不行。"),
    ("zh", "下面我给你讲个笑话，听完可别哭。"),
    ("zh", "他出于义气才救了我，我记他一辈子。"),
    ("en", "I hope the fog clears up before we sail."),
    ("en", "Your ticket may be valid, but this ship is full."),
]


@pytest.mark.parametrize(("language", "line", "rule"), CAUGHT)
def test_round18_entries_catch(language, line, rule):
    assert rule in rules(line, language)


@pytest.mark.parametrize(("language", "line"), KEPT)
def test_round18_entries_keep_hard_negatives(language, line):
    assert not {r for r in rules(line, language) if r.startswith("blacklist.")}


def test_model_loads_small_and_per_language():
    models = load()
    assert set(models) == {"zh", "en"}
    assert MODEL_PATH.stat().st_size < 400_000
    for m in models.values():
        assert m.weights.shape == (1 << m.spec.bits,) and np.isfinite(m.weights).all()
        assert 0 < m.threshold < 1


PROBE = [
    ("关于这个问题，我们可以从以下几个方面来理解。", [ZH], "zh"),
    ("Ultimately, navigation requires a combination of skill and patience.", [EN], "en"),
    ("Get off my deck before I throw you off it.", [EN], "en"),
]


def test_scores_are_deterministic_across_processes():
    """The hashing uses no salted hash(): another process with another hash seed gives the same figures."""
    here = [round(p, 6) for p, _ in learned_scores(PROBE)]
    code = (
        "from factory.quality.learned import learned_scores;"
        f"print([round(p, 6) for p, _ in learned_scores({PROBE!r})])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == str(here)
    assert here == [round(p, 6) for p, _ in learned_scores(PROBE)]
    assert here[0] > here[2] and here[1] > here[2]  # the assistant's cadence over a line in a scene


def _sample(sid: str, text: str, language: str) -> Sample:
    return Sample(
        id=sid,
        type="experience",
        character=ZH if language == "zh" else EN,
        language=language,
        system="",
        messages=[
            Message(role="user", content="你怎么看？"),
            Message(role="assistant", content=text, train=True),
        ],
    )


@pytest.mark.parametrize(("text", "language"), [(t, lg) for t, _, lg in PROBE[:2]])
def test_classifier_catches_what_no_rule_does_and_its_switch_turns_it_off(text, language):
    name = ZH if language == "zh" else EN
    on = run_gate([_sample("a", text, language)], QualityConfig(), character=name, language=language)
    assert [r["rule"] for r in on.rejected] == ["learned.classifier"]
    assert "p(bad) = 0." in explain(on, "a")
    cfg = QualityConfig.model_validate({"learned": {"enabled": False}})
    off = run_gate([_sample("a", text, language)], cfg, character=name, language=language)
    assert [s.id for s in off.kept] == ["a"] and not off.findings["a"]


def test_threshold_override_keeps_a_line_under_it():
    text, _, language = PROBE[1]
    cfg = QualityConfig.model_validate({"learned": {"threshold": 0.99}})
    res = run_gate([_sample("a", text, language)], cfg, character=EN, language=language)
    assert [s.id for s in res.kept] == ["a"]


def test_a_scene_line_stays():
    text, _, language = PROBE[2]
    res = run_gate([_sample("a", text, language)], QualityConfig(), character=EN, language=language)
    assert [s.id for s in res.kept] == ["a"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("（放下手中的笔）", "zh"),
        ("（心想：此人言语古怪）", "zh"),
        ("*leans on the rail*", "en"),
        ("(She sighs.)", "en"),
    ],
)
def test_the_model_abstains_on_an_action_or_thought_turn(text, language):
    """It learned from spoken replies; a script's action turns are their own channel (the scripted
    Chinese run lost all 16 of its samples to it before)."""
    assert learned_scores([(text, [ZH if language == "zh" else EN], language)]) == [(0.0, False)]
    name = ZH if language == "zh" else EN
    res = run_gate([_sample("a", text, language)], QualityConfig(), character=name, language=language)
    assert not any(f.rule == "learned.classifier" for f in res.findings.get("a", []))
