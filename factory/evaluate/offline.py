"""Metrics that need no judge: diversity, assistant tone, self-naming, refusals, length, language.

Tone and self-name are the quality gate's own checks with the run's own settings (blacklist
additions and removals, aliases, from export/recipe.yaml), so eval counts what the gate would
have rejected. Diversity is corpus-level distinct-n over all answers
(words for English, characters for Chinese).
"""

from __future__ import annotations

import random
import re
import statistics

from factory.evaluate.scoring import mean_ci, rate
from factory.lang import HAN, detect_language, lang_key
from factory.quality.blacklist import Blacklist, assistant_tone_hits
from factory.quality.config import QualityConfig
from factory.quality.selfname import self_name_violation
from factory.sources.chunking import estimate_tokens

_WORDS = re.compile(f"[{HAN}]|[^\\W\\d_]+|\\d+", re.U)  # a Latin run may run on into Han, as it always has

REFUSAL = {
    "en": re.compile(
        r"\b(?:i(?:'m| am) (?:sorry|afraid),? but i (?:can(?:'|no)t|won't|am unable)|"
        r"i (?:can(?:'|no)t|won't|am unable to|am not able to) (?:help|assist|provide|answer|comply|do that)|"
        r"i must decline|i'm not comfortable (?:answering|discussing))",
        re.I,
    ),
    "zh": re.compile(
        r"(?:抱歉|对不起|很遗憾)[，,]?\s*我(?:不能|无法|没办法)|我(?:不能|无法)(?:回答|提供|帮助|协助|满足)|恕我不能"
    ),
}


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORDS.findall(text)]


def distinct(texts: list[str], n: int) -> float | None:
    grams = [tuple(toks[i : i + n]) for toks in map(tokens, texts) for i in range(len(toks) - n + 1)]
    return round(len(set(grams)) / len(grams), 4) if grams else None


def bootstrap_distinct(texts: list[str], n: int, resamples: int = 200, seed: int = 0) -> list[float] | None:
    """Percentile 95% interval of corpus distinct-n over answers resampled with replacement (seeded)."""
    if len(texts) < 2:
        return None
    rng = random.Random(seed)
    values = sorted(
        v for v in (distinct(rng.choices(texts, k=len(texts)), n) for _ in range(resamples)) if v is not None
    )
    if not values:
        return None
    return [
        round(values[int(0.025 * (len(values) - 1))], 4),
        round(values[int(0.975 * (len(values) - 1))], 4),
    ]


def offline_metrics(
    answers: list[str],
    character: str,
    language: str,
    quality: QualityConfig | None = None,
    aliases: tuple[str, ...] = (),
) -> dict:
    """One dict of rates (with Wilson intervals) and summary numbers over the answers given."""
    lang = lang_key(language)
    texts = [a for a in answers if a and a.strip()]
    n = len(texts)
    quality = quality or QualityConfig()
    blacklist = Blacklist.from_config(quality.blacklist)
    names = (*aliases, *quality.selfname.aliases)
    tone = [t for t in texts if assistant_tone_hits(t, lang, blacklist)]
    selfname = [t for t in texts if self_name_violation(t, character, lang, names) is not None]
    refusals = [t for t in texts if REFUSAL[lang].search(t)]
    detected = [d for d in map(detect_language, texts) if d is not None]  # no letters: left out of the rate
    same = sum(1 for d in detected if d == lang)
    lengths = [len(t) for t in texts]
    return {
        "answers": n,
        "distinct_1": distinct(texts, 1),
        "distinct_2": distinct(texts, 2),
        "assistant_tone": rate(len(tone), n),
        "self_name": rate(len(selfname), n),
        "refusal": rate(len(refusals), n),
        "language_consistency": rate(same, len(detected)),
        "mean_chars": round(statistics.fmean(lengths), 1) if lengths else None,
        "mean_tokens": round(statistics.fmean(map(estimate_tokens, texts)), 1) if texts else None,
        "ci95": {
            "distinct_1": bootstrap_distinct(texts, 1),
            "distinct_2": bootstrap_distinct(texts, 2),
            "mean_chars": mean_ci(lengths, 1)["ci95"],
            "mean_tokens": mean_ci([float(estimate_tokens(t)) for t in texts], 1)["ci95"],
        },
        "examples": {"assistant_tone": tone[:3], "self_name": selfname[:3], "refusal": refusals[:3]},
    }
