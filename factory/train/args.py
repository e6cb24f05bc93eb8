"""TRL arguments both stages share, built from a TrainConfig, and where to resume from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from factory.train.config import TrainConfig


def common_args(cfg: TrainConfig, bf16: bool, has_eval: bool) -> dict[str, Any]:
    """Keyword arguments for trl.SFTConfig / trl.DPOConfig (both are transformers.TrainingArguments)."""
    return {
        **_checkpointing(cfg.gradient_checkpointing),
        "output_dir": str(cfg.output_dir),
        "per_device_train_batch_size": cfg.batch_size,
        "per_device_eval_batch_size": cfg.batch_size,
        "gradient_accumulation_steps": cfg.gradient_accumulation_steps,
        "learning_rate": cfg.lr(),
        "num_train_epochs": cfg.epochs,
        "max_steps": cfg.max_steps or -1,
        "lr_scheduler_type": cfg.lr_scheduler,
        "warmup_steps": cfg.warmup_ratio,  # a float below 1 is a share of all steps
        "weight_decay": cfg.weight_decay,
        "max_grad_norm": cfg.max_grad_norm,
        "bf16": bf16,
        "fp16": False,
        "logging_steps": cfg.logging_steps,
        "logging_first_step": True,
        "save_strategy": "steps",
        "save_steps": cfg.save_steps,
        "save_total_limit": cfg.save_total_limit,
        "eval_strategy": "steps" if has_eval else "no",
        "eval_steps": cfg.eval_steps or cfg.save_steps,
        "seed": cfg.seed,
        "use_cpu": cfg.use_cpu,
        "report_to": cfg.report_to or "none",
        "torch_compile": cfg.torch_compile,
        "use_liger_kernel": cfg.liger,
        "max_length": cfg.max_length,
        "trust_remote_code": cfg.trust_remote_code,
    }


def _checkpointing(on: bool) -> dict[str, Any]:
    """transformers 5 renamed gradient_checkpointing to activation_checkpointing; use whichever it has."""
    import dataclasses

    from transformers import TrainingArguments

    name = (
        "activation"
        if "activation_checkpointing" in {f.name for f in dataclasses.fields(TrainingArguments)}
        else "gradient"
    )
    return {
        f"{name}_checkpointing": on,
        f"{name}_checkpointing_kwargs": {"use_reentrant": False} if on else None,
    }


def resume_from(cfg: TrainConfig) -> str | None:
    """The checkpoint to resume from: an explicit one, or with auto/true the newest in output_dir."""
    from transformers.trainer_utils import get_last_checkpoint

    if cfg.resume is False:
        return None
    if isinstance(cfg.resume, Path):
        if not (cfg.resume / "trainer_state.json").is_file():
            raise FileNotFoundError(f"resume: {cfg.resume} is not a trainer checkpoint")
        return str(cfg.resume)
    last = get_last_checkpoint(str(cfg.output_dir)) if cfg.output_dir.is_dir() else None
    if cfg.resume is True and last is None:
        raise FileNotFoundError(f"resume: no checkpoint-* in {cfg.output_dir}")
    return last
