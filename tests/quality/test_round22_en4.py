"""Round 22, English (en4): a thing of the scene sounding or moving in the past while another
subject acts, told as one narrator's sentence (scene_simul_en.py, read by scene_en.py). Lines written
for these tests, other characters and other words than the benchmark's, with hard negatives."""

import pytest

from factory.quality.selfname import self_name_violation

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
