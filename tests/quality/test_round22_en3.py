"""Round 22, English narrator voice inside *…* / (…): a stage direction whose subject is the scene under
a definite noun phrase (scene_action_en.py), not the speaker's own gesture. Lines written for these
tests, other characters and other words than the benchmark's, with hard negatives: the script
convention of a bare gesture, he / she, a short sound cue, and the speaker's own act in first person.
And the reply talking about itself (meta_reply_en.py): the roleplay, its earlier reply, the answer
that served, an offer to generate text, "users"; kept: the same words about things of the scene.
And a generic subject in a moral claim (generic.py); kept: the same subject placed in the scene.
And a long sentence in another Latin-script language after the opening one (foreign_latin_en.py)."""

import pytest

from factory.quality.language_check import wrong_language
from factory.quality.meta_reply_en import meta_reply
from factory.quality.scene_action_en import scene_action
from factory.quality.selfname import self_name_violation
from factory.quality.text import segments
from tests.quality.lines import ALL, FAMILY, line_rules

NAME, ALIASES = "Oswin Halloran", ("Oswin",)


def kind(line: str) -> str | None:
    v = self_name_violation(line, NAME, "en", ALIASES)
    return v.kind if v else None


SCENE_IN_ACTION = [
    "*The lamp sputters on the workbench, and the shadows of the clocks stretch long across the wall.*",
    "Mind the step. *The cellar door groans open and a draught of cold air rolls up the stairs.*",
    "(The wind rattles the shutters as the last coach pulls away from the inn.)",
    "Keep rowing. *The harbour lights fade behind them while the swell lifts the bow again.*",
    "*The old clockmaker's hands tremble over the gears, and the shop falls silent around him.*",
    "*The storm broke over the ridge at midnight, and the river rose past the old mill.*",
]

KEPT = [
    "*sighs* Fine, I'll fix the clock myself.",
    "*picks up the lantern and walks to the door* Come on, then.",
    "(She sighs.) Another broken spring.",
    "(He sets down the tools and wipes his hands on a rag.) There, it ticks again.",
    "Listen. (The door opens.) Who's there?",
    "*The door creaks as I push it open and step into the workshop.*",
    "*The gears you brought me are the wrong size, friend, but I can file them down.*",
    "Wait here. *Oswin leans over the bench and squints at the tiny screw.*",
]


@pytest.mark.parametrize("line", SCENE_IN_ACTION)
def test_scene_told_in_a_stage_direction_is_a_narrator(line: str) -> None:
    assert scene_action(segments(line)) is not None
    assert kind(line) == "narrator"


@pytest.mark.parametrize("line", KEPT)
def test_gesture_cue_and_own_act_are_no_scene(line: str) -> None:
    assert scene_action(segments(line)) is None


# --- the reply talking about itself (meta_reply_en.py, read by exchange.py as tone.assistant / tone.refusal)

META_ASSISTANT = [
    "The kettle's whistling, love. I do hope you enjoyed taking part in this role-play with me!",
    "Apologies if my earlier reply was unclear; here is the clock's history again.",
    "Right, the tide turns at six. I believe that answers your question about the crossing.",
    "And so the mill burned down. I hope you found this short tale informative!",
    "The gears are sorted. Would you like me to summarize the repair steps for you?",
    "Very good, sir. We can carry on this scene in any direction you prefer.",
    "Thank you for the feedback, I will adjust my tone.",
]

META_REFUSAL = [
    "I'm unable to roleplay a scene that glorifies a robbery.",
    "I'll skip the details of the surgery, as they might be distressing to some users.",
    "I won't discuss that, my programming forbids it.",
    "My guidelines stop me from responding to this one, friend.",
]

META_KEPT = [
    "Would you like me to fetch the doctor, or shall I stay with you?",
    "My last letter to her went unanswered, and I've not written since.",
    "Does that answer your question, constable? Then let me get back to my clocks.",
    "The play opens on Friday; I have the role of the gravedigger.",
    "I found this old tale in my grandfather's trunk, and it's a strange one.",
    "My programming forbids me to harm a human, so put the wrench down.",
]


@pytest.mark.parametrize("line", META_ASSISTANT)
def test_reply_about_itself_is_assistant_tone(line: str) -> None:
    assert line_rules(line, NAME, "en", ALIASES) & FAMILY["assistant"]


@pytest.mark.parametrize("line", META_REFUSAL)
def test_roleplay_declined_is_a_refusal(line: str) -> None:
    assert line_rules(line, NAME, "en", ALIASES) & (FAMILY["refusal"] | FAMILY["assistant"])
    assert meta_reply(line)[0] == "refusal"


@pytest.mark.parametrize("line", META_KEPT)
def test_scene_words_that_look_like_meta_stay(line: str) -> None:
    assert meta_reply(line) is None
    assert not line_rules(line, NAME, "en", ALIASES) & ALL


# --- a generic subject in a moral claim (generic.py: "each listener", "we must each", "one chooses";
# respect for "others", "all interpretations", "our own truth")

GENERIC_SUBJECT = [
    "In the end, a painting belongs to each viewer, and all interpretations are valid.",
    "Ultimately we should each walk toward our own truth and respect the choices of others.",
    "A sword is only steel; it's what one decides to do with it that counts, and we must avoid judging others.",
]

GENERIC_KEPT = [
    "Each listener in this hall paid a copper, so I'll play till the candles gutter.",
    "Every clock is different, sure, but this one's mine and it runs fast.",
    "I told the others to wait by the gate.",
]


@pytest.mark.parametrize("line", GENERIC_SUBJECT)
def test_generic_subject_in_a_moral_claim_is_hedging(line: str) -> None:
    assert line_rules(line, NAME, "en", ALIASES) & FAMILY["hedging"]


@pytest.mark.parametrize("line", GENERIC_KEPT)
def test_scene_subject_stays(line: str) -> None:
    assert not line_rules(line, NAME, "en", ALIASES) & ALL


def test_contracted_not_something_allowed_is_a_refusal() -> None:
    assert "blacklist.refusal" in line_rules(
        "Sorry, that isn't something I'm allowed to talk about.", NAME, "en"
    )


# --- a long sentence in another Latin-script language after the opening one (foreign_latin_en.py)

SWITCHED = [
    "Come in, the door's open. Nous avons préparé une chambre pour vous au premier étage de la maison.",
    "Hold the line. Necesitamos más cuerda antes de que la marea suba por encima de las rocas.",
]

NOT_SWITCHED = [
    "Je suis le capitaine de ce navire et personne ne me donne des ordres! That's what I told the admiral.",
    "Right. Merci beaucoup, mon ami, you are too kind.",
    "Stay here. Tonight we ride for the border, and the river is high.",
    "Bon appétit. The stew is hot, so mind your tongue.",
]


@pytest.mark.parametrize("line", SWITCHED)
def test_long_foreign_sentence_after_the_opening_is_wrong_language(line: str) -> None:
    assert wrong_language(line, "en") is not None


@pytest.mark.parametrize("line", NOT_SWITCHED)
def test_foreign_framed_short_or_quoted_stays(line: str) -> None:
    assert wrong_language(line, "en") is None
