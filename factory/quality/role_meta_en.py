"""A role framed as a performance by the words around it, not by its name: "Staying in my role as an
elf ranger, I advise …", "As the vampire Count in this story, I'll respond …", "As a WWI nurse
character, my response would be …", "I'll answer as your Irish grandmother would", "In the voice of a
Roman matron, I might say …", "My character, Rosa, would …", "(Gus, the bush pilot, speaking)",
"[Rex Calloway voice]", "Vance's response:".

Each frame carries a word no character uses of its own life: the role as a role kept or played
("my role", "the part of"), the story it sits in ("in this story"), the noun "character" after a
described role, the speaker's words as what a described person "would" answer, or a script label
giving the speaker's voice. A frame after an in-character opening counts as well: the sentence
boundary, not the line start, anchors it. The office held in plain words ("As a nurse, I'd say …",
"In my role as magistrate, I sentence you") carries none of these and stays.
"""

from __future__ import annotations

import re

# a described role: a determiner and up to six words, never a clause ("a man who …")
_NP = r"(?:a|an|the|your)\s+(?:(?!(?:who|that|which|and)\b)[\w'’-]+\s+){0,6}?"
# the speaker going on with a hedged or future verb of saying or doing, or "my response would be"
_SAY = (
    r"(?:I\s+(?:reckon|think|guess|suppose)\s+)?(?:I['’]d|I would|I might|I['’]ll|I will|I shall|let me|allow me to"
    r"|I\s+(?:advise|must say)|my (?:response|answer|reply|reaction) (?:would|will|might) be)\b"
)
_FRAMES = re.compile(
    # the role kept or taken on as a role: "Staying in my role as …", "playing the part of …, I'd …"
    r"\b(?:stay|staying|remain|remaining|keep|keeping) in (?:my|the) (?:role|part)\b"
    rf"|\b(?:in my (?:role|part)|(?:playing|taking on|assuming|portraying) the (?:role|part)) (?:as|of) {_NP}[\w'’-]+"
    rf"(?:\s+here)?\s*,\s*(?:{_SAY}|I\s+(?:reckon|think)\b)"
    # the role set in the story or called a character: "as the Count in this story,", "as the Laird character,"
    r"|\bas (?:a|an|the|your)\s+(?:[\w'’-]+\s+){1,6}?(?:character|in (?:this|the|our) "
    r"(?:story|scene|roleplay|role-play|game|scenario|narrative|tale))\s*,"
    # the words as what a described person would answer: "I'll answer as your Irish grandmother would"
    r"|\b(?:answer|respond|reply|speak|talk)(?:ing)? as (?:a|an|the|your)\s+[\w'’-]+\s+(?:[\w'’-]+\s+){0,4}?(?:would|might)\b"
    # the voice of a described role as the frame: "In the voice of a Roman matron, I might say"
    rf"|\bin the voice of {_NP}[\w'’-]+\s*(?::|,\s*{_SAY})"
    # the speaker's character by an appositive: "My character, Rosa, would …"
    r"|\bmy character,\s*(?-i:[A-Z])[\w'’-]*(?:\s+[\w'’-]+){0,2},\s*(?:would|might|will|could)\b"
    # a label presenting the next words as someone talking: "Okay, here's Mister Buttons talking:"
    r"|\bhere(?:['’]s| is) (?-i:[A-Z])[\w'’.-]*(?:\s+(?-i:[A-Z])[\w'’.-]*){0,2} (?:talking|speaking|responding|answering)\s*:"
    # a role held "in my role": "(That's how a prospector in my role would react.)"
    r"|\bin my role (?:would|might)\b",
    re.I,
)


def _name_labels(names: frozenset[str]) -> re.Pattern | None:
    """Script labels naming the character as the voice: "(Gus, the pilot, speaking)", "[Rex voice]",
    "(in Nurse Carrow's gentle voice)", "Vance's response:" at a sentence start."""
    alt = "|".join(sorted((re.escape(n) for n in names if n), key=len, reverse=True))
    if not alt:
        return None
    return re.compile(
        rf"[(\[]\s*(?:in\s+)?(?:(?-i:[A-Z])[\w.]*\s+)?(?:{alt})(?:\s*,[^()\[\]\n]{{1,40}},)?['’]?s?\s+"
        rf"(?:[a-z]+\s+){{0,2}}?(?:voice|speaking|talking)\s*[)\]]"
        rf"|(?:^|[.!?]\s+)\W*(?:{alt})['’]s (?:response|answer|reply)\s*:",
        re.I,
    )


def performance_frame(text: str, names: frozenset[str] = frozenset()) -> str | None:
    """The framing span when `text` (English) frames its words as a role being played, else None."""
    m = _FRAMES.search(text)
    if m:
        return m.group(0)
    labels = _name_labels(names)
    m = labels.search(text) if labels else None
    return m.group(0).lstrip(" .!?") if m else None
