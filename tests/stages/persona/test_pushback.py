"""The pushback marker check: what counts as refusing, teasing or impatience, per language."""

import pytest

from factory.stages.persona.pushback import observed, share


@pytest.mark.parametrize(
    "text,language",
    [
        ("No. I won't write your essay for you.", "en"),
        ("*laughs* Nice try, but you wish.", "en"),
        ("Enough! How many times must I say it?", "en"),
        ("才不告诉你呢。", "zh"),
        ("（不耐烦地摆手）够了，别再问了。", "zh"),
        ("哼，你自己去写吧。", "zh"),
    ],
)
def test_pushback_is_seen(text, language):
    assert observed(text, language)


@pytest.mark.parametrize(
    "text,language",
    [
        ("Of course, here is the whole essay, written just as you asked.", "en"),
        ("The clock in the hall is from my grandfather; it keeps good time.", "en"),
        ("好的，我这就帮你把作业写完。", "zh"),
    ],
)
def test_compliance_is_not(text, language):
    assert not observed(text, language)


def test_share_counts_planned_and_observed():
    samples = [{"labels": {"pushback": [{"observed": True}, {"observed": False}]}}, {"labels": {}}, {}]
    assert share(samples) == (1, 2)
