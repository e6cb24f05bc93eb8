"""A whole sentence in another script inside an English line.

An English line may carry a foreign word, a name or a quoted phrase ("Da, tovarishch," in Cyrillic
inside quotation marks): the share of letters stays with Latin, or the foreign words are someone's
words quoted. A reply that says one English sentence and then goes on, unquoted, in a full sentence
of Chinese (or Japanese, Korean, Cyrillic, Greek) has switched its language mid-reply, although the
line's letter share may still be mostly Latin: the switched sentence is read on its own.
"""

from __future__ import annotations

import re

from factory.quality.text import script_counts

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"\n]*\"|[(（][^)）]*[)）]|\*[^*]*\*")
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*")
# Scripts written one sign a syllable or a word: a few signs make a sentence (a polite formula of two
# short clauses, 请慢用，小心烫, is six or seven; a name or a four-sign idiom stays below)
_DENSE = frozenset({"Han", "Kana", "Hangul"})
_DENSE_MIN, _ALPHA_MIN, _SHARE = 6, 24, 0.9


def foreign_sentence(text: str) -> str | None:
    """The first unquoted sentence of `text` (an English line) written wholly in another script."""
    for s in _SENTENCE.findall(_QUOTED.sub(" ", text)):
        counts = script_counts(s)
        total = sum(counts.values())
        other = {k: v for k, v in counts.items() if k != "Latin"}
        if not total or not other:
            continue
        found = max(other, key=other.__getitem__)
        need = _DENSE_MIN if found in _DENSE else _ALPHA_MIN
        if other[found] >= need and other[found] / total >= _SHARE:
            return s.strip()
    return None
