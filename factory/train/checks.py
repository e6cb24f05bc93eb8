"""Before training: what the data leaves to learn at this `max_length`, in one line, and one error if nothing.

TRL truncates each example to max_length and then silently drops the ones left without a trained
token (SFT) or whose prompt fills max_length (DPO); when that is every example, training dies deep
inside the sampler (`num_samples=0`). So the same cuts are made here first, counted by reason, and
reported with the longest system prompt, the usual culprit (a persona card alone can be 400 tokens).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factory.train.masks import encode_conversation, is_target

REASONS = {
    "no_target": "without an assistant turn to train",
    "masked": "fully masked after truncation to max_length",
    "too_long": "too long: the prompt alone fills max_length",
}


@dataclass
class DataReport:
    stage: str  # "sft" | "dpo" (| "... eval")
    unit: str  # what a row is: conversations | pairs
    max_length: int
    total: int = 0
    dropped: Counter = field(default_factory=Counter)
    truncated: int = 0  # kept, but cut at max_length
    longest: int = 0  # tokens of the longest row, whole
    longest_system: int = 0  # tokens of the longest system prompt
    first_trained: list[int] = field(default_factory=list)  # where training starts in rows cut to nothing

    @property
    def kept(self) -> int:
        return self.total - sum(self.dropped.values())

    def line(self) -> str:
        why = ", ".join(f"{n} {REASONS[k]}" for k, n in self.dropped.items() if n)
        out = f"{self.stage} data: {self.kept} of {self.total} {self.unit} kept"
        out += f"; dropped {why}" if why else ""
        out += f"; {self.truncated} cut at max_length {self.max_length}" if self.truncated else ""
        return out + f"; longest system prompt {self.longest_system} tokens, longest row {self.longest}"

    def require_rows(self, files: list[Path]) -> None:
        """Nothing left to train on: one line that names the setting to change."""
        if self.kept:
            return
        where = ", ".join(map(str, files))
        if self.dropped["masked"] or self.dropped["too_long"]:
            need = min(self.first_trained, default=self.longest) + 1
            raise ValueError(
                f"max_length: {self.max_length} tokens leave nothing to train in {where}: "
                + ", ".join(
                    f"{n} of {self.total} {self.unit} {REASONS[k]}" for k, n in self.dropped.items() if n
                )
                + f" (the longest system prompt alone is {self.longest_system} tokens); raise max_length "
                f"(--max-length) to at least {need}, {self.longest} fits every row whole"
            )
        raise ValueError(f"data: no {self.unit[:-1]} with a trainable assistant turn in {where}")


class _Counter:
    """Token counts of system prompts, cached: the same card or persona recurs in every row."""

    def __init__(self, tok: Any):
        self.tok = tok
        self.seen: dict[str, int] = {}

    def system(self, messages: list[dict[str, Any]]) -> int:
        n = 0
        for m in messages:
            if m["role"] == "system":
                if m["content"] not in self.seen:
                    self.seen[m["content"]] = len(
                        self.tok(m["content"], add_special_tokens=False)["input_ids"]
                    )
                n = max(n, self.seen[m["content"]])
        return n

    def text(self, text: str) -> int:
        return len(self.tok(text, add_special_tokens=False)["input_ids"])


def check_sft(
    convs: list[list[dict[str, Any]]], tok: Any, template: str, max_length: int, stage: str = "sft"
) -> tuple[list[list[int]], list[list[int]], DataReport]:
    """Token ids and masks cut to max_length (keep the start, as TRL does) and the report."""
    rep = DataReport(stage, "conversations", max_length)
    counts = _Counter(tok)
    ids, masks = [], []
    for conv in convs:
        rep.total += 1
        rep.longest_system = max(rep.longest_system, counts.system(conv))
        if not any(is_target(m) for m in conv):
            rep.dropped["no_target"] += 1
            continue
        enc = encode_conversation(tok, conv, template)
        rep.longest = max(rep.longest, len(enc.input_ids))
        if not enc.trained:
            rep.dropped["no_target"] += 1
            continue
        row_ids, row_mask = enc.input_ids, enc.assistant_masks
        if len(row_ids) > max_length:
            row_ids, row_mask = row_ids[:max_length], row_mask[:max_length]
            if not any(row_mask):
                rep.dropped["masked"] += 1
                rep.first_trained.append(enc.assistant_masks.index(1))
                continue
            rep.truncated += 1
        ids.append(row_ids)
        masks.append(row_mask)
    return ids, masks, rep


def check_dpo(
    rows: list[dict[str, list[dict[str, Any]]]], tok: Any, max_length: int, stage: str = "dpo"
) -> tuple[list[dict], DataReport]:
    """Pairs whose prompt leaves room for a reply (TRL drops the others), and the report."""
    rep = DataReport(stage, "pairs", max_length)
    counts = _Counter(tok)
    kept = []
    for row in rows:
        rep.total += 1
        rep.longest_system = max(rep.longest_system, counts.system(row["prompt"]))
        prompt = counts.text(
            tok.apply_chat_template(row["prompt"], tokenize=False, add_generation_prompt=True)
        )
        whole = max(
            counts.text(tok.apply_chat_template(row["prompt"] + row[k], tokenize=False))
            for k in ("chosen", "rejected")
        )
        rep.longest = max(rep.longest, whole)
        if prompt >= max_length:
            rep.dropped["too_long"] += 1
            rep.first_trained.append(prompt)
            continue
        rep.truncated += whole > max_length
        kept.append(row)
    return kept, rep
