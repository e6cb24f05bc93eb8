"""Function-word n-grams of an English line, for the learned model: the frame without the content.

A new writer brings new nouns and verbs but the same frame: "he turned to the ...", "as an ... I
...", "you can ... if you ...". Each word that belongs to a closed class (persons, determiners,
auxiliaries, prepositions, conjunctions, negation, wh-words) stays itself; every other word
becomes its coarse form (irregular past, -ed, -ing, -ly, -s, other), the name its mark,
punctuation stays. The tokens are 1-4-grams of that sequence with line start and end, so a
narrator's "^ he PAST to the W" is one feature for every story.
"""

from __future__ import annotations

from factory.quality.epithet import EN_IRREGULAR
from factory.quality.line_shape import EN_CLASS, EN_TOKEN

_PAST = frozenset(EN_IRREGULAR.split("|")) - EN_CLASS.keys()


def _form(tok: str, mark: str) -> str:
    if tok == mark:
        return "NAME"
    if tok in EN_CLASS or not tok[0].isalnum():
        return tok
    if tok.isdigit():
        return "NUM"
    if tok in _PAST:
        return "PAST"
    for suffix, cls in (("ing", "ING"), ("ed", "ED"), ("ly", "LY"), ("s", "S")):
        if len(tok) > len(suffix) + 2 and tok.endswith(suffix):
            return cls
    return "W"


def function_tokens(text: str, mark: str, n_max: int = 4) -> list[str]:
    """1..n_max-grams of the line's function words and content forms; `text` is already normalised
    and lowercased (learned.normalise)."""
    seq = ["^", *(_form(t, mark) for t in EN_TOKEN.findall(text)), "$"]
    return [" ".join(seq[k : k + n]) for n in range(1, n_max + 1) for k in range(len(seq) - n + 1)]
