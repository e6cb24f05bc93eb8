"""The gate on a DPO chosen reply: the real quality rules, configured as the recipe configures them."""

from __future__ import annotations

import pytest

from factory.export.gatecheck import load
from factory.quality.config import QualityConfig


@pytest.fixture
def gate():
    cfg = QualityConfig(blacklist={"add": ["escapement"], "remove": ["category:hedging"]})
    return load(cfg, aliases=["Annie"])


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Then bring me the escapement, Karl.", "blacklist.custom"),  # added by the recipe
        ("As an AI language model, I cannot say.", "blacklist.assistant_tone"),  # the defaults stay
        ("Annie smiled and put the spring back.", "selfname.third_person"),  # an alias counts as the name
        ("I will fix the clock for you, but first the", "format.truncated"),
        ("Hm.", "format.too_short"),
        ("我今天一定会把这座钟修好的，请放心吧。", "format.wrong_language"),
    ],
)
def test_a_bad_chosen_reply_is_rejected_by_its_rule(gate, text, rule):
    assert gate.problem(text, "Anna Keller", "en").startswith(f"{rule}: ")


def test_good_replies_removed_entries_and_flag_rules_pass(gate):
    assert gate.problem("By noon, if the spring holds.", "Anna Keller", "en") is None
    assert (
        gate.problem("Well, it depends on the weather, Karl.", "Anna Keller", "en") is None
    )  # hedging removed
    flagging = load(QualityConfig(rules={"format.too_short": "flag"}))
    assert flagging.problem("Hm.", "Anna Keller", "en") is None
    assert (
        load().problem("Then bring me the escapement, Karl.", "Anna Keller", "en") is None
    )  # not in defaults


def test_chinese_reply_uses_the_zh_rules(gate):
    assert gate.problem("作为一个AI，我没有个人观点。", "贝多芬", "zh").startswith("blacklist.assistant_tone")
    assert gate.problem("贝多芬觉得这首曲子还不够好。", "贝多芬", "zh").startswith("selfname.third_person")
    assert gate.problem("我今天写了一首新的奏鸣曲，你想听听吗？", "贝多芬", "zh") is None
