"""`factory train sft`: TRL's SFTTrainer on pre-tokenized conversations with our own assistant masks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from factory.train.args import common_args, resume_from
from factory.train.artifacts import save_outputs
from factory.train.checks import DataReport, check_sft
from factory.train.config import SFTTrainConfig
from factory.train.data import find_files, load_sft
from factory.train.model import align_special_tokens, load_policy, load_tokenizer, resolve_model, use_bf16


def log_stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def tokenize_conversations(
    convs: list[list[dict[str, Any]]], tok: Any, template: str, max_length: int = 10**9, stage: str = "sft"
) -> tuple[Any, DataReport]:
    """A datasets.Dataset of input_ids + assistant_masks cut to max_length; rows left with nothing to
    train are dropped and counted (factory.train.checks)."""
    from datasets import Dataset

    ids, masks, report = check_sft(convs, tok, template, max_length, stage)
    return Dataset.from_dict({"input_ids": ids, "assistant_masks": masks}), report


def sft_args(cfg: SFTTrainConfig, tok: Any, bf16: bool, has_eval: bool) -> Any:
    """trl.SFTConfig; made before the model is loaded, so DeepSpeed ZeRO-3 can shard it while loading."""
    from trl import SFTConfig

    return SFTConfig(**common_args(cfg, bf16, has_eval), packing=cfg.packing, eos_token=tok.eos_token)


def make_sft_trainer(
    args: Any,
    model: Any,
    peft_config: Any,
    tok: Any,
    train_ds: Any,
    eval_ds: Any = None,
    callbacks: list | None = None,
) -> Any:
    """The SFTTrainer for a loaded model and tokenized data (the benchmark builds one this way too)."""
    from trl import SFTTrainer

    align_special_tokens(model, tok)
    return SFTTrainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tok,
        peft_config=peft_config,
        callbacks=callbacks,
    )


def run_sft(cfg: SFTTrainConfig, log: Callable[[str], None] = log_stderr) -> dict[str, Any]:
    """Train, save adapter/model (+ merged), chat template, trainer_state.json and loss.png."""
    src = resolve_model(cfg.model)
    tok, template = load_tokenizer(src, cfg)
    train_files = find_files(cfg.data, "sft")
    eval_files = find_files(cfg.eval_data, "sft") if cfg.eval_data else find_files(cfg.data, "sft", "eval")
    train_ds, report = tokenize_conversations(load_sft(train_files), tok, template, cfg.max_length)
    log(report.line())
    report.require_rows(train_files)
    eval_ds = None
    if eval_files:
        eval_ds, eval_report = tokenize_conversations(
            load_sft(eval_files), tok, template, cfg.max_length, "sft eval"
        )
        log(eval_report.line())
    eval_ds = eval_ds if eval_ds is not None and len(eval_ds) else None
    log(
        f"sft: {len(train_ds)} conversations from {', '.join(map(str, train_files))}"
        + (f"; eval {len(eval_ds)}" if eval_ds is not None else "")
        + f"; template {template}"
    )
    bf16 = use_bf16(cfg)
    args = sft_args(cfg, tok, bf16, eval_ds is not None)
    model, peft_config = load_policy(src, cfg, bf16)
    trainer = make_sft_trainer(args, model, peft_config, tok, train_ds, eval_ds)
    resume = resume_from(cfg)
    if resume:
        log(f"sft: resuming from {resume}")
    trainer.train(resume_from_checkpoint=resume)
    return save_outputs(trainer, cfg, tok, "sft")
