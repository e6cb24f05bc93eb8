"""Relativity reported as others' words, then rebutted by the speaker (English).

"Now, there's doctors who'll tell you everybody's different. Maybe so. But every one of 'em needs a
bottle of this." The hedge is someone else's (doctors, they, the books — a third party as the subject
of a verb of saying), and a later sentence opens on an adversative that sets the speaker's own rule
against it. A hedge handed to the listener names no other speaker, or comes back to "you" after it.
"""

from __future__ import annotations

import re

# a third party saying the relativity: "doctors who'll tell you", "they say", "folks will tell you"
_REPORTED = re.compile(
    r"\b(?:who|they|folks|people|some|others|many|doctors|experts|books|[A-Z][a-z]+)\s*(?:['’]ll|will|would|may|might|might well|'d|do|)\s*"
    r"(?:tell|tells|say|says|said|claim|claims|insist|insists)\b",
)
# a later sentence set against it: "But …", "Still, …", "Not …", "Wrong."
_AGAINST = re.compile(
    r"(?:^|(?<=[.!?;])\s+)(?:but|still|yet|not|wrong|nonsense|rubbish)\b[,.!]?\s*(?P<rest>[^.!?]*)", re.I
)
_HANDED_BACK = re.compile(r"\b(?:you|your|yours|depends|different|varies|up to)\b", re.I)


def rebutted(text: str, span: str, end: int) -> bool:
    """Generic `span` (ending at `end` in `text`) reports a third party's relativity and is rebutted."""
    if not _REPORTED.search(span):
        return False
    m = _AGAINST.search(text, end)
    return bool(m) and not _HANDED_BACK.search(m.group("rest"))
