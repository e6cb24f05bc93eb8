"""Is what a model extracted really in the chunk? Quotes, plot citations, speakers and narration.

Speech is matched against the chunk's quoted spans, not its whole text, so narration passed off as
speech fails; a quote the book splits around a speech tag ("I won't," she said, "not tonight.") is
matched by the run of spans joined, so the model may join the halves. A screenplay has no quote
marks: there every line (its `NAME:` cut off) is a candidate. The score is rapidfuzz's
partial_ratio of the speech inside a candidate at least as long (else plain ratio, so a short real
"Yes." cannot vouch for a long invented speech). Actions and thoughts are the model's wording of the
narration, not quotes: most of their content words must occur in the chunk.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from factory.lang import HAN_RE, QUOTE_PAIRS, has_han

_QUOTES = re.compile(
    "|".join(f"{re.escape(a)}([^{re.escape(b)}\\n]*){re.escape(b)}" for a, b in QUOTE_PAIRS.items())
)
_SCRIPT_NAME = re.compile(
    r"^\s*[A-Z][A-Z .'\-]{1,40}(?:\([^)]*\))?\s*[:：]\s*|^\s*[\u4e00-\u9fff]{1,6}\s*[:：]\s*"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
_STOP = {
    "the",
    "and",
    "her",
    "his",
    "she",
    "him",
    "they",
    "them",
    "was",
    "were",
    "with",
    "that",
    "this",
    "from",
    "for",
    "not",
    "but",
    "had",
    "has",
    "have",
    "are",
    "into",
    "onto",
    "then",
    "than",
    "their",
    "there",
    "what",
    "when",
    "who",
    "would",
    "could",
    "about",
    "again",
    "over",
    "under",
    "out",
    "all",
    "its",
    "one",
}


@dataclass(frozen=True)
class Check:
    ok: bool
    score: float
    reason: str = ""


def _norm(text: str) -> str:
    """Case, punctuation and spacing do not count; Chinese is compared without spaces at all."""
    from rapidfuzz.utils import default_process  # imported when a book is checked, not with the recipe

    out = re.sub(r"\s+", " ", default_process(text.replace("’", "'").replace("‘", "'"))).strip()
    return out.replace(" ", "") if has_han(out) else out


@cache
def speech_candidates(chunk: str) -> tuple[str, ...]:
    """Quoted spans, and every run of consecutive spans in one paragraph joined; lines for a script."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", chunk):
        spans = [next(g for g in m.groups() if g is not None) for m in _QUOTES.finditer(para)]
        for i in range(len(spans)):
            for j in range(i + 1, len(spans) + 1):
                out.append(" ".join(spans[i:j]))
    if not out:  # a screenplay or unquoted dialogue: each line and each paragraph
        lines = [_SCRIPT_NAME.sub("", x) for x in chunk.splitlines() if x.strip()]
        out = lines + [" ".join(p.split("\n")) for p in re.split(r"\n\s*\n", chunk)]
    return tuple(n for n in (_norm(c) for c in out) if n)


def _score(speech: str, candidate: str) -> float:
    from rapidfuzz import fuzz

    if len(candidate) >= len(speech):
        return fuzz.partial_ratio(speech, candidate)
    return fuzz.ratio(speech, candidate)


def check_speech(speech: str, chunk: str, threshold: float) -> Check:
    s = _norm(speech)
    if not s:
        return Check(False, 0.0, "empty_speech")
    best = max((_score(s, c) for c in speech_candidates(chunk)), default=0.0)
    return Check(best >= threshold, round(best, 1), "" if best >= threshold else "quote_not_in_text")


def check_citation(first: str, last: str, chunk: str, threshold: float) -> Check:
    """A plot cites the first and last sentence it covers: both in the chunk, the first not after the last."""
    text = _norm(chunk)
    a, b = _norm(first), _norm(last)
    if not a or not b:
        return Check(False, 0.0, "plot_without_citation")
    from rapidfuzz import fuzz

    ra, rb = fuzz.partial_ratio_alignment(a, text), fuzz.partial_ratio_alignment(b, text)
    score = min(ra.score if ra else 0.0, rb.score if rb else 0.0)
    if score < threshold:
        return Check(False, round(score, 1), "plot_citation_not_in_text")
    if ra.dest_start > rb.dest_start:
        return Check(False, round(score, 1), "plot_citation_out_of_order")
    return Check(True, round(score, 1))


def content_words(text: str) -> set[str]:
    """Words that carry content, cut to a stem (Chinese: jieba's words of two characters or more)."""
    if has_han(text):
        import jieba  # loaded only for Chinese text

        jieba.setLogLevel(logging.WARNING)
        return {w for w in jieba.lcut(text) if len(w) >= 2 and HAN_RE.search(w)}
    return {w.lower()[:5] for w in _WORD.findall(text) if w.lower() not in _STOP}


def check_narration(text: str, chunk: str, share: float) -> Check:
    """An action or thought: at least `share` of its content words occur in the chunk."""
    words = content_words(text)
    if not words:
        return Check(True, 100.0)
    found = content_words(chunk)
    got = len(words & found) / len(words)
    if has_han(text) and got < share:  # jieba may cut the two texts differently: fall back to characters
        chars = set(HAN_RE.findall(text))
        got = max(got, len(chars & set(HAN_RE.findall(chunk))) / max(len(chars), 1) - 0.2)
    ok = got >= share
    return Check(ok, round(100 * got, 1), "" if ok else "narration_not_in_text")


def check_speaker(name: str, chunk: str, aliases: list[str]) -> Check:
    """The speaker is named in the chunk (by the name, an alias or a part of the name)."""
    text = chunk.lower()
    parts = [name, *aliases, *re.split(r"[\s·]+", name)]
    ok = any(len(p) >= (2 if has_han(p) else 3) and p.lower() in text for p in parts)
    return Check(ok, 100.0 if ok else 0.0, "" if ok else "speaker_not_in_text")
