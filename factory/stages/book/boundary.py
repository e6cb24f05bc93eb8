"""What a character may know at a point of the story, and the lexical check that a text keeps to it.

The story so far for a chapter is every verified plot before it (TimeChara's point in the
timeline). A text written for that point "knows later" when it names a term the book has only
from that chapter on: a name (a word the book capitalises mid-sentence and never writes in lower
case: Marigold, Hale, Jonah), one of the book's speakers, or in Chinese a person's name (jieba's
tag, seen three times or more). One such term is enough: a profile or a
boundary answer that names the ship before it has come has learnt from the future. Common words
are no evidence (a later chapter is the first to say "lit" or "know"), so they are not counted.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import cache

from factory.lang import has_han, is_zh
from factory.stages.book.records import BookChunk, Plot

_CAP = re.compile(r"\b[A-Z][a-z]{2,}\b")
_OPENS = set(".!?\"“”'‘’()[]#*-—")  # after these (or a line start) a capital opens a sentence
_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")


def story_so_far(plots: list[Plot], chapter: int, character: str, language: str) -> str:
    """The plots before `chapter` as lines, with the character's state where the plot has it."""
    lines = []
    for p in plots:
        if p.chapter >= chapter:
            break
        me = next((c for c in p.characters if c.name == character), None)
        state = ""
        if me and me.state:
            state = f"（{character}：{me.state}）" if is_zh(language) else f" ({character}: {me.state})"
        lines.append(f"- {p.summary}{state}")
    return "\n".join(lines)


def _zh_terms(text: str) -> set[str]:
    """Person names jieba tags three times or more (once is too often a common word mis-tagged)."""
    import jieba  # loaded only for Chinese text
    import jieba.posseg as pseg

    jieba.setLogLevel(logging.WARNING)
    found = Counter(w for w, flag in pseg.cut(text) if len(w) >= 2 and flag == "nr")
    return {w for w, n in found.items() if n >= 3}


@cache
def _book_terms(texts: tuple[str, ...], names: tuple[str, ...]) -> set[str]:
    """The book's names: capitalised mid-sentence and never in lower case (en), tagged proper
    nouns (zh), and the given speakers' names."""
    whole = "\n".join(texts)
    if has_han(whole):
        return _zh_terms(whole) | {n for n in names if n}
    capital = set()
    for m in _CAP.finditer(whole):
        before = whole[: m.start()].rstrip(" \t")
        if before and before[-1] not in _OPENS and before[-1] != "\n":
            capital.add(m.group(0))
    lower = {w for w in _WORD.findall(whole) if w.islower()}
    return {w for w in capital if w.lower() not in lower} | {n for n in names if n}


def terms_in(text: str, terms: set[str]) -> set[str]:
    """Which of `terms` a text names (en: as a whole word, any case; zh: as a substring)."""
    if has_han(text):
        return {t for t in terms if t in text}
    low = text.lower()
    return {t for t in terms if re.search(rf"\b{re.escape(t.lower())}\b", low)}


def later_terms(chunks: list[BookChunk], chapter: int) -> set[str]:
    """The book's terms (its speakers' names among them) that first appear in `chapter` or after."""
    ordered = tuple(c.text for c in sorted(chunks, key=lambda c: c.index))
    terms = _book_terms(ordered, tuple(sorted({n for c in chunks for n in c.cast})))
    before = "\n".join(c.text for c in chunks if c.chapter < chapter)
    return terms - terms_in(before, terms)


def leaks(text: str, chunks: list[BookChunk], chapter: int, allowed: str = "") -> list[str]:
    """The terms `text` names that the book has only from `chapter` on (minus those in `allowed`,
    e.g. the question the answer replies to)."""
    later = later_terms(chunks, chapter)
    return sorted(terms_in(text, later) - terms_in(allowed, later))
