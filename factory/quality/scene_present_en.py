"""Two things at the same moment in an English scene's narrative present, and the assent before it.

"as rain streaks down the glass", "as bells begin to toll": after "as", a bare subject (a mass noun
with its -s verb, or a plural with its plain verb) and then a path, a place or an object. scene_en.py
reads "as / while" clauses with a determiner; these have none, which in the present is how a narrator
brings on the weather and the crowd around the main event. An assistant's verbless assent before the
prose ("Sure thing, coming right up.") is no speech of the character and is set aside first.
"""

from __future__ import annotations

import re

# What follows an intransitive verb of a scene: a path, a place, a determiner of its object
AFTER_VERB = frozenset(
    "down up across through over along against into onto past under around from in on at the a an".split()  # noqa: SIM905
)
_AUXILIARY = frozenset("are were have had do did will would can could shall should may might must".split())  # noqa: SIM905
# An assistant's assent before the scene, a verbless formula: the prose after it is read as the reply
_ASSENT = re.compile(
    r"^(?:sure(?: thing)?|okay|ok|alright|all right|certainly|absolutely|of course|you got it|coming (?:right )?up)"
    r"(?:[, ]+(?:here (?:it is|we go)|coming (?:right )?up|right away|one moment))?[.!]\s+",
    re.I,
)


def strip_assent(text: str) -> str:
    """`text` without an opening verbless assent ("Okay, here we go.")."""
    return _ASSENT.sub("", text, count=1).strip()


def _s_present(verb: str) -> bool:
    v = verb.lower()
    return len(v) > 3 and v.endswith("s") and not v.endswith(("ss", "us", "is", "'s", "’s"))


def bare_present(rest: list[str], verb: str) -> bool:
    """`rest`, the words after "as", open with a bare noun and its -s verb `verb` and a path or an
    object after it ("as rain streaks down"), not "as time goes" (nothing follows)."""
    return rest.index(verb) == 1 and _s_present(verb) and len(rest) > 2 and rest[2].lower() in AFTER_VERB


def plural_plain(rest: list[str]) -> bool:
    """A bare plural noun and its plain present verb, then an object, a path or an infinitive ("as
    bells begin to toll", "as plates clatter and …"): events at the same moment in the present."""
    return (
        len(rest) > 2
        and rest[0].islower()
        and rest[0].endswith("s")
        and not rest[0].endswith(("ss", "us"))
        and not _s_present(rest[1])
        and not rest[1].endswith(("ed", "ing", "ly"))
        and rest[1].lower() not in AFTER_VERB | _AUXILIARY
        and rest[2].lower() in AFTER_VERB | {"to", "and"}
    )
