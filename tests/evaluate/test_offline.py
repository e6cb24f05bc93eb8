"""Offline metrics, and the adapter to the quality gate's checks."""

import pytest

import factory.quality
from factory.evaluate import gate
from factory.evaluate.offline import detect_language, distinct, offline_metrics


@pytest.fixture
def fresh_gate():
    gate._lookup.cache_clear()
    yield
    gate._lookup.cache_clear()


def test_distinct_n_is_corpus_level():
    assert distinct(["a b a b"], 1) == 0.5 and distinct(["a b a b"], 2) == pytest.approx(2 / 3, abs=1e-4)
    assert distinct(["我爱钟表", "我爱钟"], 1) == pytest.approx(4 / 7, abs=1e-4)  # Chinese counts characters
    assert distinct([], 1) is None


def test_language_detection():
    assert detect_language("Ich bin Anna, the clockmaker.") == "en"
    assert detect_language("我是安娜，一个钟表匠 (Anna).") == "zh"
    assert detect_language("...!") is None


def test_rates_over_answers(fresh_gate):
    answers = ["As an AI language model, I cannot help with that.", "Anna Keller thinks the spring is broken.",
               "I am Anna Keller, and the clock is ready.", "我是安娜。", ""]
    m = offline_metrics(answers, "Anna Keller", "en")
    assert m["answers"] == 4
    assert m["assistant_tone"]["rate"] == 0.25 and m["refusal"]["rate"] == 0.25
    assert m["self_name"]["rate"] == 0.25  # third person counts, "I am Anna Keller" does not
    assert m["language_consistency"]["rate"] == 0.75
    assert m["checks_from"] == "factory.quality"  # the real gate is installed


def test_the_gate_functions_are_used_when_the_quality_area_has_them(monkeypatch, fresh_gate):
    monkeypatch.setattr(factory.quality, "assistant_tone_hits", lambda t, lang: ["x"] if "zzz" in t else [],
                        raising=False)
    monkeypatch.setattr(factory.quality, "self_name_violation", lambda t, c, lang: t.startswith(c), raising=False)
    m = offline_metrics(["zzz", "As an AI language model...", "Anna said hi"], "Anna", "en")
    assert m["checks_from"] == "factory.quality"
    assert m["assistant_tone"]["rate"] == round(1 / 3, 4) and m["self_name"]["rate"] == round(1 / 3, 4)
