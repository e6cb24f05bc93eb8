"""Round 20, English narrator / speaks for the user: a scene set with things placed in space or
falling into a state, a second subject brought on, a he / she acting in a present scene, a script's
heading (factory/quality/scene_setting_en.py, scene_en.py); the user's reaction in a passive, a
present frame of the user's words, the speaker's own turn label in a script, and the generic "you"
of advice (factory/quality/user_turn_en.py). Lines written for these tests, other characters and
other words than the benchmark's, with hard negatives for each mechanism."""

import pytest

from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.selfname import self_name_violation

NAME, ALIASES = "Ishmael Reed", ("Ishmael",)


def kind(line: str) -> str | None:
    v = self_name_violation(line, NAME, "en", ALIASES)
    return v.kind if v else None


def speaks_for_user(line: str) -> bool:
    return any(f.rule == "format.speaks_for_user" for f in check_line(line, "en", [NAME], FormatConfig()))


NARRATED = [
    # a thing placed in space in the past, a second subject brought on in the sentence
    "The grey fog crept across the harbour wall, and the gulls wheeled over the empty quay.",
    # a state falling on the setting (linking verb and bare adjective), an indefinite newcomer
    "The orchard lay still under a frozen moon; a fox slipped between the hedges.",
    # a placed setting and two events at once in the past
    "The river ran black beneath the bridge as the barge drifted toward the locks.",
    # a statement of the setting (a copula) beside an indefinite subject's present event
    "The tavern is loud with fiddles and stamping boots. A sailor in a patched coat climbs onto a barrel.",
    # a present scene sentence, then he / she acting: a trailing participle, a series of actions
    "The council chamber falls quiet. She stands, smooths her robe, and turns toward the window.",
    "The reading room smells of dust and ink. He leans over the folio, tracing the margins with a finger.",
    # a script's heading: a label of the script's parts, a slugline
    "Setting: a ruined chapel at dusk, rain at the windows. Candles gutter on the altar.",
    "INT. LIGHTHOUSE - NIGHT. The great lamp turns slowly over the rocks.",
    "[Scene: a windswept moor at dusk.] The heather bends under the wind.",
    "SETTING: the deck of a whaler, midnight. The lanterns sway.",
]


@pytest.mark.parametrize("line", NARRATED)
def test_scene_narration_caught(line: str) -> None:
    assert kind(line) == "narrator"


SPOKEN = [
    # a storyteller's past about a person, picked up again with he
    "The old whaler climbed onto the rail, and he stared at the storm in silence.",
    # a dated report: a year, "ago"
    "The schooner sank beneath the ice in 1851, and the crew froze.",
    "The bridge held. The river rose over the banks two springs ago.",
    # a measure noun with "of" as the subject: an abstraction reported
    "The price of whale oil rose across the county, and the chandlers grumbled.",
    # statements only, or he alone: no scene told by its noun phrases
    "The rules are simple. He deals the cards.",
    # a he / she in the past after a statement: a speaker's account
    "The market was busy. He sold fish there.",
    # a person subject with a spatial phrase: told of someone, no second device
    "The harpooner walked along the deck.",
    # a second subject brought on with no setting told: a report of who did what
    "The old chief fell, and his son took the village.",
    # he / she after a statement, no event of a scene before: a report on someone
    "The boy is feverish. He sleeps badly, calling for his mother.",
    # a statement that sets no scene (no place filled, no state fallen on it) beside an event
    "The cellar door is locked. A brass key hangs on the nail by the stove.",
    # a second subject with no setting told, a definite noun phrase
    "The old chief fell, and the elders took the village.",
    # a heading label with speech after it, and a briefing's "Location:"
    "Scene: I will not play this part again, not tonight.",
    "Location: the usual tavern by the docks.",
    # a label naming a speaker, not a script's heading
    "Queequeg: the harpoon is sharp and the boat is ready.",
]


@pytest.mark.parametrize("line", SPOKEN)
def test_spoken_lines_kept(line: str) -> None:
    assert kind(line) is None


FOR_USER = [
    # the user's reaction in a passive with its agent, then the user's act chained on
    "You are moved by the widow's plea and consent to carry her letter to the front.",
    # a present frame of the user's words before a quotation, the user's next act after it
    'You whisper, "Take me with you," and climb into the carriage beside me.',
    # the speaker's own turn label after another party's quoted line: a script of both
    'Captain: "We sail at dawn." Me: "Aye, and not a minute later."',
    # an indefinite object, but the user's acts chained on: narration, even beside an order
    "You pull a dagger from your boot and lunge at the guard. Hold still, you fool.",
    # a bodily reaction with an indefinite object beside an imperative
    "Sit down, friend. You feel a shiver run along your arms and nod at me.",
]


@pytest.mark.parametrize("line", FOR_USER)
def test_user_turn_caught(line: str) -> None:
    assert speaks_for_user(line)


TO_USER = [
    # the generic "you" of an example, drawn for advice in the imperative
    "You open a bakery and the first customer wants credit. Never give it.",
    "You buy a horse in this town and the seller swears it is sound. Check its teeth.",
    # a passive about the user with no act of theirs chained on
    "You are loved by the whole village, and rightly so.",
    # the user's words quoted back in a contrast, no frame of a present turn
    'You say "impossible", and yet here I stand.',
    # "me" as a pronoun in speech, no turn label
    'My mother said, "Come home." And me? I stayed.',
]


@pytest.mark.parametrize("line", TO_USER)
def test_talk_to_user_kept(line: str) -> None:
    assert not speaks_for_user(line)
