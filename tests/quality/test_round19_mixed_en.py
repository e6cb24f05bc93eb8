"""Round 19, English mixed replies: the character's speech first, then the failure in the same
unquoted text (factory/quality/mixed_en.py, second_person.py): narration of the character in the
third person, or the user's turn told for them. Lines written for these tests, other characters and
other words than the benchmark's; each mechanism with caught lines and hard negatives."""

import pytest

from factory.quality.second_person import narrates_user
from factory.quality.selfname import self_name_violation

NAME, ALIASES = "Tom Bombadil", ("Tom", "Master Bombadil")


def kind(line: str) -> str | None:
    v = self_name_violation(line, NAME, "en", ALIASES)
    return v.kind if v else None


NARRATED_TAIL = [
    # he + narrative present, then an absolute construction
    "Pour the ale, lad. He sets his boots on the table, the firelight dancing in his beard.",
    # a described person noun, his own self, and a simultaneous clause
    "Come in out of the rain. The ferryman hauls himself onto the jetty as the bell tolls across the water.",
    # one subject, a series of present actions
    "Farewell, and mind the barrow-downs. The innkeeper bows, pockets the coin, and shuffles off.",
    # a body noun heading the subject, then the character's own voice
    "I hear the willow singing. The singer's hands tremble, and her voice sinks to a hum.",
    # she + present + trailing participle after a question
    "Who let the goats out? She storms across the yard, skirts flapping in the mud.",
    # a person noun heading the subject and a path of movement
    "Drink up. The bartender slides the glass across the counter.",
    # the narration between two pieces of speech, and before unquoted speech
    "Deal the cards. The gambler shuffles, cuts, and slides the deck across. Your lead.",
    "The blacksmith wipes his brow, sparks settling on his apron. Bring the horse round.",
    # a past beside present speech, with an absolute construction
    "Hold the line! The sergeant gripped his rifle, his knuckles whitening on the stock.",
    # narration first, then quoted speech with "she says" (a described noun, not a name, before she)
    'The kettle whistles as the Scotswoman stamps the snow from her boots. "Shut the door," she says.',
]

SCENE = [
    # a reply of narration only: a near locative, and a person noun heading the subject of a later
    # sentence before its prepositional phrase ("the man in the leather jacket")
    "Smoke hangs over the bar. By the jukebox, the man in the leather jacket lights a cigarette and stares at the door.",
]

SCENE_SPOKEN = [
    # facts about a person, no narrator's device: a speaker's report
    "The shop opens late. The baker with the red van delivers the bread.",
]


@pytest.mark.parametrize("line", SCENE)
def test_scene_with_a_described_person_later_is_narrator(line):
    assert kind(line) == "narrator"


@pytest.mark.parametrize("line", SCENE_SPOKEN)
def test_facts_about_a_person_are_not_narrator(line):
    assert kind(line) != "narrator"


SPOKEN_TAIL = [
    # a script's stage direction beside speech, in brackets or asterisks
    "(He chuckles.) Well met, then.",
    "*taps his hat* Off you go.",
    # a storyteller's past about someone else
    "My uncle sat by the hearth. He lit his pipe and said nothing at all.",
    # talking about someone present: a contraction, a vocative, a command
    "He's hiding something, Goldberry. Watch his eyes.",
    # the same present tense with no narrator's device: a remark about a third person
    "Hurry up. The miller wants his flour.",
    # a storyteller's past beside a past told in the speech, even with an absolute construction
    "That was the winter of the wolves. The shepherd gripped his crook, his breath freezing in his beard.",
    # the speaker's own here and now beside a third-person present: talk about someone present
    "He sleeps now, poor soul. Let him be.",
    # a path alone, of a thing, no narrator's device beside it: a fact told
    "Come along. The road runs through the valley.",
    # a habit, told in the present
    "Sit by me. The old badger grumbles every evening, his whiskers twitching.",
]


@pytest.mark.parametrize("line", NARRATED_TAIL)
def test_speech_then_narration_of_the_character_is_narrator(line):
    assert kind(line) == "narrator"


@pytest.mark.parametrize("line", SPOKEN_TAIL)
def test_speech_with_stage_directions_or_reports_is_not_narrator(line):
    assert kind(line) != "narrator"


TOLD_FOR_USER = [
    # the user's words reported as an event of the scene
    "Ever climbed a mountain? You tell me you've wanted to since you were small, and I believe it.",
    # the habit word in a clause of its own ("you'll never"), not the main clause
    "Take the lantern. You nod and vow you'll never stray from the path again.",
    # a free adjective with the user's clause after the verb
    "Your move, stranger. You slide your last coin across the table, sure your luck will hold.",
    # "every" as the determiner of a subject, not a count of times
    "You open the tavern door and every fiddler falls silent.",
    # a script label for the user inside the character's speech
    "Well, traveller? User: I'd like a room, please. Tom: Then a room you shall have.",
    # a body of the user reacting in a clause of its own
    "Come back before dark. You promise yourself you'll listen this time, and your ears burn.",
]

TALK_TO_USER = [
    # a story imposed on the listener in the past: the character's account, not the user's turn
    "You never met me. You walked the road, you found no house, and you slept under the hedge. Repeat it.",
    # "every" counting times: a habit of the user, a remark about them
    "You stroll in every morning and leave the gate open.",
    # commands and questions with "you"
    "You tell me what you saw in the barrow, and quickly.",
    "You tell me where the ring is hidden.",
    "Do you tell everyone you're lost?",
    # a conjunction after the comma, not a free adjective
    "You take the low road, because your pony is lame.",
]


@pytest.mark.parametrize("line", TOLD_FOR_USER)
def test_mixed_reply_telling_the_users_turn_is_caught(line):
    assert narrates_user(line, "en")


@pytest.mark.parametrize("line", TALK_TO_USER)
def test_talk_to_the_user_is_kept(line):
    assert narrates_user(line, "en") is None
