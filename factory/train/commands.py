"""`factory train sft|dpo --config train.yaml [flags]`: flags override the config file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from factory.errors import one_line_errors

_PATHS = ("data", "eval_data", "output_dir")


def _resume(value: str | None) -> Any:
    if value is None:
        return None
    low = value.lower()
    if low == "auto":
        return "auto"
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    return str(Path(value).resolve())


def _overrides(opts: dict[str, Any]) -> dict[str, Any]:
    """Click options -> dotted config overrides; relative paths resolve against the working directory."""
    out: dict[str, Any] = {}
    for key, value in opts.items():
        if value is None or value == ():
            continue
        if key in _PATHS:
            value = (
                [str(Path(v).resolve()) for v in value]
                if isinstance(value, tuple)
                else str(Path(value).resolve())
            )
        elif key in ("model", "ref_model") and Path(value).exists():
            value = str(Path(value).resolve())
        elif key == "resume":
            value = _resume(value)
        elif key == "lora_targets":
            value = (
                "all-linear" if value == "all-linear" else [t.strip() for t in value.split(",") if t.strip()]
            )
        elif key == "loss_type":
            value = list(value)
        out[key.replace("lora_", "lora.", 1) if key.startswith("lora_") else key] = value
    return out


def common_options(fn):
    opts = [
        click.option(
            "--config",
            "config",
            type=click.Path(path_type=Path),
            help="train.yaml (shared keys + sft:/dpo: blocks).",
        ),
        click.option("--model", help="Base model dir or hub id (dpo: the SFT output dir)."),
        click.option("--data", multiple=True, help="Export dir, run dir or JSONL file (repeatable)."),
        click.option(
            "--eval-data", multiple=True, help="Eval JSONL or dir (default: the export's *.eval.jsonl)."
        ),
        click.option("--output-dir", help="Where adapter/, merged/, checkpoints and logs go."),
        click.option("--finetune", type=click.Choice(["lora", "full"]), help="LoRA adapter or all weights."),
        click.option("--lora-r", type=int, help="LoRA rank."),
        click.option("--lora-alpha", type=int, help="LoRA alpha."),
        click.option("--lora-targets", help='Comma-separated module names, or "all-linear".'),
        click.option("--learning-rate", type=float),
        click.option("--epochs", type=float),
        click.option("--max-steps", type=int, help="Stop after N optimizer steps (beats --epochs)."),
        click.option("--max-length", type=int, help="Tokens per sequence (truncate / pack length)."),
        click.option("--batch-size", type=int, help="Per-device batch size."),
        click.option("--gradient-accumulation-steps", type=int),
        click.option("--packing/--no-packing", default=None),
        click.option("--gradient-checkpointing/--no-gradient-checkpointing", default=None),
        click.option("--bf16/--no-bf16", default=None),
        click.option("--resume", help="auto (newest checkpoint, default), yes, no, or a checkpoint dir."),
        click.option("--merge/--no-merge", default=None, help="LoRA: also write base+adapter merged."),
        click.option("--template", type=click.Choice(["auto", "chatml", "model"])),
        click.option("--seed", type=int),
        click.option("--cpu", "use_cpu", is_flag=True, default=None, help="Train on the CPU."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def _report(summary: dict[str, Any]) -> None:
    if os.environ.get("RANK", "0") != "0":
        return
    click.echo(
        f"done: {summary['stage']} ({summary['finetune']}), {summary.get('global_step')} steps, "
        f"loss {summary.get('first_loss')} -> {summary.get('last_loss')}"
    )
    click.echo(
        f"weights: {summary['final']}" + (f"; merged: {summary['merged']}" if summary.get("merged") else "")
    )
    if summary.get("plot"):
        click.echo(f"curves: {summary['plot']}")


def _run(stage: str, config: Path | None, opts: dict[str, Any]) -> None:
    from factory.train.config import load_train_config

    cfg = load_train_config(stage, config, _overrides(opts))
    if stage == "sft":
        from factory.train.sft import run_sft

        _report(run_sft(cfg))
    else:
        from factory.train.dpo import run_dpo

        _report(run_dpo(cfg))


@click.group("train", context_settings={"help_option_names": ["-h", "--help"]})
def train_group() -> None:
    """Fine-tune a chat model on an export: `sft` first, then `dpo` from its result."""


@train_group.command("sft")
@common_options
@one_line_errors
def sft_cmd(config: Path | None, **opts: Any) -> None:
    """Supervised fine-tuning on the character's turns (LoRA or full)."""
    _run("sft", config, opts)


@train_group.command("dpo")
@common_options
@click.option("--beta", type=float, help="DPO beta (strength of the pull towards the reference).")
@click.option("--loss-type", multiple=True, help="TRL DPO loss type (repeatable: sigmoid, ipo, ...).")
@click.option("--ref-model", help="Reference model (default: the SFT model itself).")
@one_line_errors
def dpo_cmd(config: Path | None, **opts: Any) -> None:
    """Preference tuning (DPO) from the SFT result; the SFT model is the reference."""
    _run("dpo", config, opts)
