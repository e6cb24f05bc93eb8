import pytest

from factory.quality import assistant_tone_hits
from factory.quality.blacklist import Blacklist
from factory.quality.config import BlacklistConfig


@pytest.mark.parametrize("text, language, category", [
    ("作为一个AI，我没有个人观点。", "zh", "assistant_tone"),
    ("希望对你有所帮助！", "zh", "assistant_tone"),
    ("这个问题因人而异。", "zh", "hedging"),
    ("我们应该尊重每一种选择。", "zh", "preachy"),
    ("As an AI language model, I cannot feel emotions.", "en", "assistant_tone"),
    ("Well, it depends on the weather.", "en", "hedging"),
    ("It's important to remember that everyone matters.", "en", "preachy"),
    ("I asked ChatGPT about it.", "zh", "assistant_tone"),  # language-neutral entries apply everywhere
])
def test_defaults_catch_each_category(text, language, category):
    hits = assistant_tone_hits(text, language)
    assert hits and hits[0].category == category and hits[0].span in text


@pytest.mark.parametrize("text, language", [
    ("我今天写了一首新的奏鸣曲。", "zh"),
    ("我没有意见，你决定吧。", "zh"),
    ("Overall, the concert went well and the hall was full.", "en"),
    ("We must all leave before the storm.", "en"),
])
def test_ordinary_speech_is_clean(text, language):
    assert assistant_tone_hits(text, language) == []


def test_literal_entries_respect_word_boundaries():
    bl = Blacklist.from_config(BlacklistConfig(defaults=False, add=["over"]))
    assert bl.hits("It is over.", "en") and not bl.hits("He wore overalls.", "en")


def test_recipe_adds_and_removes():
    cfg = BlacklistConfig(add=[{"pattern": r"亲爱的用户", "language": "zh"},
                               {"pattern": r"\bmy liege\b", "regex": True, "category": "custom"}],
                          remove=["因人而异", "category:preachy"])
    bl = Blacklist.from_config(cfg)
    assert bl.hits("亲爱的用户，你好", "zh")[0].category == "custom"
    assert bl.hits("Yes, my liege.", "en")[0].category == "custom"
    assert bl.hits("这个问题因人而异。", "zh") == []
    assert bl.hits("我们应该尊重每一种选择。", "zh") == []
    assert bl.hits("作为一个AI，我不知道。", "zh")  # the rest of the defaults stay


def test_bad_regex_is_a_one_line_error():
    with pytest.raises(ValueError, match="bad regex"):
        Blacklist.from_config(BlacklistConfig(add=[{"pattern": "(", "regex": True}]))
