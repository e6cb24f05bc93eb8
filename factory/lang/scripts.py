"""Scripts: the one Han range and the script of every letter (exact, no model)."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

# The one Han range: Ext-A (3400-4DBF) and the unified block (4E00-9FFF), the compatibility
# ideographs (F900-FAFF) and the supplementary planes (Ext-B..H and the compatibility supplement,
# 20000-3FFFF), as script_of's block table has them. A character class body, to embed in patterns.
HAN = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
HAN_RE = re.compile(f"[{HAN}]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")  # without × and ÷
# Any letter that is neither Han nor basic Latin: absent from almost every en/zh line, so the
# per-character lookup below runs only on the lines that need it.
_OTHER_LETTER = re.compile(rf"[^\W\d_A-Za-z\u00c0-\u024f{HAN}]")

# Letters outside Han and basic Latin, by block: (first, last, script). Sorted by first code point.
_SCRIPT_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x00AA, 0x02AF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1C80, 0x1C8F, "Cyrillic"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x2DE0, 0x2DFF, "Cyrillic"),
    (0x3005, 0x3007, "Han"),
    (0x3040, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hangul"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x9FFF, "Han"),
    (0xA640, 0xA69F, "Cyrillic"),
    (0xAC00, 0xD7FF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0xFF21, 0xFF5A, "Latin"),
    (0xFF66, 0xFF9F, "Kana"),
    (0xFFA0, 0xFFDC, "Hangul"),
    (0x20000, 0x3FFFF, "Han"),
)
_BLOCK_STARTS = [b[0] for b in _SCRIPT_BLOCKS]


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
    counts = {"Han": len(HAN_RE.findall(text)), "Latin": len(_LATIN_LETTER.findall(text))}
    for ch in _OTHER_LETTER.findall(text):
        if ch.isalpha():  # \w also matches numerals such as ² and Ⅻ
            script = script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    return counts


def cjk_share(text: str) -> tuple[float, int]:
    """(share of Han characters among Han + Latin letters, number of those letters)."""
    cjk = len(HAN_RE.findall(text))
    total = cjk + len(LATIN_RE.findall(text))
    return (cjk / total if total else 0.0), total


def has_han(text: str) -> bool:
    return HAN_RE.search(text) is not None
