"""A scene told inside *…* / (…): the stage direction's subject is the scene, not the speaker.

A script's stage direction is the character's own gesture: "*sighs*", "*picks up the lantern*",
"(She sighs.)" — no subject, or he / she, the speaker. A narrator's scene opens on a definite noun
phrase and its finite verb ("*The candle flickers in the cold scriptorium…*", "*The neon sign
outside blinks red…*", "*The bard's eyes grow distant…*"): the setting, or the speaker described
from outside, in prose long enough to be a description (a short sound cue such as "(The door
opens.)" stays a script's cue). No first or second person in it: "*The door creaks as I push it*"
is the speaker's own act.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from factory.quality.epithet import EN_IRREGULAR
from factory.quality.text import Segment

# "The" + up to three words of the noun phrase (a possessive, an adjective) + a finite verb
_FINITE = rf"(?:[a-z]{{2,}}(?<!ss)(?<!us)(?<!is)s|[a-z]{{2,}}ed|{EN_IRREGULAR}|is|are|was|were|seems|seem)"
_DEFINITE_SUBJECT = re.compile(rf"^\W*(?-i:The)\s+(?:[\w'’-]+\s+){{0,3}}?(?:[a-z]+ly\s+)?({_FINITE})\b")
_PERSON_1_2 = re.compile(r"\b(?:I|I'm|me|my|mine|myself|we|us|our|you|your|yours)\b", re.I)
_MIN_WORDS = 8  # a description, not a sound cue


def scene_action(segs: Sequence[Segment]) -> tuple[str, str] | None:
    """(detail, span) for the first English stage direction of `segs` that tells the scene under a
    definite noun phrase, else None."""
    for seg in segs:
        if seg.kind != "action":
            continue
        t = seg.text.strip()
        if len(t.split()) < _MIN_WORDS or _PERSON_1_2.search(t):
            continue
        m = _DEFINITE_SUBJECT.match(t)
        if m and not m.group(0).split()[1].lower().endswith(("ly", "ing")):
            return "a stage direction telling the scene under a noun phrase, not the speaker's gesture", t[
                :80
            ]
    return None
