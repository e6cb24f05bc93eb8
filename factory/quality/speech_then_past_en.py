"""Speech, then the speaker told from outside in the past: "Here, drink this. She pressed the cup to
his lips, and for a moment the guns fell quiet." / "Fence is down. He spat into the dirt, pulled his
hat low and swung into the saddle."

A character telling a story of someone names them first ("Don't trust Tom. He lied, stole my horse
and left") or tells its own past in the speech; a narrator's he / she has no one to point back to
but the speaker. So: speech in the present (no past verb, no third person or name, no quote), then a
sentence whose subject is a bare he / she with a chain of past actions (two past verbs at least),
no first or second person in it: the narrator telling what the speaker did next.
"""

from __future__ import annotations

import re

from factory.quality.epithet import EN_IRREGULAR

_PAST = rf"(?:[a-z]+ed|{EN_IRREGULAR})"
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_OPENS_PAST = re.compile(rf"^\W*(?-i:He|She)\s+(?:\w+ly\s+)?{_PAST}\b")
_PAST_WORD = re.compile(rf"\b(?:{_PAST}|was|were)\b", re.I)
_CHAIN = re.compile(rf"(?:,\s*|\band\s+)(?:\w+ly\s+)?{_PAST}\b")
_PERSON_1_2 = re.compile(r"\b(?:I|me|my|mine|we|us|our|you|your|yours)\b", re.I)
_THIRD = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their)\b|[\x22“”]", re.I)
# a name inside a sentence of the speech ("Don't trust Tom."): someone for he / she to point back to
_NAMED = re.compile(r"(?<!^)\b(?!I\b)(?-i:[A-Z])[a-z]+")


def speech_then_past(text: str) -> str | None:
    """The narrated sentence when `text` (English) is present speech followed by the speaker's actions
    told by a narrator, else None."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    for i, s in enumerate(sentences[1:], 1):
        if not _OPENS_PAST.match(s):
            continue
        if _PERSON_1_2.search(s) or not _CHAIN.search(s):
            return None
        before = " ".join(sentences[:i])
        if _THIRD.search(before) or _PAST_WORD.search(before) or any(_NAMED.search(x) for x in sentences[:i]):
            return None
        return s
    return None
