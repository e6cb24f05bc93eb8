"""Round 22, English narrator voice and speaks_for_user: a setting told in the past of things, one
of them sensed, and the short call in character a scene may open with (scene_past_en.py); a place
after a spatial preposition named by a proper noun (scene_setting_en.py); the user's compulsion,
stated feeling and trailing body told for them (user_inner_en.py); he / she with having or being
opening the speech, a person described and no stage direction (narration.py). Lines written for
these tests, other characters and other words than the benchmark's, with hard negatives for each."""

import pytest

from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.selfname import self_name_violation

NAME, ALIASES = "Oswin Halloran", ("Oswin",)


def kind(line: str) -> str | None:
    v = self_name_violation(line, NAME, "en", ALIASES)
    return v.kind if v else None


def speaks_for_user(line: str) -> bool:
    return any(f.rule == "format.speaks_for_user" for f in check_line(line, "en", [NAME], FormatConfig()))


PAST_SETTING = [
    "The chapel at Kessock was silent that evening, and the candles had burned down to stubs.",
    "The lighthouse kitchen was dim, and the only sound was the kettle ticking on the stove.",
    "The greenhouse was bathed in amber light, and the orchids had not been watered for days.",
    "The ballroom was cold, and the smell of old wax hung in the air.",
    # a place filled with what the senses take in; the weather placed by a verb of its own
    "The cellar was heavy with the smell of apples, and the barrels were stacked to the beams.",
    "The stable was empty, and frost lay white across the yard.",
]

CALLED_THEN_SET = [
    "Hold fast. The engine room was drenched in steam, and the only noise was the grinding of the pumps.",
    "Target acquired. The hangar lay silent under the floodlights, and the last transport had already gone.",
]

PLACED_BY_NAME = [
    "The fog crept low over Farrow Moor as a single rider picked along the causeway.",
]

SPOKEN_PAST = [
    # the speaker's own past (I / we), a dated report, a person as the subject, the present, a question
    "The chapel was silent that evening, and I had burned the candles down to stubs.",
    "The mill was cold in 1911, and the looms had stopped for the strike.",
    "The vicar was tired, and the curate had gone home early.",
    "The kitchen is cold, and the kettle has not boiled yet.",
    "Was the kitchen cold that night, and had the fire been lit?",
    "The parcel was late, and the postmark had been smudged.",
    # the weather with no place of its own, and the speaker's own now
    "Rain was heavy, and the race had been called off.",
    "Hush now. The twins were asleep, and the nursery was dark.",
]

USER_TOLD = [
    "You can't help yourself — you burst out laughing, and the whole tavern laughs with you.",
    "The music swells and you've never felt so alive.",
    "You feel a surge of pride as the banner is raised.",
    "You cross the courtyard, your boots clattering on the wet cobbles.",
    "Access granted. You stride down the corridor, your coat trailing behind you in the draught.",
    "You wade into the river, the current tugging at your knees.",
    "A chill creeps up your neck as the candle gutters out.",
]

USER_TALKED_TO = [
    # a guess, a question, a condition, the speaker's own I, an instruction
    "I bet you've never felt so alive, have you?",
    "You feel it too, don't you?",
    "If you feel a surge of pride, hold on to it.",
    "I can't help myself — I laugh every time you tell that story.",
    "You can't help it if the tide comes in early.",
    "Take the left path, your lantern held low.",
    "You've never been so rude to me in all these years.",
    "Does a chill run down your spine when the bell tolls?",
]

DESCRIBED = [
    # a rival described in the present, having and being: no stage direction
    "He has no ear, no rhythm, and his waltz is an insult to Vienna.",
    "She is a fraud from her wig to her buckled shoes.",
]

STAGED = [
    "She grabs the lantern and runs for the door.",
    "He laughs, slamming his tankard on the bar.",
]


@pytest.mark.parametrize("line", PAST_SETTING + CALLED_THEN_SET + PLACED_BY_NAME)
def test_past_setting_is_narration(line):
    assert kind(line) == "narrator"


@pytest.mark.parametrize("line", SPOKEN_PAST)
def test_spoken_past_is_kept(line):
    assert kind(line) is None


@pytest.mark.parametrize("line", USER_TOLD)
def test_user_inside_told(line):
    assert speaks_for_user(line)


@pytest.mark.parametrize("line", USER_TALKED_TO)
def test_user_talked_to(line):
    assert not speaks_for_user(line)


@pytest.mark.parametrize("line", DESCRIBED)
def test_rival_described_is_kept(line):
    assert kind(line) is None


@pytest.mark.parametrize("line", STAGED)
def test_stage_direction_still_caught(line):
    assert kind(line) == "narrator"
