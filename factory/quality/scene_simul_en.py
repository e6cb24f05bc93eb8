"""A thing of the scene acting in the past while someone else acts: a narrator's simultaneity.

"The grill hissed as Dee flipped the patties", "The porch swing creaked as the old woman rocked":
the main clause's subject is a thing (a determined noun phrase, singular, no person noun at its
head, no possessive of someone's body), its verb an intransitive past with no object, and "as / while" brings
on a second subject acting at the same moment. A speaker telling of the past reports what people did
("The sheriff fired as the outlaw ran") or dates it; a thing making its sound or motion at the moment
another acts is how a narrator sets a scene around an actor.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from factory.quality.epithet import EN_IRREGULAR
from factory.quality.scene_setting_en import dated

# The main clause's subject: the / a and a noun phrase of up to four words before its verb
_THING = re.compile(r"^\s*(?:the|a|an)\s+(?:[\w'’-]+\s+){1,4}?$", re.I)
_AFTER = re.compile(
    # up to six words of adverb, object or place ("one final time", "beneath the window"), then as / while
    r"^\s*(?:[\w'’-]+\s+){0,6}?(?:as|while)\s+"
    # its own subject (a determined noun phrase, a name, a mass noun) and a past verb
    rf"(?:(?:the|a|an|his|her|its|their)\s+)?(?:[\w'’-]+\s+){{0,3}}?(?:[a-z]{{3,}}ed|{EN_IRREGULAR})\b",
    re.I,
)


def thing_sounds(sentence: str, clause: tuple, person: Callable[[str, str], bool], text: str = "") -> bool:
    """The sentence opens on a thing of the scene (not a person) whose past verb is followed, within a
    few words, by "as / while" and another subject: a setting acting at the moment someone acts.
    `clause` is scene_en's (kind, verb, weight) of the sentence; `person` reads its subject's head;
    a date anywhere in the reply's `text` makes it a speaker's report."""
    kind, verb = clause[0], clause[1]
    if dated(text or sentence):
        return False
    if kind != "def" or not verb or person(sentence, verb) or verb.lower() in ("was", "were", "had"):
        return False
    if verb.lower().endswith("s"):
        return False  # the past only: a present scene is read by scene_en already
    head, _, after = sentence.strip().lstrip("(*[—–-\"' ").partition(f" {verb} ")
    if not _THING.match(head + " ") or re.search(r"\b(?:his|her|my|your|our|their)\b", head, re.I):
        return False
    noun = head.split()[-1].lower()
    if noun.endswith("s") and not noun.endswith("ss"):
        return False  # a plural head may be people ("the strikers gathered as …"): a report of them
    return bool(_AFTER.match(after))
