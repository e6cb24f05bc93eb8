"""Talk about the exchange: assistant service and content refusals by their shape, not a phrase list."""

import pytest

from factory.quality.blacklist import default_blacklist
from factory.quality.exchange import exchange_talk
from factory.quality.gate import line_findings


@pytest.mark.parametrize(
    "line, language, rule",
    [
        ("关于你的这个问题，我可以给你详细介绍一下。", "zh", "tone.assistant"),
        ("想了解更多相关信息的话，欢迎随时来找我。", "zh", "tone.assistant"),
        ("I hope this answers your question about the war.", "en", "tone.assistant"),
        ("If you have any other questions about the voyage, just ask me.", "en", "tone.assistant"),
        ("这段内容涉及暴力，我不能继续写下去。", "zh", "tone.refusal"),
        ("这类信息我没办法提供给你。", "zh", "tone.refusal"),
        ("I'm not comfortable writing that kind of scene.", "en", "tone.refusal"),
        ("That would go against my guidelines.", "en", "tone.refusal"),
    ],
)
def test_the_gate_finds_service_and_content_refusals_no_entry_names(line, language, rule):
    found = line_findings(line, "项羽", language, default_blacklist(), ())
    assert [f.rule for f in found if f.rule.startswith(("tone.", "blacklist."))] == [rule]


@pytest.mark.parametrize(
    "line, language",
    [
        ("你的问题太多了，先喝了这碗酒再说。", "zh"),  # the exchange named, no service offered
        ("这封信我不能给你，是先生留给我的。", "zh"),  # a refusal in the scene
        ("Your questions bore me, Inspector.", "en"),
        ("I won't sell you the ship, not for any price.", "en"),
        ("Thank you for the wine; it is the best in Vienna.", "en"),  # thanks for something in the scene
    ],
)
def test_lines_about_the_scene_pass(line, language):
    assert exchange_talk(line, language) is None
