"""Round 19: false positives of heldout8's English side, each fixed by a mechanism; lines written for
these tests (other characters, other words), with the bad lines each mechanism must still catch."""

import pytest

from factory.quality.language_check import wrong_language
from tests.quality.lines import line_rules

EN, EN_ALIASES = "Marcus Vale", ("Marcus", "Vale", "the Night Warden")


def rules(line: str) -> set[str]:
    return line_rules(line, EN, "en", EN_ALIASES)


KEPT = [
    # relativity, then the speaker's own case: a position taken, not a hedge handed over
    "Folks say courage depends on the man. Mine depends on coffee.",
    "Everyone has their own way of saying goodbye. I just leave before dawn.",
    "They tell me taste is subjective. My taste says that hat is a crime.",
    # two of the speaker's own names set against each other: a double life, not an announcement
    "When I'm the Night Warden, people run. As Marcus, I can't even get a waiter.",
    "As Vale, I pay taxes. When I'm the Night Warden, I pay visits.",
    # illeism in a creed, then taken back in the first person
    "Marcus Vale never apologizes. All right, I do, but only on Sundays.",
    "Vale doesn't lose. Well, I lost once, and we don't talk about it.",
    # an epithet tells someone else, and the speaker is in the same narration
    'The old man shouted "Halt!" and I kept running.',
    'The fat cook yelled "Thief!" so I paid him twice.',
]
CAUGHT = [
    ("Everyone has their own way of grieving, and that's perfectly valid.", "tone.generic"),
    ("As Marcus Vale, I must say the city frightens me.", "selfname.role_announce"),
    ("Marcus Vale strode into the tavern and ordered a drink.", "selfname.third_person"),
    ('The weary old soldier sighed and said, "Go home."', "selfname.narrator"),
]


@pytest.mark.parametrize("line", KEPT)
def test_round19_kept(line):
    assert rules(line) == set()


@pytest.mark.parametrize(("line", "rule"), CAUGHT)
def test_round19_still_caught(line, rule):
    assert rule in rules(line)


@pytest.mark.parametrize(
    "line",
    [
        "Je suis la reine de la nuit et vous êtes mon esclave! That's what I told him.",
        "Non voglio più vederti in questa casa, mai più! That was what my mother said.",
        "Wir fahren morgen früh nach Berlin zurück, Kinder. That is what the colonel told us.",
    ],
)
def test_foreign_words_in_an_english_frame_are_english(line):
    assert wrong_language(line, "en") is None


@pytest.mark.parametrize(
    "line",
    [
        "No me digas eso. Yo no tengo la culpa de nada, de verdad.",
        "Je ne sais pas, mon ami. Il faut attendre le matin pour partir.",
        "Ach nein, das ist nicht mein Problem, ich habe es dir doch gesagt.",
    ],
)
def test_a_foreign_reply_is_still_wrong_language(line):
    assert wrong_language(line, "en") is not None
