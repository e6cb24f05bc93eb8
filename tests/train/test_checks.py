"""Data checks before training: drops counted by reason, the longest system prompt, one error when nothing is left."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import write_jsonl

pytestmark = pytest.mark.train

CARD = "You are Mira, a bard of the northern coast. " * 12  # a persona card: longer than max_length below


def conv(system: str, reply: str | None = "A song about the sea.", weight: int = 1) -> list[dict]:
    msgs = [{"role": "system", "content": system}, {"role": "user", "content": "Sing for me?"}]
    if reply is not None:
        msgs.append({"role": "assistant", "content": reply, "weight": weight})
    return msgs


def test_sft_drops_are_counted_by_reason(qwen_tok):
    from factory.train.checks import check_sft

    rows = [
        conv(CARD),
        conv("You are Mira."),
        conv("You are Mira.", reply=None),
        conv("You are Mira.", weight=0),
        conv("You are Mira.", reply="la " * 80),
    ]
    ids, masks, rep = check_sft(rows, qwen_tok, "chatml", 48)
    assert rep.total == 5 and rep.kept == 2 and len(ids) == 2
    assert rep.dropped == {"masked": 1, "no_target": 2}
    assert rep.truncated == 1 and all(len(x) <= 48 for x in ids) and all(any(m) for m in masks)
    card_tokens = len(qwen_tok(CARD, add_special_tokens=False)["input_ids"])
    assert rep.longest_system == card_tokens > 48
    line = rep.line()
    assert "2 of 5 conversations kept" in line and "1 fully masked after truncation to max_length" in line
    assert (
        "2 without an assistant turn to train" in line
        and f"longest system prompt {card_tokens} tokens" in line
    )


@pytest.fixture
def chatml_tok(qwen_tok):
    """The session tokenizer with the ChatML template training sets (restored after: it is shared)."""
    from factory.train.templates import CHATML_TEMPLATE

    before = qwen_tok.chat_template
    qwen_tok.chat_template = CHATML_TEMPLATE
    yield qwen_tok
    qwen_tok.chat_template = before


def test_dpo_pairs_whose_prompt_fills_max_length_are_dropped(chatml_tok):
    from factory.train.checks import check_dpo

    pair = {
        "chosen": [{"role": "assistant", "content": "A song."}],
        "rejected": [{"role": "assistant", "content": "As an AI, I cannot sing."}],
    }
    rows = [{"prompt": conv(CARD, reply=None), **pair}, {"prompt": conv("You are Mira.", reply=None), **pair}]
    kept, rep = check_dpo(rows, chatml_tok, 48)
    assert [r["prompt"][0]["content"] for r in kept] == ["You are Mira."]
    assert rep.dropped == {"too_long": 1} and "1 too long: the prompt alone fills max_length" in rep.line()
    with pytest.raises(ValueError, match=r"max_length: 8 tokens leave nothing to train in x: 2 of 2 pairs"):
        check_dpo(rows, chatml_tok, 8)[1].require_rows(["x"])


def test_nothing_left_is_one_line_that_names_max_length(tmp_path, tiny_base):
    """The run's own export with a persona card over max_length: before, TRL died with num_samples=0."""
    data = write_jsonl(tmp_path / "export" / "openai.jsonl", [{"messages": conv(CARD)} for _ in range(3)])
    out = tmp_path / "sft"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "factory",
            "train",
            "sft",
            "--model",
            str(tiny_base),
            "--data",
            str(data.parent),
            "--output-dir",
            str(out),
            "--max-length",
            "64",
            "--cpu",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in proc.stderr
    assert errors[0].startswith("error: max_length: 64 tokens leave nothing to train in ")
    assert "3 of 3 conversations fully masked after truncation" in errors[0]
    assert "raise max_length (--max-length) to at least" in errors[0]
    assert "sft data: 0 of 3 conversations kept" in proc.stderr  # the report came first
    assert not out.exists()
