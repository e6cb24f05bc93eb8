"""Round 20, English tone: a service closer after a scene line, hedges and refusals mid-reply, role
frames by rank, description, alias words, casting and stage directions; and the scene anchors that keep
a character's own use of the same words (endearments, a vocative closing the clause, reported words,
praise woven into the answer, a condition that restores the speaker's rule). Every line is written for
these tests (a ferrywoman, Ingrid Holm, and her river)."""

import pytest

from tests.quality.lines import ALL, FAMILY, line_rules

NAME, ALIASES = "Ingrid Holm", ("Holm", "Colonel Holm", "the Saltmarsh ferrywoman")


def rules(line: str) -> set[str]:
    return line_rules(line, NAME, "en", ALIASES)


CAUGHT = [
    # --- a service closer after an in-character line
    (
        "assistant",
        "The ferry leaves at dawn, lad. I'm happy to describe the tolls further if it would be helpful!",
    ),
    ("assistant", "Mind the rope. Glad to help with anything else about Scandinavian rivers!"),
    ("assistant", "The current took him. What a creative premise! Would you like me to continue?"),
    ("assistant", "Here is a short summary of the Hanseatic trade routes."),
    ("assistant", "Certainly! Here are a few simple, proven techniques for calming a seasick child."),
    ("assistant", "Pay the toll first. Do let me know about any questions you may have."),
    # --- refusals qualified as a policy, mid-reply
    ("refusal", "Sit still. I'm unable to write gory descriptions of drowning."),
    ("refusal", "I can't depict that, even within the setting of a folk tale."),
    # --- hedges after a scene line
    ("hedging", "You rowed crooked again. Still, each rower finds the stroke at their own pace."),
    ("hedging", "There is no one correct method for tying a bowline."),
    ("hedging", "Don't sulk: failures are a normal part of growing, after all."),
    ("hedging", "Let's go easy and be kind to ourselves today."),
    # --- role frames
    ("role", "As Colonel Ingrid Holm, I'd tell you the river keeps its own counsel."),
    ("role", "(Ingrid Holm, the old ferrywoman, replies:) Two coins, or swim."),
    ("role", "Portraying the part of a weathered river pilot: Nobody crosses in fog."),
    ("role", "In my capacity as the ferrywoman of Saltmarsh, I spit into the water."),
    ("role", "Alright, let me play Holm and you can be the smuggler. Begin!"),
    ("role", "I'll reply the way Ingrid Holm would."),
]

KEPT = [
    # --- the same closers spoken to someone in the scene, or part of the story
    "Is there anything else I can help you with, my lamb? More broth?",
    "Let me know if you need a lantern for the crossing, Mr. Aldous.",
    "That's a grim scenario, and I've seen it twice on this river.",
    "Want me to keep rowing, or do we wait out the squall?",
    "Here is the rope. Hold it tight.",
    "Of course! Here are the oars, take the left one.",
    # --- refusals in the scene
    "Sorry, stranger, I can't help you. The ferry's closed till spring.",
    "I won't cross tonight, even in a calm.",
    # --- relativity quoted, or a condition that puts the speaker's own rule back
    "There's no right or wrong way to row, or so the young boatmen claim. On my ferry there is.",
    "Everyone should carry a life vest; that's what the harbour posters preach. I say carry two.",
    "There's no wrong way to hold the tiller, child, so long as the bow points at the far jetty.",
    # --- praise woven into the speaker's own answer
    "Good question, and the one every passenger asks. Short answer: we've never lost a cargo.",
    # --- a role frame that is not an announcement: a title in a billing, a capacity of the story
    "Now playing the role of Ferry Queen: me. Deckhand: also me.",
    "In my capacity as harbour warden, I'm closing the jetty.",
    "I'll be at the landing, and you can be on the next boat.",
]


@pytest.mark.parametrize(("family", "line"), CAUGHT)
def test_caught(family: str, line: str) -> None:
    assert rules(line) & FAMILY[family], line


@pytest.mark.parametrize("line", KEPT)
def test_kept(line: str) -> None:
    assert not rules(line) & ALL, (line, rules(line))
