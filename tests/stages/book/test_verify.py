"""Verification against the text, with hard negatives: paraphrase, a quote from another chunk,
narration passed off as speech; and hard positives: a quote the book splits around its tag."""

from __future__ import annotations

from factory.stages.book.verify import check_citation, check_narration, check_speaker, check_speech

EN = """Mara set the lamp on the table. "I won't go," she said, and looked at the rain, "not tonight."

Tobias laughed. "Then the ferry leaves without you." He thought she was the most stubborn woman on the coast."""
OTHER = '''Edda put the knitting down. "Your father left you the lamp, child."'''
ZH = """阿宁把灯放在桌上。“我不走，”她说，望着窗外的雨，“今晚不走。”

陈舟笑了。“那渡船就不等你了。”"""
SCRIPT = """INT. LIGHTHOUSE KITCHEN - NIGHT

MARA
I won't go. Not tonight.

TOBIAS: Then the ferry leaves without you."""

POSITIVES = [
    ("I won't go, not tonight.", EN),
    ("I won't go", EN),
    ("Then the ferry leaves without you", EN),
    ("我不走，今晚不走。", ZH),
    ("那渡船就不等你了。", ZH),
    ("I won't go. Not tonight.", SCRIPT),
    ("Then the ferry leaves without you.", SCRIPT),
]
NEGATIVES = [
    ("I will not leave tonight.", EN),  # paraphrase
    ("I refuse to go anywhere tonight.", EN),  # paraphrase
    ("Your father left you the lamp, child.", EN),  # a quote from another chunk
    ("I won't go, she said, and looked at the rain, not tonight.", EN),  # split quote with its narration
    ("Mara set the lamp on the table.", EN),  # narration passed off as speech
    ("He thought she was the most stubborn woman on the coast.", EN),
    ("我今晚不会离开这里。", ZH),  # paraphrase
    ("我不走，她说，望着窗外的雨，今晚不走。", ZH),  # split quote with its narration
    ("阿宁把灯放在桌上。", ZH),
    ("Then the boat goes without you, Mara.", SCRIPT),
]


def test_speech_hard_negatives_fail_and_real_quotes_pass():
    passed = [s for s, chunk in POSITIVES if check_speech(s, chunk, 90).ok]
    refused = [s for s, chunk in NEGATIVES if not check_speech(s, chunk, 90).ok]
    assert passed == [s for s, _ in POSITIVES]
    assert refused == [s for s, _ in NEGATIVES]
    assert check_speech("", EN, 90).reason == "empty_speech"
    assert check_speech("Your father left you the lamp, child.", OTHER, 90).ok  # in its own chunk it is real


def test_a_short_real_line_cannot_vouch_for_a_long_invented_one():
    chunk = '"Yes," said Mara.'
    assert check_speech("Yes.", chunk, 90).ok
    assert not check_speech("Yes, and tomorrow I shall sail to Lisbon with the whole fleet.", chunk, 90).ok


def test_plot_citations_must_be_in_the_chunk_and_in_order():
    assert check_citation(
        "Mara set the lamp on the table.", "He thought she was the most stubborn woman on the coast.", EN, 85
    ).ok
    assert (
        check_citation("The harbour master counted the gulls.", "Tobias laughed.", EN, 85).reason
        == "plot_citation_not_in_text"
    )
    assert (
        check_citation("Tobias laughed.", "Mara set the lamp on the table.", EN, 85).reason
        == "plot_citation_out_of_order"
    )
    assert check_citation("", "Tobias laughed.", EN, 85).reason == "plot_without_citation"


def test_actions_thoughts_and_speakers_come_from_the_narration():
    assert check_narration("sets the lamp on the table", EN, 0.5).ok
    assert not check_narration("draws a pistol from her coat", EN, 0.5).ok
    assert check_narration("把灯放在桌上", ZH, 0.5).ok and not check_narration("拔出一把手枪", ZH, 0.5).ok
    assert check_speaker("Tobias", EN, []).ok and check_speaker("Mara Quill", EN, []).ok  # a part of the name
    assert not check_speaker("Inspector Hale", EN, []).ok
    assert check_speaker("陈舟", ZH, []).ok and not check_speaker("周先生", ZH, []).ok
