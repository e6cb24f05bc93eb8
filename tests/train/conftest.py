"""Shared, session-scoped training runs on a tiny random Qwen2 with Qwen's real tokenizer (CPU, seconds).

One SFT run is made in two phases (2 steps, then resumed to 4) and one DPO run from its adapter;
the tests read what those runs left behind instead of each training again.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FAST = {
    "batch_size": 2,
    "gradient_accumulation_steps": 1,
    "max_length": 64,
    "warmup_ratio": 0.0,
    "logging_steps": 1,
    "gradient_checkpointing": False,
    "use_cpu": True,
    "lr_scheduler": "constant",
}

SYSTEM = "You are Anna Keller, a clockmaker."
SFT_ROWS = [
    {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"What do you fix, {n}?"},
            {"role": "assistant", "content": "Karl: Ask her.", "weight": 0},
            {"role": "assistant", "content": "Clocks and watches."},
        ]
    }
    for n in ("Tom", "Eva", "Max", "Ida")
] + [
    {
        "conversations": [
            {"from": "human", "value": "Who taught you?"},
            {"from": "gpt", "value": "My father."},
        ],
        "system": SYSTEM,
    }
]
DPO_ROWS = [
    {
        "prompt": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"Who are you, {n}?"}],
        "chosen": [{"role": "assistant", "content": "Anna, the clockmaker."}],
        "rejected": [{"role": "assistant", "content": "An AI model."}],
    }
    for n in ("Tom", "Eva")
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def qwen_tok():
    pytest.importorskip("transformers")
    from factory.train.tokenizer import load_qwen_tokenizer

    return load_qwen_tokenizer()


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory, qwen_tok) -> Path:
    """A saved random tiny Qwen2 (+ tokenizer): what `model:` points at."""
    pytest.importorskip("torch")
    from factory.train.tiny import save_random_qwen2

    return save_random_qwen2(tmp_path_factory.mktemp("base") / "tiny-qwen2")


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A run directory whose export/ holds what the export stage writes."""
    run = tmp_path_factory.mktemp("run")
    write_jsonl(run / "export" / "openai.jsonl", SFT_ROWS)
    write_jsonl(run / "export" / "dpo.jsonl", DPO_ROWS)
    return run


@dataclass
class SFTRun:
    out: Path
    phase1_history: list[dict]
    summary: dict
    logs: list[str] = field(default_factory=list)

    @property
    def history(self) -> list[dict]:
        return json.loads((self.out / "trainer_state.json").read_text())["log_history"]


@pytest.fixture(scope="session")
def sft_run(tmp_path_factory, tiny_base, run_dir) -> SFTRun:
    """LoRA SFT: 2 steps (checkpoint-2), then the same config resumed to 4 steps, with a merge at the end."""
    pytest.importorskip("trl")
    pytest.importorskip("peft")
    from factory.train.config import load_train_config
    from factory.train.sft import run_sft

    out = tmp_path_factory.mktemp("sft") / "out"
    base = {
        "model": str(tiny_base),
        "data": [str(run_dir)],
        "output_dir": str(out),
        "learning_rate": 5e-3,
        "save_steps": 2,
        **FAST,
    }
    logs: list[str] = []
    run_sft(load_train_config("sft", None, {**base, "max_steps": 2}), log=logs.append)
    phase1 = json.loads((out / "trainer_state.json").read_text())["log_history"]
    shutil.rmtree(out / "adapter")  # phase 2 must rebuild it from the resumed run
    summary = run_sft(
        load_train_config("sft", None, {**base, "max_steps": 4, "merge": True}), log=logs.append
    )
    return SFTRun(out, phase1, summary, logs)


@pytest.fixture(scope="session")
def dpo_run(tmp_path_factory, sft_run, run_dir) -> Path:
    """LoRA DPO for 3 steps, continuing the SFT adapter (reference: the frozen SFT adapter)."""
    from factory.train.config import load_train_config
    from factory.train.dpo import run_dpo

    out = tmp_path_factory.mktemp("dpo") / "out"
    cfg = load_train_config(
        "dpo",
        None,
        {
            "model": str(sft_run.out / "adapter"),
            "data": [str(run_dir)],
            "output_dir": str(out),
            "learning_rate": 5e-3,
            "beta": 0.5,
            "max_steps": 3,
            "save_steps": 3,
            **{**FAST, "batch_size": 1},
        },
    )
    run_dpo(cfg, log=lambda m: None)
    return out
