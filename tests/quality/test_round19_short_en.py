"""Round 19, English: backchannels, prose cut off mid-clause, and the user's part told for them.

Every line here is written for these tests (other characters, other words than the benchmark)."""

import pytest

from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.length import is_filler
from factory.quality.second_person import narrates_user

EN = "Robin Hood"


def rules(line: str) -> list[str]:
    return [f.rule for f in check_line(line, "en", [EN], FormatConfig())]


# --- too_short: a closed class of assent / acknowledgement words and their lexicalised pairs


@pytest.mark.parametrize(
    "line",
    [
        "Yup.",
        "Cool.",
        "Ay, ay.",
        "Understood.",
        "Agreed, then.",
        "Of course.",
        "Oh, I see.",
        "Got it, okay.",
        "Very well, very well.",
        "Right then.",
        "Fair enough.",
        "Mm-hmm, sure.",
        "All right, all right.",
        "Gotcha.",
    ],
)
def test_backchannel_is_too_short(line: str) -> None:
    assert is_filler(line, "en")
    assert "format.too_short" in rules(line)


@pytest.mark.parametrize(
    "line",
    [
        "Poppycock!",
        "Not tonight!",
        "Fetch the bows!",
        "Saturday.",
        "Forty arrows.",
        "Well, well",
        "Well...",
        "Now then.",
        "So be it.",
        "I see you.",
        "Of course not!",
        "Very well, I shall ride at dawn.",
        "All right, lads, into the trees.",
        "Elementary.",
    ],
)
def test_short_line_with_character_or_content_is_kept(line: str) -> None:
    assert not is_filler(line, "en")
    assert "format.too_short" not in rules(line)


# --- truncated: a long line whose last phrases are subordinated prose, stopped before their verb


@pytest.mark.parametrize(
    "line",
    [
        "We hid the silver under the mill, we told no one, because the sheriff and his",
        "First we take the bridge, cross the ford at dusk, and then the abbey",
        "Listen, friends, no shouting, although the guards, and I know them well, sleep like the drun",
    ],
)
def test_prose_cut_mid_clause_is_truncated(line: str) -> None:
    assert "format.truncated" in rules(line)


@pytest.mark.parametrize(
    "line",
    [
        "Seven oaks on the hill, a raven on each, and a wind from the north",  # verse: phrases juxtaposed
        "Green leaf, red leaf, green leaf",  # a refrain
        "If only the sheriff had listened, if only I had—",  # a deliberate trail-off
        "Well, I suppose the merry men will have to wait...",
        "A fine haul today, lads, gold for every widow in the shire 🏹",
        "Meet me at the old oak (the hollow one)",
    ],
)
def test_whole_line_without_a_stop_is_kept(line: str) -> None:
    assert "format.truncated" not in rules(line)


# --- speaks_for_user: the user's actions, assent and words told in the character's line


@pytest.mark.parametrize(
    "text, narration",
    [
        ("You blink, startled, and step aside to let me pass.", False),  # a body verb going on after a comma
        ("You consent at last to guard the gate, though your voice cracks.", False),  # assent verb
        ("Ye lower the bow without a word, shaking, and I take the quiver.", False),  # archaic "ye"
        ("You trail me through the marsh in silence, gripping your lantern.", False),  # participial adjunct
        ("And you, good miller, now swear you saw nothing, which you readily do.", False),  # compliance
        ("Thou sighest, cousin, and at last thou yieldest the key.", False),  # archaic thou + -est
        ("You cannot help grinning at the friar's tale.", False),  # an involuntary reaction
        ("You can't help but shudder.", False),
        ("Then you said, ", True),  # the story's sequencer before the user's words
        ("And then you asked, ", True),
    ],
)
def test_user_narrated(text: str, narration: bool) -> None:
    assert narrates_user(text, "en", narration=narration)


@pytest.mark.parametrize(
    "text, narration",
    [
        ("You will ride with me.", False),  # a command
        ("You blink? Good.", False),  # a question
        ("You seem weary.", False),  # a guess
        ("You draw your bow in silence, Will, or you don't draw it at all.", False),  # a rule, disjunction
        ("Then you keep low and follow the stream.", False),  # the next step of an instruction
        ("You trail me.", False),  # no narration after the verb
        ("You said, ", True),  # quoting the user back to them
        ("But you said, ", True),  # a dispute about what was said
        ("Thou hast well aimed, and I salute thee.", False),  # archaic auxiliary, praise
        ("You can't help me.", False),  # "help" with an object: a remark
        ("You can't help being stubborn.", False),  # no bodily reaction
        ("You blush and look away, I daresay, whenever her name comes up.", False),  # a guess
        ("You tremble at the thought of the gallows, I'm sure.", False),
        ("When the sheriff rides in and you meekly bow, keep your hood up.", False),  # a condition
    ],
)
def test_user_addressed_not_narrated(text: str, narration: bool) -> None:
    assert narrates_user(text, "en", narration=narration) is None


# --- formatting: a table or bullet list that lost its line breaks


@pytest.mark.parametrize(
    "line",
    [
        "| Outlaw | Bounty | |---| ---| | Little John | 20 marks |",
        "| Day | Road | Toll | | Monday | North | 2d | | Tuesday | East | 3d |",
        "Rules of the greenwood: • Rob the rich • Spare the poor • Share the spoils",
        "Our plan: * Ambush at noon * Take the gold * Vanish by dusk",
        "The oath of the band: - Never harm a woman - Never rob a friar - Never betray a brother",
    ],
)
def test_inline_table_or_bullets_is_formatting(line: str) -> None:
    found = rules(line)
    assert "format.markdown" in found and "format.truncated" not in found


@pytest.mark.parametrize(
    "line",
    [
        "*bows low* Welcome, friar. *grins* Sit, eat, and tell me the news *pours ale*.",
        "Marian - Marian, listen - the sheriff - he knows everything.",
        "Choose, then: the bow or the blade | there is no third way.",
        "Three things I love: my bow, my band, and Sherwood in May.",
    ],
)
def test_speech_with_stars_dashes_or_a_pipe_is_not_a_list(line: str) -> None:
    assert "format.markdown" not in rules(line)


@pytest.mark.parametrize("line", ["Quite.", "Quite so.", "Quite, quite."])
def test_quite_is_an_assent_word(line):
    assert is_filler(line, "en") and "format.too_short" in rules(line)
