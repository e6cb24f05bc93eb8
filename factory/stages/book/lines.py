"""A chunk's paragraphs, its spoken lines and its cast, found without a model.

A model that retypes quotes invents some of them, and a small one invents most; so the reader finds
the spoken lines itself (the quoted spans of a paragraph, “…” "…" 「…」 joined; in a script, the
lines under a character cue, its parentheticals set apart) and numbers them, and the extractor only
says who speaks which line and what the narration around it shows. The cast, the names the book
gives its speakers, lets the extraction schema offer a closed list of speakers.
"""

from __future__ import annotations

import re
from collections import Counter

from factory.lang import QUOTE_PAIRS, has_han
from factory.sources.book import SLUGLINE
from factory.stages.book.records import SpokenLine

_QUOTES = re.compile(
    "|".join(f"{re.escape(a)}([^{re.escape(b)}\\n]*){re.escape(b)}" for a, b in QUOTE_PAIRS.items())
)
_BREAK = re.compile(r"^\s*(?:(?:[*＊]\s*){3,}|-{3,}|#|[~～]{3,})\s*$")
_CUE = re.compile(r"^\s*([A-Z][A-Z0-9 .'\-]{0,30}?)\s*(?:\((?:V\.O\.|O\.S\.|O\.C\.|CONT'D)\))?\s*$")
_INLINE_CUE = re.compile(r"^\s*([A-Z][A-Z .'\-]{0,30}|[\u4e00-\u9fff]{1,6})\s*[:：]\s*(.+)$")
_PAREN = re.compile(r"^\s*[(（]([^)）]*)[)）]\s*")
_TRANSITION = re.compile(r"^\s*(?:FADE|CUT|DISSOLVE|SMASH|MATCH)\b.*$|^.*\bTO:\s*$")
# "said Mara", "Mara asked": the names the book itself gives its speakers
_VERBS = r"said|says|asked|called|cried|shouted|whispered|murmured|replied|answered|snapped|laughed"
_TAG = re.compile(rf"\b(?:{_VERBS})\s+([A-Z][a-z]+)\b|\b([A-Z][a-z]+)\s+(?:{_VERBS})\b")
_NOT_NAMES = {"She", "He", "They", "It", "I", "We", "You", "The", "Then", "And", "But", "Nobody", "Someone"}


def paragraphs(text: str) -> list[str]:
    """The chunk's paragraphs, in order, without scene-break lines: what the prompt numbers."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip() and not _BREAK.match(p.strip())]


def _script_lines(k: int, para: str) -> list[SpokenLine]:
    rows = [x for x in para.splitlines() if x.strip()]
    cue = _CUE.match(rows[0])
    if cue and len(rows) > 1 and not SLUGLINE.match(rows[0]) and not _TRANSITION.match(rows[0]):
        parens = [m.group(1).strip() for x in rows[1:] if (m := _PAREN.fullmatch(x.strip()))]
        speech = " ".join(x.strip() for x in rows[1:] if not _PAREN.fullmatch(x.strip()))
        if speech:
            return [
                SpokenLine(
                    text=speech, paragraph=k, cue=cue.group(1).strip(), parenthetical="; ".join(parens)
                )
            ]
    out = []
    for row in rows:
        m = _INLINE_CUE.match(row)
        if m and not SLUGLINE.match(row) and not _TRANSITION.match(row):
            rest = m.group(2).strip()
            p = _PAREN.match(rest)
            speech = rest[p.end() :].strip() if p else rest
            if speech:
                out.append(
                    SpokenLine(
                        text=speech,
                        paragraph=k,
                        cue=m.group(1).strip(),
                        parenthetical=p.group(1) if p else "",
                    )
                )
    return out


def find_lines(text: str, script: bool) -> list[SpokenLine]:
    """The spoken lines of a chunk, in order: one per quoted paragraph (its spans joined, since a
    paragraph of prose is one speaker's), or per cue in a script."""
    out: list[SpokenLine] = []
    for k, para in enumerate(paragraphs(text)):
        if script:
            out += _script_lines(k, para)
            continue
        spans = [next(g for g in m.groups() if g is not None).strip() for m in _QUOTES.finditer(para)]
        spans = [s for s in spans if s]
        if spans:
            zh = has_han(spans[0])
            text = re.sub(r"[,，、]$", "。" if zh else ".", ("" if zh else " ").join(spans))  # "…," she said
            out.append(SpokenLine(text=text, paragraph=k))
    return out


def mark_lines(para: str, numbers: list[int], script: bool) -> str:
    """The paragraph with `L<n> ` written where each of its spoken lines starts (before the first
    quote mark, or before the cue in a script): the lines are numbered where they stand, not
    repeated in a list, so the prompt costs about what the passage does."""
    if not numbers:
        return para
    if not script:
        m = _QUOTES.search(para)
        return para if m is None else f"{para[: m.start()]}L{numbers[0]} {para[m.start() :]}"
    rows, todo = para.split("\n"), list(numbers)
    if _CUE.match(rows[0]) and len(rows) > 1 and not _INLINE_CUE.match(rows[0]):
        rows[0] = f"L{todo.pop(0)} {rows[0].lstrip()}"
    else:
        for i, row in enumerate(rows):
            if todo and _INLINE_CUE.match(row) and not SLUGLINE.match(row) and not _TRANSITION.match(row):
                rows[i] = f"L{todo.pop(0)} {row.lstrip()}"
    return "\n".join(rows)


_ZH_TAG = "说|问|道|喊|叫|答|笑道|低声道"


def tagged(para: str, names: dict[str, list[str]]) -> set[str]:
    """The names (of `names`, each with its aliases) a paragraph's speech tags give: "Mara said",
    "said Mara", "阿宁说"."""
    told = narration(para)
    out = set()
    for name, others in names.items():
        for n in (name, *others):
            e = re.escape(n)
            pat = rf"{e}(?:{_ZH_TAG})" if has_han(n) else rf"\b{e}\s+(?:{_VERBS})\b|\b(?:{_VERBS})\s+{e}\b"
            if re.search(pat, told):
                out.add(name)
    return out


def narration(para: str) -> str:
    """A paragraph without its quotes (or a script block without its cue): what it tells, not says."""
    return re.sub(r"\s{2,}", " ", _QUOTES.sub(" ", para)).strip(" ,，")


def find_cast(text: str, script: bool, known: list[str]) -> list[str]:
    """The names of speakers: the recipe's, a script's cues, prose speech tags ("said Mara") seen
    at least twice; Chinese prose has the recipe's names only (no tagger is trusted with them)."""
    names = list(known)
    if script:
        found = Counter(line.cue for line in find_lines(text, True))
        names += [n.title() for n in found]  # MARA -> Mara, as the recipe and the samples write it
    elif not has_han(text):
        found = Counter(a or b for a, b in _TAG.findall(text))
        names += [n for n, c in found.most_common() if c >= 2 and n not in _NOT_NAMES]
    seen: dict[str, str] = {}
    for n in names:
        seen.setdefault(n.lower(), n)
    return list(seen.values())
