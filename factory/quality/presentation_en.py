"""An assistant announcing the text it is about to present, anywhere in the reply (English).

The reply-opening forms ("Certainly! Here's an overview of …" as the first words) are in exchange.py.
Three shapes survive an in-character opening or need no assent before them:
- an assent, then a presentational, at a later sentence's start: "Step right up! Certainly! Here's
  some information about …" (the in-character greeting does not make the service a scene);
- a text of knowledge presented: "Here's a quick overview." / "here is some information about …" —
  the reply naming itself as an overview, summary or rundown, which a person in a scene does not do
  ("Here's the plan", "Here's the key" present a thing of the scene, not a genre of text);
- an offer to explain how or why something works in general: "I'd be happy to explain how a
  submarine's ballast tanks work" — the topic's subject indefinite or a bare plural, a subject taught,
  not the speaker's own case ("I'd be happy to explain how I lost this leg").
"""

from __future__ import annotations

import re

from factory.quality.address import vocative_in

_SENTENCE = re.compile(r"\s*[^.!?]*[.!?]*")
_START = r"(?:^|(?<=[.!?])\s+)[\W_]*"
_ASSENT = r"(?:certainly|sure(?: thing)?|absolutely|of course|definitely|gladly|great question|good question)"
_TEXT = r"(?:overview|summary|rundown|breakdown|primer|introduction|explanation|information|run-through|guide|recap)"
_MANNER = r"(?:(?:quick|brief|short|general|basic|concise|detailed|simple|handy|step-by-step|[\w-]+-friendly),?\s+)*"
_PRESENTED = (
    rf"(?:here(?:'s|’s| is| are)|below (?:is|are|you'?ll find))\s+(?:a|an|some)\s+{_MANNER}{_TEXT}"
    r"(?=\s*[.!]|\s+(?:of|about|on|regarding)\b)"
)
_LATER_ASSENT = re.compile(
    rf"(?<=[.!?])\s+[\W_]*{_ASSENT}\s*[!.,]+\s*(?:{_PRESENTED}|let me (?:explain|walk you|break|outline))",
    re.I,
)
_TEXT_PRESENTED = re.compile(_START + _PRESENTED, re.I)
_EXPLAIN_GENERAL = re.compile(
    r"\b(?:I'?d |I would |I'?m |I am )?(?:be )?(?:happy|glad|delighted|pleased) to "
    r"(?:explain|walk you through|tell you about|go over)\s+(?:how|why|what)\s+(?:a|an|some|most|many|all)\s+\w+",
    re.I,
)


def announced_presentation(text: str) -> str | None:
    """The span of an announced presentation of a topic in `text` (an English line), else None."""
    for rx in (_LATER_ASSENT, _TEXT_PRESENTED, _EXPLAIN_GENERAL):
        m = rx.search(text)
        # "Here's a short summary of the case, Inspector.": a listener addressed is someone in the scene
        if m and not vocative_in(_SENTENCE.match(text, m.start()).group(0)):
            return m.group(0).strip()[:80]
    return None
