"""Generic statements: the shape of a hedge or a sermon, not a list of its phrases."""

import pytest

from factory.quality import run_gate
from factory.quality.generic import generic_statement

from .conftest import sample


@pytest.mark.parametrize(
    "line, language",
    [
        ("人生的选择，每个人都有不同的答案。", "zh"),  # generic person + relativity
        ("我们一定要珍惜身边的朋友。", "zh"),  # generic person + norm
        ("遇事没有绝对的对错，关键在于适度。", "zh"),  # relativity + norm
        ("Everyone should find the path that is right for them.", "en"),
        ("Taste is subjective, and everyone hears music differently.", "en"),
        ("It's important to remember that people are different.", "en"),
    ],
)
def test_generic_statements(line, language):
    assert generic_statement(line, language)


@pytest.mark.parametrize(
    "line, language",
    [
        ("你们每个人都给我记住，今日之事不许外传。", "zh"),  # a command in the scene: 我
        ("大家都来尝尝，这锅肉我炖了一下午。", "zh"),
        ("人有悲欢离合，月有阴晴圆缺。", "zh"),  # classical, no generic person or norm
        (
            "Everyone lies, Watson. The trick is to find out what they lie about.",
            "en",
        ),  # a vocative anchors it
        ("We should all go to bed, Adele; the candles are nearly out.", "en"),
        ("I think people should mind their own business.", "en"),  # the character's own opinion
        ("Sit down and play the passage again, slowly.", "en"),
    ],
)
def test_in_scene_lines_are_not_generic(line, language):
    assert generic_statement(line, language) is None


def test_the_gate_rejects_a_generic_line_no_blacklist_entry_names():
    res = run_gate(
        [
            sample("g", "读书的方法，每个人都有不同的习惯，这很正常。"),
            sample("k", "你来得正好，帮我把这页乐谱抄一遍。"),
        ]
    )
    rejected = {r["id"]: r for r in res.rejected}
    assert (
        rejected["g"]["rule"] == "tone.generic" and "每个人" in rejected["g"]["span"] and "k" not in rejected
    )
    assert res.report["by_family"]["hedging / preaching"]["rejected"] == 1


@pytest.mark.parametrize(
    "line, language",
    [
        ("读书这件事，并没有固定的方法，适合自己的就是最好的。", "zh"),  # a denied universal standard
        ("有的人喜欢山，有的人喜欢水，这都没什么。", "zh"),  # a distributive contrast
        ("不同的年纪会有不同的烦恼。", "zh"),
        ("在生活中，我们需要学会放下。", "zh"),  # generic scope + norm, 我们 is no speaker
        ("There is no single right way to grieve.", "en"),
        ("Some folks like the city, while others prefer the quiet of the country.", "en"),
        ("Happiness comes down to personal choices.", "en"),  # two cues of one class
        ("Remember, it is never too late to chase your goals.", "en"),  # "Remember," is no vocative
    ],
)
def test_generic_by_structure_and_distinct_cues(line, language):
    assert generic_statement(line, language)


@pytest.mark.parametrize(
    "line, language",
    [
        ("我看哪，有的人天生就是劳碌命，有的人天生享福，比如我。", "zh"),  # the speaker anchors it
        ("Some men would say the sea is cruel, Starbuck, but others know better.", "en"),  # a vocative
        ("Different ships, different long splices, says the old song, and I believe it.", "en"),
    ],
)
def test_anchored_contrasts_are_not_generic(line, language):
    assert generic_statement(line, language) is None
