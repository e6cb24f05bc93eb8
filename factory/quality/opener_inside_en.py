"""The assistant's opener after an in-character opening: "Hull breach on deck four. Of course! Here's
a brief overview of …", "Sit ye down. That's a wonderful question! I'd be glad to …".

A writer who keeps the first sentence in character still lets the service reply begin at the next
one, so the opener (praise of the question, or an assent followed at once by a presentation) is read
at every sentence start, not only the line's. A bare presentation inside the line ("Listen, all of
you. Here's a quick summary: we leave at midnight.") is the scene's own business, and is read only
at the line start.
"""

from __future__ import annotations

import re

_SENT_START = re.compile(r"[.!?]\s+(?=\W*[A-Z])")
_BARE_PRESENTATION = re.compile(r"\W*(?:here|below)\b", re.I)


def opener_inside(text: str, opener: re.Pattern) -> tuple[int, re.Match | None]:
    """The offset of the first sentence inside `text` that `opener` (anchored at ^) reads as an
    assistant's opener other than a bare presentation, with its match on the rest; else (0, None)."""
    for start in _SENT_START.finditer(text):
        m = opener.search(text[start.end() :])
        if m and not _BARE_PRESENTATION.match(m.group(0)):
            return start.end(), m
    return 0, None
