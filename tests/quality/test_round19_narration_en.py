"""Round 19, English narrator / third person: scene narration with no speech in it
(factory/quality/scene_en.py) and the illeism exemptions of the name-as-subject check, each with
lines written for these tests (another character, other words than the benchmark's)."""

import pytest

from factory.quality.selfname import self_name_violation

NAME, ALIASES = "Margaret Hale", ("Margaret", "Miss Hale", "Peggy")


def kind(line: str) -> str | None:
    v = self_name_violation(line, NAME, "en", ALIASES)
    return v.kind if v else None


NARRATED = [
    # a bare mass noun subject, then a narrative locative adverb and an indefinite figure
    "Snow drifts against the mill gates. Somewhere beyond the chimneys, a figure hurries along the canal.",
    # an absolute construction after a definite epithet ("her shawl slipping")
    "The young woman crosses the yard, her shawl slipping from her shoulders.",
    # ", bonnet askew,": an absolute with an adjective, and the subject's own body (herself, her feet)
    "The parson's daughter, bonnet askew, pulls herself to her feet.",
    # two events at once ("while the foreman counted")
    "Steam hissed from the boilers while the foreman counted the looms.",
    # one subject, a series of actions; the whole paragraph wrapped as an action
    "*The weary overseer checks the ledger, rubs his eyes, and blows out the lamp.*",
    "(The pale governess presses her hands to her cheeks.)",
    # a trailing participle after a present-tense scene subject
    "The old weaver bends over the frame, threading the shuttle by candlelight.",
    # an indefinite subject brought on stage after a locative
    "Wind rattles the shutters. Out on the moor, a lantern bobs toward the farmhouse.",
]

SPOKEN = [
    # facts reported in speech: noun-phrase clauses with no narrator's device
    "The train leaves at noon. The strikers meet at the chapel.",
    # a storyteller's past, the subject taken up again with he
    "The carter climbed onto his seat, and he wept all the way to Helstone.",
    # speech markers: a vocative, a contraction, a question, a modal, first person
    "The mill hands walk out at dawn, Mr. Thornton.",
    "The smoke's thick today, and the looms won't wait.",
    "The workers march down the street as the bell rings — did nobody warn the masters?",
    "A family cannot live on nine shillings, whatever the masters say.",
    "Rain drums on the roof while I sit by the fire, waiting for Father.",
    # a short stage direction beside speech, and one whose actor is the character's name
    "*pulls her shawl tighter* The wind bites, that is all.",
    "*Margaret looks at the letter*",
    # a list, not clauses
    "First, the coal for the grate; second, the bread for the Higginses; third, her medicine.",
]


@pytest.mark.parametrize("line", NARRATED)
def test_scene_narration_is_the_narrator(line: str) -> None:
    assert kind(line) == "narrator"


@pytest.mark.parametrize("line", SPOKEN)
def test_speech_and_stage_directions_stay(line: str) -> None:
    assert kind(line) is None


THIRD = [
    # a past event is narrated even with a negative after it
    "Miss Hale said nothing. She only gathered her skirts and left the parlour.",
    # a present "no" taken up by she in the next clause: the narrator goes on
    "Margaret has no patience for the masters; she walks to the mill alone.",
]
ILLEISM = [
    # a creed in the present, no continuation
    "Margaret Hale fears no master in Milton.",
    # hearsay about the character, trailing or parenthetical
    "Margaret is proud, the neighbours say. Let them say it.",
    "Miss Hale, they say, is a Southern snob. Miss Hale says they have never been south.",
    # an echo question handing back someone's words
    "Margaret afraid? Not of a hundred strikers, my dear.",
    # a pet-name vocative
    "Peggy doesn't cry, darling. Not over a mill owner.",
    # the name as a kind: "a Hale"
    "A Hale does not beg from the Thorntons. Tell him that.",
]


@pytest.mark.parametrize("line", THIRD)
def test_name_told_from_outside(line: str) -> None:
    assert kind(line) == "third_person"


@pytest.mark.parametrize("line", ILLEISM)
def test_illeism_in_speech_stays(line: str) -> None:
    assert kind(line) is None


SPOKEN_REPORTS = [
    # a speaker telling how things go: a schedule or a habit, a new referent in a generic present
    "The coach leaves from the Crown at six. A boy carries the bags for a penny.",
    "The river floods every spring, and the lower streets go under.",
    # a past report, a plural noun before its verb, two events at once: weighs too little alone
    "The strikers gathered outside the gates as the soldiers arrived.",
    # a near locative ("outside") a speaker uses too
    "Outside, the strikers wait for an answer from the masters.",
    # someone else's things and body, not the described subject's own self
    "The master of the mill owns half the town, and his wife owns the other half.",
    "Bessy coughs all night. The fluff gets into her lungs.",
    # one subject, two actions, in a speaker's account of a habit
    "The new overseer walks the floor every morning and counts the bobbins.",
]


@pytest.mark.parametrize("line", SPOKEN_REPORTS)
def test_reports_in_speech_stay(line: str) -> None:
    assert kind(line) is None


ADDRESSED = [
    # he / she told to someone: a name called, a question, an exclamation — not a stage direction
    "*folds the letter away* He is coming back from Spain, Dixon. He wrote it himself.",
    "She reads Plato, she rides to hounds, she argues with the vicar. What more could a father ask?",
    # a speaker conceding, the name its illeism
    "Nobody saw Miss Hale cry. Oh, very well, Miss Hale cried once.",
]
STAGED = [
    # he / she opening a speech line that addresses no one: a stage direction told as speech
    "She lifts the lantern and peers down the dark lane.",
]


@pytest.mark.parametrize("line", ADDRESSED)
def test_addressed_speech_stays(line: str) -> None:
    assert kind(line) is None


@pytest.mark.parametrize("line", STAGED)
def test_stage_direction_as_speech(line: str) -> None:
    assert kind(line) == "narrator"


PERSON_SUBJECT = [
    # a described person (a noun of a trade or rank, by its shape) and a series of actions
    "The innkeeper wiped the counter and poured a measure of gin.",
    "The colonel frowned at the dispatch and tossed it into the fire.",
]
PERSON_KEPT = [
    # a storyteller takes the subject up again with he / she
    "The preacher climbed into the pulpit, and he shouted at the congregation for an hour.",
    # a plural person noun: the speaker reports what a crowd did
    "The weavers gathered at the chapel and marched to the gates.",
]


@pytest.mark.parametrize("line", PERSON_SUBJECT)
def test_described_person_acting_is_narrated(line: str) -> None:
    assert kind(line) == "narrator"


@pytest.mark.parametrize("line", PERSON_KEPT)
def test_story_and_crowd_reports_stay(line: str) -> None:
    assert kind(line) is None


def test_the_speakers_here_and_now_is_speech() -> None:
    # a far locative, but "this house" points from where the speaker stands
    assert kind("Somewhere in this house a letter lies hidden among the linen.") is None
    assert (
        kind("Somewhere in the house a letter lies hidden among the linen, its seal unbroken.") == "narrator"
    )
