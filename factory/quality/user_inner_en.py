"""The user's inside told for them in English: a compulsion, a feeling stated with certainty, the
user's own body trailing after their act.

A character may guess at what the user feels ("I bet you've never felt so free", "You feel it too,
don't you?"), but a line that states it ("you've never felt so free", "You can't help yourself —
you start dancing") writes the user's inner life, which only the user can tell. So does an
absolute construction of the user's body or steps after the user's act ("You walk into the hall,
your boots ringing on the tiles"): a narrator's device, set on the user.

Guesses, questions, conditions and the speaker's own I before it leave the line to the character.
"""

from __future__ import annotations

import re

# The user's compulsion: "you can't help yourself", then what the user does, in a clause of its own
_COMPULSION = re.compile(
    r"\b(?:you|ye) (?:can't|can’t|cannot|couldn't|couldn’t) help (?:yourself|it)\s*(?:[—–,;:-]|\.\.\.)\s*"
    r"(?:and\s+)?(?:you|ye)\s+(?:\w+ly\s+)?[a-z]+",
    re.I,
)
# A feeling stated as the user's, with certainty: "you've never felt so free", "you feel a rush of"
_FEELING = re.compile(
    r"\b(?:you(?:'ve|’ve| have)? never felt (?:so|more|this)\s+[a-z]+"
    r"|you (?:feel|felt) (?:a (?:rush|surge|wave|pang|thrill|shiver|chill|flutter|jolt) of|so\s+[a-z]+|[a-z]+er than ever))",
    re.I,
)
# The user's body or steps trailing the act: ", your footsteps echoing", ", your heart pounding"
_USER_ABSOLUTE = re.compile(
    r"^\s*(?:you|ye) [a-z]+\b[^.!?;]*?,\s*(?:your\s+(?:[a-z-]+\s+)?[a-z]+\s+[a-z]{3,}ing\b"
    r"|(?:the|a)\s+(?:[a-z-]+\s+)?[a-z]+\s+[a-z]{3,}ing\s+(?:(?:at|through|in|on)\s+)?your\b)",
    re.I,
)
# A sensation moving through the user's body: "a chill creeps up your spine", "a shiver runs down your back"
_SENSATION = re.compile(
    r"\b(?:shiver|chill|thrill|tingle|shudder|jolt|warmth|wave of \w+)\s+(?:\w+ly\s+)?(?:runs|creeps|crawls|"
    r"races|shoots|spreads|goes|washes|ripples)\s+(?:down|up|through|over|across)\s+your\b",
    re.I,
)
# A guess, a question tag, a condition or the speaker's own view keeps it the character's talk
_HEDGED = re.compile(
    r"\b(?:bet|guess|must|probably|perhaps|maybe|might|if|when|unless|whenever|wager|suppose|reckon|think|"
    r"don't you|didn't you|haven't you|aren't you|do you)\b|\bI\b|[?]",
    re.I,
)


def inner_told(sentence: str) -> bool:
    """`sentence` states the user's compulsion or feeling, or trails the user's body after their act."""
    if _HEDGED.search(sentence):
        return False
    found = _COMPULSION.search(sentence) or _FEELING.search(sentence) or _SENSATION.search(sentence)
    return bool(found or _USER_ABSOLUTE.match(sentence))
