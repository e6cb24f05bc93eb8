"""`factory train dpo`: TRL's DPOTrainer from the SFT result, with the SFT model as the reference.

Which reference, by case:
- SFT left an adapter and DPO uses LoRA: that adapter is trained further; TRL keeps a frozen copy
  of it ("ref"), so the reference is exactly the SFT model and the result is still an adapter of
  the original base.
- SFT left a merged/full model and DPO uses LoRA: a new adapter on it; reference = adapters off.
- Full DPO: a second, frozen load of the SFT model (TRL would otherwise reload the *base*).
`ref_model` in the config overrides all of these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from factory.train.args import common_args, resume_from
from factory.train.artifacts import save_outputs
from factory.train.checks import DataReport, check_dpo
from factory.train.config import DPOTrainConfig
from factory.train.data import find_files, load_dpo
from factory.train.model import (
    align_special_tokens,
    load_frozen,
    load_policy,
    load_tokenizer,
    resolve_model,
    use_bf16,
)
from factory.train.sft import log_stderr


def pairs_dataset(files: list, tok: Any, max_length: int, stage: str = "dpo") -> tuple[Any, DataReport]:
    """The pairs whose prompt leaves room for a reply at max_length, and what was dropped (checks.py)."""
    from datasets import Dataset

    kept, report = check_dpo(load_dpo(files), tok, max_length, stage)
    return Dataset.from_list(kept), report


def run_dpo(cfg: DPOTrainConfig, log: Callable[[str], None] = log_stderr) -> dict[str, Any]:
    from trl import DPOConfig, DPOTrainer

    src = resolve_model(cfg.model)
    tok, template = load_tokenizer(src, cfg)
    train_files = find_files(cfg.data, "dpo")
    eval_files = find_files(cfg.eval_data, "dpo") if cfg.eval_data else find_files(cfg.data, "dpo", "eval")
    train_ds, report = pairs_dataset(train_files, tok, cfg.max_length)
    if not report.total:
        raise ValueError(f"data: no preference pairs in {', '.join(map(str, train_files))}")
    log(report.line())
    report.require_rows(train_files)
    eval_ds = None
    if eval_files:
        eval_ds, eval_report = pairs_dataset(eval_files, tok, cfg.max_length, "dpo eval")
        log(eval_report.line())
    eval_ds = eval_ds if eval_ds is not None and len(eval_ds) else None
    log(
        f"dpo: {len(train_ds)} pairs from {', '.join(map(str, train_files))}"
        + (f"; eval {len(eval_ds)}" if eval_ds is not None else "")
        + f"; template {template}"
    )
    bf16 = use_bf16(cfg)
    args = DPOConfig(
        **common_args(cfg, bf16, eval_ds is not None),
        beta=cfg.beta,
        loss_type=cfg.loss_type,
        loss_weights=cfg.loss_weights,
        precompute_ref_log_probs=cfg.precompute_ref_log_probs,
    )
    model, peft_config = load_policy(src, cfg, bf16)
    ref = None
    if cfg.ref_model:
        ref = load_frozen(cfg.ref_model, cfg, bf16)
    elif cfg.finetune == "full":
        ref = load_frozen(cfg.model, cfg, bf16)
    for m in (model, ref):
        if m is not None:
            align_special_tokens(m, tok)
    trainer = DPOTrainer(
        model=model,
        ref_model=ref,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tok,
        peft_config=peft_config,
    )
    resume = resume_from(cfg)
    if resume:
        log(f"dpo: resuming from {resume}")
    trainer.train(resume_from_checkpoint=resume)
    return save_outputs(trainer, cfg, tok, "dpo")
