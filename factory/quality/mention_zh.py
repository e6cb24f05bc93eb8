"""Chinese: a listed phrase mentioned, not used — the speaker's own words taken up as words.

"我很乐意帮您！——我的鼻子没变长，说明这句是真的" says the phrase and then points at it as a
sentence said (这句, 这话, 刚才那句): the phrase is an object of the scene (a test, a joke, an oath
examined), which no help desk does with its own formula. The pointer is a demonstrative with a noun
of utterance after the phrase, in the same line.
"""

from __future__ import annotations

import re

_POINTER = re.compile(r"(?:这|那|刚才那|方才那|上面那)(?:一)?(?:句话?|话)(?![题])")


def mentioned_after(text: str, end: int) -> bool:
    """A later part of `text` (after the phrase ending at `end`) points at words said (这句…)."""
    return bool(_POINTER.search(text, end))
