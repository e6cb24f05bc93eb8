"""What a finished stage leaves in `output_dir`, so it can be served, inspected and trained on.

adapter/ (LoRA) or model/ (full)   weights + tokenizer + chat_template.jinja (+ generation_config)
merged/                            base + adapter merged (LoRA with `merge: true`)
checkpoint-N/                      the trainer's own, for `resume`
trainer_state.json, loss.png       every logged step; the curves as a picture
train_summary.json                 stage, config, where things are, final metrics
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from factory.train.config import TrainConfig
from factory.train.model import align_special_tokens, load_weights, resolve_model

# One panel per tuple: a training metric and its eval counterpart, against the optimizer step.
CURVES = {
    "sft": [("loss", "eval_loss")],
    "dpo": [
        ("loss", "eval_loss"),
        ("rewards/margins", "eval_rewards/margins"),
        ("rewards/accuracies", "eval_rewards/accuracies"),
    ],
}


def final_dir(cfg: TrainConfig) -> Path:
    return cfg.output_dir / ("adapter" if cfg.finetune == "lora" else "model")


def plot_curves(
    history: list[dict[str, Any]], panels: list[tuple[str, ...]], out: Path, title: str
) -> Path | None:
    """The logged curves as a PNG: one panel per metric, train and eval together."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    present = [p for p in panels if any(k in row for row in history for k in p)]
    if not present:
        return None
    fig, axes = plt.subplots(1, len(present), figsize=(4.5 * len(present), 3.4), squeeze=False)
    for ax, keys in zip(axes[0], present, strict=True):
        for key in keys:
            pts = [(row["step"], row[key]) for row in history if key in row]
            if pts:
                ax.plot(
                    [p[0] for p in pts],
                    [p[1] for p in pts],
                    marker="o" if len(pts) < 30 else None,
                    label="eval" if key.startswith("eval_") else "train",
                )
        ax.set_title(keys[0])
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def merge_adapter(adapter: Path, out: Path, cfg: TrainConfig, tok: Any) -> Path:
    """Base + adapter as one plain model in `out` (loaded afresh on CPU, so any distribution mode works)."""
    from peft import PeftModel

    src = resolve_model(str(adapter))
    base = load_weights(src.weights, cfg.model_copy(update={"attn_implementation": None}), bf16=None)
    merged = PeftModel.from_pretrained(base, str(adapter)).merge_and_unload()
    align_special_tokens(merged, tok)
    merged.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out


def save_outputs(trainer: Any, cfg: TrainConfig, tok: Any, stage: str) -> dict[str, Any]:
    """Write the final weights, tokenizer + chat template, state log and plot; merge if asked."""
    out, final = cfg.output_dir, final_dir(cfg)
    align_special_tokens(trainer.accelerator.unwrap_model(trainer.model), tok)
    trainer.save_model(str(final))  # every rank: DeepSpeed gathers the shards here
    summary: dict[str, Any] = {"stage": stage, "finetune": cfg.finetune, "final": str(final)}
    if trainer.is_world_process_zero():
        shutil.rmtree(final / "ref", ignore_errors=True)  # DPO's frozen copy of a reused adapter
        tok.save_pretrained(str(final))
        trainer.state.save_to_json(str(out / "trainer_state.json"))
        plot = plot_curves(
            trainer.state.log_history, CURVES[stage], out / "loss.png", f"factory train {stage}"
        )
        summary["plot"] = str(plot) if plot else None
        if cfg.merge and cfg.finetune == "lora":
            summary["merged"] = str(merge_adapter(final, out / "merged", cfg, tok))
        logs = [r for r in trainer.state.log_history if "loss" in r]
        summary.update(
            global_step=trainer.state.global_step,
            first_loss=logs[0]["loss"] if logs else None,
            last_loss=logs[-1]["loss"] if logs else None,
            config=json.loads(cfg.model_dump_json()),
        )
        (out / "train_summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    trainer.accelerator.wait_for_everyone()
    return summary
