"""How a text is put together per dataset language: its key, punctuation, quote marks, small words."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "zh")  # the dataset languages a recipe can ask for; the first is the default
SCRIPTS = {"en": "Latin", "zh": "Han"}  # the script each dataset language is written in


def lang_key(language: str) -> str:
    """The dataset language a code falls under ("zh", "zh-CN", "zh-Hant" -> "zh"; anything else "en"):
    the key of every per-language table and prompts/ folder."""
    return "zh" if language.startswith("zh") else "en"


def is_zh(language: str) -> bool:
    return lang_key(language) == "zh"


def pick(language: str, en: str, zh: str) -> str:
    """The English or the Chinese form of a phrase, by `language` (the inline `a if zh else b`)."""
    return zh if is_zh(language) else en


@dataclass(frozen=True)
class Punctuation:
    colon: str  # after a speaker label: "Name: text" / "名字：文字"
    list_sep: str  # between the items of a list
    clause_sep: str  # between clauses of one sentence
    space: str  # between sentences: Chinese writes none
    aside: tuple[str, str]  # around a parenthetical after a word: " (x)" / "（x）"


PUNCTUATION = {
    "en": Punctuation(": ", ", ", "; ", " ", (" (", ")")),
    "zh": Punctuation("：", "、", "；", "", ("（", "）")),
}
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
