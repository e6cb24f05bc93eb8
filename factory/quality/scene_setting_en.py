"""The setting of an English scene: devices a narrator uses to place things, not to tell of people.

A narrator sets a scene with things as subjects placed in space ("The fog rolled across the
harbour", "The bell tower loomed over the square"), with a setting that changes state in a linking
verb and a bare adjective ("The hall fell silent", "the street went dark"), and with a second
subject brought on in the same sentence (", and the horses stamped"). A speaker reporting past
events dates them ("in 1862", "two winters ago", "last spring"): a dated reply is a report, and none
of these devices counts in it.

A screenplay or a stage play opens with a heading, a label of the script's own parts (Scene:,
Setting:, INT. / EXT. sluglines), not a speaker's name: a reply in that form is a narrator's script.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from factory.quality.epithet import EN_IRREGULAR

# Prepositions of place and path after a verb (and its object): where a thing stands in the scene
_SPATIAL = r"beneath|before|over|across|above|below|through|along|against|around|past|under|behind|beyond|among|atop|upon"
# A setting placed in space: a verb, up to three words of adverb or object, a spatial preposition
_PLACED = re.compile(
    rf"^(?:[\w'’-]+\s+){{0,3}}?(?:{_SPATIAL}|(?:up|down|out|off|away)\s+(?:from|of|into))\s+(?:the|a|an|its|their|(?-i:[A-Z][a-z]+))\b",
    re.I,
)
# A change or a posture of state, linking verb and bare adjective: "fell silent", "went dark", "was still"
_STATE_CHANGE = re.compile(
    r"\b(?:fell|falls|went|goes|grew|grows|lay|lies|hung|hangs|turned|turns|was|is)\s+"
    r"(?:suddenly\s+|utterly\s+|very\s+)?([a-z]+)\s*(?:[.,;]|and\b|$|beneath|under|in\b|as\b)",
    re.I,
)
# Adjectives of a state by their shape or as the closed class of the settled scene (silence, dark, still)
_STATE_ADJ = re.compile(
    r"silent|quiet|still|dark|dim|empty|calm|cold|dead|hushed|motionless|[a-z]+less|[a-z]{3,}y", re.I
)
_NOT_STATE = frozenset({"very", "only", "early", "every", "ready", "many", "any", "sorry", "happy", "busy"})
# A second clause in the sentence with a subject of its own, a noun phrase ("…, and the horses stamped")
_NEW_SUBJECT = re.compile(
    rf",\s*(?:and|while|as)\s+(?:the|a|an)\s+(?:[a-z-]+\s+){{0,2}}?(?:{EN_IRREGULAR}|[a-z]{{3,}}ed)\b", re.I
)
# A report's date: a year, "ago", "last spring", "in March", "that winter"
_DATED = re.compile(
    r"\b(1\d{3}|20\d\d)\b|\bago\b|\b(?:last|that|next)\s+(?:year|month|week|spring|summer|autumn|fall|winter)\b"
    r"|\bin\s+(?:january|february|march|april|june|july|august|september|october|november|december)\b",
    re.I,
)
# A script's own headings, not a speaker: the scene, its setting, a slugline
_HEADING_LABEL = re.compile(r"(?:scene|setting|interior|exterior|int|ext|stage directions?)", re.I)
_SLUGLINE = re.compile(
    r"^\s*(?:INT|EXT|INT\./EXT)\.\s+[A-Z][A-Z' -]+"
    r"|^\s*(?i:scene|setting)(?:\s+(?:\d+|[IVXivx]+))?\s*:"  # "Scene 2:", "[Setting: …]"
)


def dated(text: str) -> bool:
    """The reply dates what it tells: a speaker's report of the past, not a scene set."""
    return bool(_DATED.search(text))


def placed_setting(after_verb: str) -> bool:
    """The words after a non-person subject's verb place it in space ("stretched before the ship")."""
    return bool(_PLACED.match(after_verb.strip()))


def state_change(text: str) -> bool:
    """A linking verb and a bare adjective of state: "the alley went quiet", "the house falls silent"."""
    for m in _STATE_CHANGE.finditer(text):
        adj = m.group(1).lower()
        if adj not in _NOT_STATE and _STATE_ADJ.fullmatch(adj):
            return True
    return False


# A place filled with what the senses take in: "is thick with smoke", "was loud with fiddles"
_FILLED = re.compile(r"\b(?:is|are|was|were)\s+(?:\w+\s+){0,2}?with\b", re.I)


def scene_state(sentence: str) -> bool:
    """A copula that sets a scene: a place filled with something, or a state fallen on it ("is dark");
    "The door is locked" is a statement a speaker makes."""
    return bool(_FILLED.search(sentence)) or state_change(sentence)


def new_subject(text: str) -> bool:
    """A second clause of a sentence brings on a subject of its own in a noun phrase."""
    return bool(_NEW_SUBJECT.search(text))


def script_heading(labels: list[str], text: str) -> bool:
    """The reply opens with a script's heading: a label of its parts (Scene:) or an INT./EXT. slugline."""
    return bool((labels and _HEADING_LABEL.fullmatch(labels[0].strip())) or _SLUGLINE.match(text))


def setting_weight(
    sentences: Sequence[str], clauses: Sequence, text: str, person: Callable[[str, str], bool]
) -> float:
    """1/2 for a setting told of things (a non-person subject placed in space or changing state), and
    1/2 more for a second subject brought on in a sentence of it; nothing in a dated report. `clauses` are
    scene_en's (kind, verb, weight) per sentence; `person(sentence, verb)`: its subject is a person."""
    if dated(text):
        return 0.0
    set_in = 0
    for x, c in zip(sentences, clauses, strict=True):
        if c[0] not in ("def", "indef", "state", "bare") or person(x, c[1]) or _measure_subject(x, c[1]):
            continue
        if c[0] == "bare" and not _present_verb(c[1]):
            continue  # a bare subject may be a name; in the narrative present it is a thing of the scene
        after = x.split(c[1], 1)[1] if c[1] and c[1] in x else ""
        if (c[0] != "state" and placed_setting(after)) or state_change(x):
            # a second subject counts in a setting only: "The king died, and the queen ruled" is a report
            if new_subject(text):
                return 1.0
            set_in += 1
    # two sentences each setting the scene ("Mist rises off the lake. The boathouse is dark.")
    return min(1.0, 0.5 * set_in)


def _present_verb(verb: str) -> bool:
    """The -s of the narrative present (not -ss / -us / -'s)."""
    v = verb.lower()
    return len(v) > 3 and v.endswith("s") and not v.endswith(("ss", "us", "is", "'s", "’s"))


def _measure_subject(sentence: str, verb: str) -> bool:
    """The subject is a noun of a measure or a part with "of" ("the price of wheat", "the rest of the
    crew"): an abstraction a speaker reports, not a thing set in a scene."""
    head = sentence.split(verb, 1)[0] if verb else sentence
    return bool(re.search(r"\b\w+\s+of\b", head))
