"""English illeism: the character's name as a subject, spoken by the character itself.

The name-as-subject check (factory/quality/selfname.py) reads "X did…" as narration. A speaker also
says its own name as a subject, and the sentence around the name shows it:

- hearsay answered: a parenthetical or trailing report ("X, they say, is a coward", "…, the papers
  say.") — the line is about what others say of the character;
- an echo question ("X hanged?"): someone else's words handed back;
- the name as a kind after a / an / every ("A Grierson does not beg"): a family, not the person;
- a discourse interjection opening the name's sentence ("All right, X got caught once"): a speaker
  conceding.

And one shape the creed exemption ("X fears no man") must not cover: a past event ("X said
nothing") or a clause that takes the name up again with he / she ("X has no wish to…; he regards…")
is a narrator telling of the character.
"""

from __future__ import annotations

import re

from factory.quality.epithet import EN_IRREGULAR
from factory.quality.narration import EN_VERB

_PAST = re.compile(rf"{EN_IRREGULAR}|[a-z]+ed", re.I)
_TAKEN_UP = re.compile(rf"[.;]\s+(?:he|she)\s+(?:\w+ly\s+)?(?:{EN_VERB})\b", re.I)
HEARSAY = re.compile(
    r",\s*(?:the \w+|they|people|folks|everyone|everybody|some)\s+(?:say|says|said|write|writes|claim|claims)"
    r"\s*[,.;—]",
    re.I,
)
_CONCEDE = re.compile(
    r"(?:^\s*|[.!?]\s+)(?:(?:all right|alright|okay|ok|well|oh|ah|fine|aye|yes|no|very well)\s*,\s*)+"
    r"(?:\w+\s+)?$",
    re.I,
)
_KIND = re.compile(r"\b(a|an|every|no|another)\s+$", re.I)


def spoken_name(text: str, before: str, name_end: int) -> bool:
    """The name ending at `name_end` of `text` (`before`: the text before it, titles removed) is the
    speaker's illeism by the sentence around it."""
    if _CONCEDE.search(before) or _KIND.search(before) or HEARSAY.search(text):
        return True
    end = re.search(r"[.!?]", text[name_end:])
    return bool(end and end.group(0) == "?")


def narrated_despite_creed(text: str, verb: str, verb_end: int) -> bool:
    """ "X <verb> no…" is no creed: the verb is past, or he / she takes the name up after it."""
    return bool(_PAST.fullmatch(verb) or _TAKEN_UP.search(text, verb_end))
