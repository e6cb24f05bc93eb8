"""Offline metrics, counted with the quality gate's own checks."""

import pytest

from factory.evaluate.offline import detect_language, distinct, offline_metrics


def test_distinct_n_is_corpus_level():
    assert distinct(["a b a b"], 1) == 0.5 and distinct(["a b a b"], 2) == pytest.approx(2 / 3, abs=1e-4)
    assert distinct(["我爱钟表", "我爱钟"], 1) == pytest.approx(4 / 7, abs=1e-4)  # Chinese counts characters
    assert distinct([], 1) is None


def test_language_detection():
    assert detect_language("Guten Morgen! I am Anna, the clockmaker of this town.") == "en"
    assert detect_language("Ich bin Anna, die Uhrmacherin aus Bern.") == "de"  # Latin script is not English
    assert detect_language("我是安娜，一个钟表匠 (Anna).") == "zh"
    assert detect_language("...!") is None


def test_rates_over_answers():
    answers = [
        "As an AI language model, I cannot help with that.",
        "Anna Keller thinks the spring is broken.",
        "I am Anna Keller, and the clock is ready.",
        "我是安娜。",
        "",
    ]
    m = offline_metrics(answers, "Anna Keller", "en")
    assert m["answers"] == 4
    assert m["assistant_tone"]["rate"] == 0.25 and m["refusal"]["rate"] == 0.25
    assert m["self_name"]["rate"] == 0.25  # third person counts, "I am Anna Keller" does not
    assert m["language_consistency"]["rate"] == 0.75


def test_the_runs_own_gate_settings_are_counted():
    from factory.quality.config import QualityConfig

    answers = ["The escapement is worn.", "Annie thinks the spring is broken.", "I mend clocks."]
    plain = offline_metrics(answers, "Anna Keller", "en")
    assert plain["assistant_tone"]["rate"] == 0 and plain["self_name"]["rate"] == 0
    cfg = QualityConfig.model_validate({"blacklist": {"add": ["escapement"]}})
    tuned = offline_metrics(answers, "Anna Keller", "en", cfg, aliases=("Annie",))
    assert tuned["assistant_tone"]["rate"] == round(1 / 3, 4) and tuned["self_name"]["rate"] == round(
        1 / 3, 4
    )
