"""Reading one role-play line the way the conventions intend.

A character line mixes speech, actions and sometimes narration:
  zh: 贝多芬：「你来了。」（他放下笔）  — speaker label, 「」 speech, （）action
  en: *puts down the pen* "You came."      — *action*, quoted speech
Actions (（…） (…) *…* 【…】 […]) may describe the character from outside: that is their job.
When quotes carry most of the speech, the unquoted, non-action rest is narration; otherwise the
whole non-action text is speech.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["speech", "action", "narration", "label"]

ACTION_PAIRS = {"（": "）", "(": ")", "*": "*", "【": "】", "[": "]"}
QUOTE_PAIRS = {"「": "」", "『": "』", "“": "”", '"': '"'}
_LABEL = re.compile(
    r"^\s*([A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*){0,2}|(?i:user|human|you|player|assistant|bot|char|narrator)"
    r"|\{\{\w+\}\}|<\w+>|[\u3400-\u9fff·]{1,6})\s*(?:（[^）]*）|\([^)]*\))?\s*[:：]\s*")
_NOT_LABEL = re.compile(r"^(?:Note|Look|Listen|Remember|Well|See|Now|Here|PS|P\.S\.|Answer|Reason|Example)$"
                        r"|^[\u3400-\u9fff·]*[我他她说道想觉问答讲注例][\u3400-\u9fff·]*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\d_\u3400-\u9fff\uf900-\ufaff]+|\d+")
_WORDY = re.compile(r"[^\W_]")
_OPEN = re.compile("[" + re.escape("".join(ACTION_PAIRS) + "".join(QUOTE_PAIRS)) + "]")
_SENTENCE_END = re.compile(r"[.!?…。！？~～,，]\s*$")
PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "of", "the", "bin", "ibn", "al"}


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str
    start: int  # offset in the line


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
        pieces.append(["outside", buf_start, i, buf_start, i])
        pieces.append([kind, i + 1, j, i, min(j + 1, n)])
        i = buf_start = j + 1
    pieces.append(["outside", buf_start, n, buf_start, n])
    quoted = sum(p[2] - p[1] for p in pieces if p[0] == "quote")
    spoken = sum(p[2] - p[1] for p in pieces if p[0] != "action" and _WORDY.search(text[p[1]:p[2]]))
    corner = any(p[0] == "quote" and text[p[3]] in "「『" for p in pieces)
    sentence = any(p[0] == "quote" and _SENTENCE_END.search(text[p[1]:p[2]]) for p in pieces)
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


def cjk_share(text: str) -> tuple[float, int]:
    """(share of Han characters among letters, number of letters)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    total = cjk + latin
    return (cjk / total if total else 0.0), total


# Letters outside Han and basic Latin, by block: (first, last, script). Sorted by first code point.
_SCRIPT_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x00AA, 0x02AF, "Latin"), (0x0370, 0x03FF, "Greek"), (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"), (0x08A0, 0x08FF, "Arabic"), (0x0900, 0x097F, "Devanagari"),
    (0x0E00, 0x0E7F, "Thai"), (0x10A0, 0x10FF, "Georgian"), (0x1100, 0x11FF, "Hangul"),
    (0x1C80, 0x1C8F, "Cyrillic"), (0x1E00, 0x1EFF, "Latin"), (0x1F00, 0x1FFF, "Greek"),
    (0x2DE0, 0x2DFF, "Cyrillic"), (0x3005, 0x3007, "Han"), (0x3040, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hangul"), (0x31F0, 0x31FF, "Kana"), (0x3400, 0x9FFF, "Han"),
    (0xA640, 0xA69F, "Cyrillic"), (0xAC00, 0xD7FF, "Hangul"), (0xF900, 0xFAFF, "Han"),
    (0xFB1D, 0xFB4F, "Hebrew"), (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"),
    (0xFF21, 0xFF5A, "Latin"), (0xFF66, 0xFF9F, "Kana"), (0xFFA0, 0xFFDC, "Hangul"),
    (0x20000, 0x3FFFF, "Han"),
)
_BLOCK_STARTS = [b[0] for b in _SCRIPT_BLOCKS]
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")  # without × and ÷
# Any letter that is neither Han nor basic Latin: absent from almost every en/zh line, so the
# per-character lookup below runs only on the lines that need it.
_OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


@functools.lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    """The script of one letter ("Latin", "Han", "Kana", "Hangul", "Cyrillic", ...).

    A block table covers the scripts a dataset is likely to meet; anything else is named by the
    first word of its Unicode name ("BENGALI LETTER KA" -> "Bengali"), so a detail still says what it saw.
    """
    cp = ord(ch)
    i = bisect.bisect_right(_BLOCK_STARTS, cp) - 1
    if i >= 0 and cp <= _SCRIPT_BLOCKS[i][1]:
        return _SCRIPT_BLOCKS[i][2]
    return unicodedata.name(ch, "other").split(" ", 1)[0].title()


def script_counts(text: str) -> dict[str, int]:
    """Letters per script. Han and Latin are counted by regex (the common case stays two C scans
    plus one that usually finds nothing); only other letters are looked up one by one."""
    counts = {"Han": len(_CJK.findall(text)), "Latin": len(_LATIN_LETTER.findall(text))}
    for ch in _OTHER_LETTER.findall(text):
        if ch.isalpha():  # \w also matches numerals such as ² and Ⅻ
            script = script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    return counts


def detect_language(text: str) -> str:
    share, total = cjk_share(text)
    return "zh" if total and share >= 0.3 else "en"


def name_variants(character: str, aliases: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The names a character can be called by: full name, aliases, and meaningful name parts."""
    names = [character.strip(), *[a.strip() for a in aliases]]
    for name in list(names):
        for part in re.split(r"[\s·•・.\-]+", name):
            if _CJK.search(part):
                if len(part) >= 2:
                    names.append(part)
            elif len(part) >= 3 and part.lower() not in PARTICLES:
                names.append(part)
    seen = dict.fromkeys(n for n in names if n)
    return sorted(seen, key=len, reverse=True)
