"""A whole sentence in another Latin-script language after English speech.

The line-level check (language_check.wrong_language) lets a line go when one sentence of it is
English: "Je suis la dame aux camélias! That's what I told him." quotes French in an English frame.
A reply that speaks English first and then goes on in a long sentence of French or Portuguese with
no word only English spells has switched language mid-reply: nothing after it frames it as words
said. So: a sentence after the first (an English one, or a short call such as "Fuel's good."), unquoted, long (seven words or more), with no English-only
function word, that the language model gives another language with confidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from factory import lang

_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|[(][^)]*[)]|\*[^*]*\*")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_MIN_WORDS = 7
_MIN_CONFIDENCE = 0.8


def switched_sentence(text: str, english: Callable[[str], bool], en_only: Collection[str]) -> str | None:
    """The first long sentence of another Latin-script language after the opening sentence of `text`,
    else None (the caller has already found the line not foreign as a whole). `english` says whether a sentence is English; `en_only` are English-only words."""
    sentences = [s for s in _SENTENCE.findall(_QUOTED.sub(" ", text)) if _WORD.search(s)]
    for i, s in enumerate(sentences):
        words = [w.lower() for w in _WORD.findall(s)]
        if i == 0 or english(s) or len(words) < _MIN_WORDS or any(w in en_only for w in words):
            continue  # the first sentence may be quoted by the English after it
        g = lang.guess(s)
        if g is not None and g.by == "model" and g.language != "en" and g.confidence >= _MIN_CONFIDENCE:
            return s.strip()
    return None
