"""Round 22, English (en4): a thing of the scene sounding or moving in the past while another
subject acts, told as one narrator's sentence (scene_simul_en.py, read by scene_en.py); the help
desk's closers with no meta-noun, an invitation to reach out again and an offer of more of the content
(blacklists/en.txt); the role framed by a character sheet's entry, an adjective, a noun compound and
a phrase or clause describing it, before a hedged verb of saying or answering (role_described_en.py). Lines written
for these tests, other characters and other words than the benchmark's, with hard negatives."""

import pytest

from factory.quality.selfname import self_name_violation
from tests.quality.lines import FAMILY, line_rules

NAME, ALIASES = "Oswin Halloran", ("Oswin",)


def kind(line: str) -> str | None:
    v = self_name_violation(line, NAME, "en", ALIASES)
    return v.kind if v else None


THING_WHILE = [
    "The kettle rattled as the widow spooned tea into the pot, her shawl slipping from one shoulder.",
    "The rope bridge groaned as the mule picked its way across the gorge.",
    "The old radiator clanked beneath the window as snow drifted against the glass.",
    "The barn door banged in the wind while the farmhand wrestled the calf into its pen.",
    "The gallery hummed with low voices as lamplight pooled on the marble floor.",
    "The printing press thundered as Mags fed another sheet into the rollers.",
]

SPOKEN_PAST = [
    # a plural head may be people: a report of what they did
    "The dockers walked off the quay as the foremen shouted.",
    # the speaker there: "I came in"
    "The bell rang as I came in, so I sat at the back.",
    # the speaker's own life, we / I, and a dated report
    "My truck stalled as I crossed the bridge, and I walked the rest of the way.",
    "The engine died as we topped the hill, so we coasted down.",
    "The mill burned in 1911 as the workers slept upstairs.",
    # the present of a speaker pointing at now, and a copula
    "The kettle's boiling as we speak, so sit down.",
    "The roof was leaking as the storm came in, and nobody fixed it.",
]


@pytest.mark.parametrize("line", THING_WHILE)
def test_thing_acting_while_someone_acts_is_narration(line: str) -> None:
    assert kind(line) == "narrator", line


@pytest.mark.parametrize("line", SPOKEN_PAST)
def test_spoken_past_with_as_stays(line: str) -> None:
    assert kind(line) is None, line


CLOSERS = [
    "The ferry leaves at nine. Please don't hesitate to get in touch if anything else comes up!",
    "Mind the third step, it creaks. Do not hesitate to reach out with further questions.",
    "That's how we splice a line. Glad to provide more sailing knots whenever you want!",
    "Brine, then smoke it slow. If you'd like more curing recipes for your menu, just ask!",
]

KEPT = [
    # the character's own offer in the scene, its help given, not the content of a chat
    "Anything you need from the galley, lad, you just ask me.",
    "I didn't hesitate to jump in after him, and I'd do it again.",
    "If you'd like more stew, the pot's on the stove.",
    "I was happy to share my bread with the drovers that winter.",
    # sharing more of one's own life, and a bargain offered in the scene
    "We were glad to share more of the catch with the widows that year.",
    "I'm happy to offer more for the mare if she's sound.",
]


@pytest.mark.parametrize("line", CLOSERS)
def test_service_closer_is_assistant_tone(line: str) -> None:
    assert line_rules(line, NAME, "en", ALIASES) & FAMILY["assistant"], line


@pytest.mark.parametrize("line", KEPT)
def test_in_scene_offer_stays(line: str) -> None:
    assert not line_rules(line, NAME, "en", ALIASES) & FAMILY["assistant"], line


SHEET_FRAMED = [
    "As a weary night-shift ferry pilot on the Mersey, I'd tell you the fog lifts by noon.",
    "As a grizzled lighthouse keeper who has buried three wives, I would answer: the sea takes what it likes.",
    "Speaking as a jaded hotel concierge in a grand old city, I think tips are everything.",
]

SHEET_KEPT = [
    # the office named plainly in speech, and the speaker's own past told after the frame
    "Speaking as a ship's doctor, I'd say he drowned before the fall.",
    "As a sailor I learned to tie a bowline in the dark.",
    "As a young lad in the mill at Paisley, I learned to keep my head down.",
    "As a boy from the valley, I think I was luckier than most.",
]


@pytest.mark.parametrize("line", SHEET_FRAMED)
def test_sheet_entry_frame_is_role_announce(line: str) -> None:
    assert kind(line) == "role_announce", line


@pytest.mark.parametrize("line", SHEET_KEPT)
def test_plain_office_frame_stays(line: str) -> None:
    assert kind(line) != "role_announce", line
