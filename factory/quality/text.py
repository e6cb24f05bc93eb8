"""Reading one role-play line the way the conventions intend.

A character line mixes speech, actions and sometimes narration:
  zh: 贝多芬：「你来了。」（他放下笔）  — speaker label, 「」 speech, （）action
  en: *puts down the pen* "You came."      — *action*, quoted speech
Actions (（…） (…) *…* 【…】 […]) may describe the character from outside: that is their job.
When quotes carry most of the speech, the unquoted, non-action rest is narration; otherwise the
whole non-action text is speech.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from factory import lang
from factory.lang import HAN, cjk_share, name_variants, script_counts, script_of, zh_or_en

__all__ = [
    "cjk_share",
    "count_tokens",
    "detect_language",
    "name_variants",
    "script_counts",
    "script_of",
    "segments",
    "spoken_text",
    "Segment",
]
detect_language = zh_or_en  # the gate's name for it; factory/lang/ decides

Kind = Literal["speech", "action", "narration", "label"]

ACTION_PAIRS = {"（": "）", "(": ")", "*": "*", "【": "】", "[": "]"}
QUOTE_PAIRS = lang.QUOTE_PAIRS
_LABEL = re.compile(
    r"^\s*([A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*){0,2}|(?i:user|human|you|player|assistant|bot|char|narrator)"
    r"|\{\{\w+\}\}|<\w+>|[" + HAN + r"·]{1,6})\s*(?:（[^）]*）|\([^)]*\))?\s*[:：]\s*"
)
_NOT_LABEL = re.compile(
    r"^(?:Note|Look|Listen|Remember|Well|See|Now|Here|PS|P\.S\.|Answer|Reason|Example)$"
    r"|^[" + HAN + r"·]*[我他她说道想觉问答讲注例][" + HAN + r"·]*$"
)
_TOKEN = re.compile(f"[{HAN}]|[^\\W\\d_{HAN}]+|\\d+")
_WORDY = re.compile(r"[^\W_]")
_OPEN = re.compile("[" + re.escape("".join(ACTION_PAIRS) + "".join(QUOTE_PAIRS)) + "]")
_SENTENCE_END = re.compile(r"[.!?…。！？~～,，]\s*$")


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str
    start: int  # offset in the line


# A parenthesis of years alone, "(1702–1771)", "(b. 1950)": dates of the sentence, not an action
_DATES_ONLY = re.compile(r"\s*(?:born |b\. |c\. |ca\. |d\. )?\d{3,4}\s*(?:[–—-]\s*(?:c\. )?\d{0,4})?\s*")


def segments(line: str) -> list[Segment]:
    """Split a line into label / action / speech / narration segments (empty pieces dropped)."""
    return list(_segments(line))


@functools.lru_cache(maxsize=1024)  # the format and self-name checks read the same lines one after another
def _segments(line: str) -> tuple[Segment, ...]:
    out: list[Segment] = []
    pos = 0
    for raw in line.split("\n"):
        m = _LABEL.match(raw)
        if m and (m.group(1) in ("你", "您") or not _NOT_LABEL.match(m.group(1))):
            out.append(Segment("label", m.group(1), pos + m.start(1)))
            body_start = m.end()
        else:
            body_start = 0
        out.extend(_body(raw[body_start:], pos + body_start))
        pos += len(raw) + 1
    return tuple(out)


def _body(text: str, offset: int) -> list[Segment]:
    # pieces: [kind, inner start, inner end, raw start, raw end]; kind: action | quote | outside
    pieces: list[list] = []
    i, n, buf_start = 0, len(text), 0
    while True:
        m = _OPEN.search(text, i)
        if m is None:
            break
        i = m.start()
        ch = text[i]
        close, kind = ACTION_PAIRS.get(ch), "action"
        if close is None:
            close, kind = QUOTE_PAIRS[ch], "quote"
        j = text.find(close, i + 1)
        j = n if j < 0 else j  # unclosed: runs to the end (the format check reports it)
        if kind == "action" and j < n and _DATES_ONLY.fullmatch(text[i + 1 : j]):
            i = j + 1  # "(1702–1771)": a reference's dates, part of the sentence, no stage direction
            continue
        pieces.append(["outside", buf_start, i, buf_start, i])
        pieces.append([kind, i + 1, j, i, min(j + 1, n)])
        i = buf_start = j + 1
    pieces.append(["outside", buf_start, n, buf_start, n])
    quoted = sum(p[2] - p[1] for p in pieces if p[0] == "quote")
    spoken = sum(p[2] - p[1] for p in pieces if p[0] != "action" and _WORDY.search(text[p[1] : p[2]]))
    corner = any(p[0] == "quote" and text[p[3]] in "「『" for p in pieces)
    sentence = any(p[0] == "quote" and _SENTENCE_END.search(text[p[1] : p[2]]) for p in pieces)
    quotes_are_speech = corner or sentence or (quoted > 0 and quoted * 2 >= spoken)
    if not quotes_are_speech:  # quotation marks inside speech: one speech piece, marks included
        merged: list[list] = []
        for p in pieces:
            if p[0] == "quote":
                p = ["outside", p[3], p[4], p[3], p[4]]
            if merged and p[0] == "outside" == merged[-1][0]:
                merged[-1][2] = merged[-1][4] = p[4]
            else:
                merged.append(p)
        pieces = merged
    out = []
    for kind, a, b, _, _ in pieces:
        t = text[a:b]
        if not _WORDY.search(t):
            continue
        if kind == "action":
            out.append(Segment("action", t, offset + a))
        elif kind == "quote":
            out.append(Segment("speech", t, offset + a))
        else:
            out.append(Segment("narration" if quotes_are_speech else "speech", t, offset + a))
    return out


def spoken_text(line: str) -> str:
    """Speech and narration of a line (no actions, no speaker label), joined with spaces."""
    return " ".join(s.text for s in segments(line) if s.kind in ("speech", "narration"))


def count_tokens(text: str) -> int:
    """Han characters count one each, other words one each (what 'length' means per language)."""
    return len(_TOKEN.findall(text))
