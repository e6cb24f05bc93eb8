"""Round 21, English: the role framed with an appositive before a hedged verb of saying, going on in
the role (role_announce.py); a present scene with a bare subject acting at the same moment, an
absolute construction with a possessive, an assistant's assent before the prose, two sentences each
setting the scene (scene_en.py, scene_setting_en.py); a rite explained to anyone and the tag after a
quotation with the user as its speaker (user_turn_en.py); a reference book's life dates after the
name (text.py, selfname.py); the real world refused and professional advice, the question handed to
everyone (blacklists/en.txt). Lines written for these tests, other characters and other words than
the benchmark's, with hard negatives for each mechanism."""

import pytest

from factory.quality import assistant_tone_hits
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.selfname import self_name_violation
from factory.quality.text import segments

NAME, ALIASES = "Ragnhild Eriksdottir", ("Ragnhild",)


def kind(line: str) -> str | None:
    v = self_name_violation(line, NAME, "en", ALIASES)
    return v.kind if v else None


def speaks_for_user(line: str) -> bool:
    return any(f.rule == "format.speaks_for_user" for f in check_line(line, "en", [NAME], FormatConfig()))


ANNOUNCED = [
    "As Ragnhild the ferrywoman, I would say the current is gentlest at the bend.",
    "As Ragnhild Eriksdottir, old ferrywoman of the north, I have to say the ice came early.",
    "As Ragnhild, I'd say you should take the eastern path.",
    "Alright, resuming as Ragnhild. The oars are wet and the river is high.",
    "Sure. Carrying on as Ragnhild: the boat leaves when the tide turns.",
]

SPOKEN_ROLE = [
    # the appositive with a speech of the scene (thanks, a greeting), not a comment on what is said
    "As Ragnhild, ferrywoman of this crossing, I welcome you aboard.",
    # a role that is not the character's name; someone else who went on as her
    "As a ferrywoman, I must say the river has moods.",
    "My sister kept rowing long after the storm, and I followed her as far as the reeds.",
    # the name as a possessor, not the role gone on in
    "Back as Ragnhild's guest, you would be welcome at every hearth in the valley.",
]


@pytest.mark.parametrize("line", ANNOUNCED)
def test_role_frame_caught(line: str) -> None:
    assert kind(line) == "role_announce"


@pytest.mark.parametrize("line", SPOKEN_ROLE)
def test_role_frame_spoken_kept(line: str) -> None:
    assert kind(line) != "role_announce"


NARRATED = [
    # present simultaneity with a bare mass subject or a bare plural and its plain verb
    "The tram rattles over the bridge and the lamps flicker as sleet drives across the square.",
    "Grey ash drifts over the quay as bells begin to toll from the harbour chapel.",
    # an absolute construction with a possessive in its noun phrase
    "The hangar goes quiet. Nine weary pilots lean on the wing, the captain's warning still ringing in their ears.",
    # two sentences each setting the scene, a bare subject placed in the present
    "Steam rises out of the vent. The boathouse on the lake is dark and still.",
    # an assistant's verbless assent before the prose
    "Okay, here we go. The bakery buzzes with the morning crowd as trays rattle and the baker hollers from the oven.",
]

SPOKEN = [
    # a speaker's own remark: I, a modal, a habit, a question
    "The tram rattles over the bridge as I wait for you by the fountain.",
    "Bells toll at noon every Sunday as the fishermen come in.",
    "Steam rises out of the vent. Should we go in?",
    # a bare name in the present placed in space, alone: a fact a speaker states
    "Bergen sits beneath the seven mountains.",
    "Okay, fine. The ferry is late again.",
]


@pytest.mark.parametrize("line", NARRATED)
def test_present_scene_caught(line: str) -> None:
    assert kind(line) == "narrator"


@pytest.mark.parametrize("line", SPOKEN)
def test_present_scene_spoken_kept(line: str) -> None:
    assert kind(line) is None


FOR_USER = [
    '"Take me across," you reply, too tired to argue with the ferrywoman.',
    '"Fine, I\'ll row," you say. The oars creak.',
    "You row the boat until your arms ache, and then the far bank appears.",
]

NOT_FOR_USER = [
    # a thing's property, then anyone's "you" acting on it until an outcome: a rite explained
    "The mushroom tastes earthy. You hold it under your tongue until the drums slow, and then the visions come.",
    "The salve is cold. You rub it into the cut until the sting fades.",
    # asking back about the user's words
    '"Gold," you say? Show me the coin first.',
]


@pytest.mark.parametrize("line", FOR_USER)
def test_user_turn_caught(line: str) -> None:
    assert speaks_for_user(line)


@pytest.mark.parametrize("line", NOT_FOR_USER)
def test_user_turn_kept(line: str) -> None:
    assert not speaks_for_user(line)


def test_life_dates_are_part_of_the_sentence() -> None:
    assert [s.kind for s in segments("Ragnhild Eriksdottir (1702–1771) was a ferrywoman.")] == ["speech"]
    assert [s.kind for s in segments("Hand me that oar (the short one) now.")] == [
        "speech",
        "action",
        "speech",
    ]


def test_reference_entry_caught() -> None:
    assert kind("Ragnhild Eriksdottir (1702–1771) was a Norwegian ferrywoman famed for her crossings.") == (
        "third_person"
    )
    assert kind("Ragnhild (b. 1702) is remembered along the whole fjord.") == "third_person"
    # the speaker's own dates in the first person stay speech
    assert kind("I was born in the winter of 1702 (1702, to be exact), on the fjord.") is None


TONE = [
    ("I can't offer predictions about real-world markets, only about the game.", "refusal"),
    ("I'm not able to give medical advice, so please see a doctor.", "refusal"),
    ("There are different viewpoints on how the guild should spend its silver.", "hedging"),
    ("In the end, it is up to every citizen to judge the council's choice.", "hedging"),
]

NOT_TONE = [
    # the story's own world, the character's own refusal of a trade; views of a place, a captain deciding
    "I can't row you to the real harbour tonight; the ice has closed it.",
    "I can't give you my oar, it was my father's.",
    "There are many views of the fjord from the high pasture.",
    "It's up to the captain to decide when we sail.",
]


@pytest.mark.parametrize("line, family", TONE)
def test_tone_caught(line: str, family: str) -> None:
    hits = assistant_tone_hits(line, "en")
    assert hits and hits[0].category == family


@pytest.mark.parametrize("line", NOT_TONE)
def test_tone_kept(line: str) -> None:
    assert not [h for h in assistant_tone_hits(line, "en") if h.category in ("refusal", "hedging")]


def wrong_language(line: str) -> bool:
    return any(f.rule == "format.wrong_language" for f in check_line(line, "en", [NAME], FormatConfig()))


SWITCHED = [
    "Ah, you want to know about the boat. 这条船是我祖父用橡木亲手造的，已经有七十年了。",
    "Sit, sit. Лодка стоит у причала с самой зимы, и никто её не трогает.",
]

NOT_SWITCHED = [
    # quoted words of someone, a short foreign name or greeting, a gloss in brackets
    'My grandfather carved "风平浪静，一路顺风" on the bow, and he meant every stroke of it.',
    "The Chinese sailors called her 老船娘 — the old boat-mother — and I liked it.",
    "He wrote (在这里等我，我马上回来) on the dock wall, then sailed off anyway, the fool.",
]


@pytest.mark.parametrize("line", SWITCHED)
def test_switched_sentence_caught(line: str) -> None:
    assert wrong_language(line)


@pytest.mark.parametrize("line", NOT_SWITCHED)
def test_switched_sentence_kept(line: str) -> None:
    assert not wrong_language(line)
