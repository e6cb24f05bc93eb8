"""Language: a line in another script, or in the right script but another language."""

from __future__ import annotations

import re

from factory import lang
from factory.lang.detect import MODEL_MIN_CONFIDENCE as MODEL_FLOOR
from factory.quality.foreign_latin_en import switched_sentence
from factory.quality.text import script_counts, spoken_text

MODEL_MIN_CONFIDENCE = 0.8  # a Latin-script line the language model gives another language with this much
MODEL_MIN_WORDS = 4
BARE_MIN_WORDS = 6  # words of a line with no English function word for the model's lower threshold
# English function words: a line where they are a quarter of the words is English without asking the
# model (the common case, and the model is a third of the format checks' time)
EN_FUNCTION = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "my",
        "your",
        "his",
        "her",
        "our",
        "their",
        "me",
        "him",
        "us",
        "them",
        "this",
        "that",
        "not",
        "no",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "shall",
        "should",
        "what",
        "who",
    }
)
_EN_WORD = re.compile(r"[A-Za-z']+")
EXPECTED_SCRIPT = lang.SCRIPTS
_MIN_LETTERS = 6  # fewer letters say nothing about the language ("OK!", "嗯嗯")
# Japanese shares Han with Chinese; kana tells them apart. Japanese prose is ~60-80% kana (kanji-dense
# text ~40%); a Chinese line borrows one kana (の) or a short quoted phrase at most.
_KANA_MAKES_JAPANESE = 0.3
# In a Chinese line a Latin word is one word among Han words (这个case我们再sync一下): counted by the
# letter, "sync" would weigh as much as four Han characters. A Chinese word is ~1.5 characters, so
# a Latin word counts as that many Han letters: code-switched office Chinese stays Chinese, a whole
# English sentence (nine words, no Han syntax around it) still is not.
_ZH_LATIN_WORD_WEIGHT = 1.5
# Function words no Romance or Germanic neighbour spells the same way (not a, no, me, on, in, die…)
_EN_ONLY = EN_FUNCTION - {
    "a",
    "no",
    "me",
    "on",
    "an",
    "in",
    "do",
    "he",
    "be",
    "am",
    "will",
    "is",
    "was",
    "hat",
}
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
# A run of Latin words with only spaces between them: one stretch of the other language in the line
_LATIN_RUN = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*(?:[ \t]+[A-Za-z]+(?:['’-][A-Za-z]+)*)*")
# Code-switching: a run this short with no English function word (OK, music please, sync) is an
# interjection, loan or set phrase inside Chinese syntax; an English clause has its function words
# (I will never…) or runs longer. A Chinese line whose every Latin run is such a word stays Chinese.
_EMBEDDED_RUN_WORDS = 3
_MIN_HAN_AROUND = 4


def wrong_script(text: str, language: str, min_share: float) -> str | None:
    """Why a line is not in the dataset's script, naming the script found, or None.

    Letters of every script count, so a Russian, Korean or Arabic line fails as surely as a Chinese one
    in an English dataset, while a stray foreign name stays under the share that `min_share` allows.
    """
    expected = EXPECTED_SCRIPT.get(language)
    if expected is None:
        return None
    counts = script_counts(text)
    if sum(counts.values()) < _MIN_LETTERS:
        return None
    if lang.is_zh(language) and counts.get("Latin"):
        embedded = _only_embedded_latin(text) and counts.get("Han", 0) >= _MIN_HAN_AROUND
        counts["Latin"] = 0 if embedded else round(len(_LATIN_WORD.findall(text)) * _ZH_LATIN_WORD_WEIGHT)
    total = sum(counts.values())
    kana = counts.get("Kana", 0) / total
    if lang.is_zh(language) and kana >= _KANA_MAKES_JAPANESE:
        return f"Japanese ({kana:.0%} of letters are kana), expected Han"
    share = counts.get(expected, 0) / total
    if share >= min_share:
        return None
    found = max((k for k in counts if k != expected), key=counts.__getitem__)
    name = "Japanese kana" if found == "Kana" else found
    return f"mostly {name} ({counts[found] / total:.0%} of letters), expected {expected} ({share:.0%})"


def _only_embedded_latin(text: str) -> bool:
    """Every Latin run of a Chinese line is a short word group with no English function word."""
    for run in _LATIN_RUN.findall(text):
        words = [w.lower() for w in _LATIN_WORD.findall(run)]
        if len(words) > _EMBEDDED_RUN_WORDS or any(w in EN_FUNCTION for w in words):
            return False
    return True


def wrong_language(text: str, language: str) -> str | None:
    """A line in the right script but another language (French in an English set), or None.

    The language model (factory/lang/) must be sure and the line long enough: a character's
    "Ach, Gott im Himmel!" inside English speech stays English.
    """
    if language != "en":
        return None  # Chinese: script decides (Han, kana, hangul), see wrong_script
    speech = spoken_text(text) or text
    words = [w.lower() for w in _EN_WORD.findall(speech)]
    if len(words) < MODEL_MIN_WORDS or sum(w in _EN_ONLY for w in words) * 4 >= len(words):
        return None
    switched = switched_sentence(speech, _english, _EN_ONLY)  # English, then on in another language
    if switched:
        return f"a sentence in another language after the opening one: {switched[:60]}"
    if any(_english(s) for s in _SENTENCE.findall(speech)):
        return None  # 'Je suis la dame aux camélias! That's what I told him.': quoted in an English frame
    g = lang.guess(speech)
    # a long line without one English function word needs the model's own threshold only: the model
    # hesitates between neighbours (es / pt / gl), not over whether the line is English
    bare = len(words) >= BARE_MIN_WORDS and not any(w in EN_FUNCTION for w in words)
    need = MODEL_FLOOR if bare else MODEL_MIN_CONFIDENCE
    if g is None or g.by != "model" or g.language == "en" or g.confidence < need:
        return None
    return f"reads as {g.language} ({g.confidence:.0%} sure), expected en"


def _english(sentence: str) -> bool:
    """A sentence of four words or more, a third of them English function words."""
    words = [w.lower() for w in _EN_WORD.findall(sentence)]
    return len(words) >= 4 and sum(w in _EN_ONLY for w in words) * 3 >= len(words)
