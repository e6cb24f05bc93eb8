"""`train.yaml`: what `factory train sft|dpo` does, as pydantic models (extra="forbid").

One file can serve both stages: shared keys at the top, optional `sft:` / `dpo:` blocks that
override them for that stage. Command-line flags override both. Relative paths resolve against
the config file's folder, like the recipe. No torch here, so a bad config fails fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from factory.recipe.errors import RecipeError, Strict, format_validation_error

STAGES = ("sft", "dpo")


class LoraSettings(Strict):
    """LoRA adapter shape; `targets` is a module-name list or "all-linear" (every linear but lm_head)."""

    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0, lt=1)
    targets: list[str] | Literal["all-linear"] = "all-linear"


class TrainConfig(Strict):
    """What both stages share. `model` is a local dir or hub id; `data` export dirs or JSONL files."""

    model: str = Field(min_length=1)
    data: list[Path] = Field(min_length=1)
    eval_data: list[Path] = Field(default_factory=list)
    output_dir: Path
    finetune: Literal["lora", "full"] = "lora"
    lora: LoraSettings = Field(default_factory=LoraSettings)
    learning_rate: float | None = Field(None, gt=0)  # None: a default that suits stage and finetune
    epochs: float = Field(3.0, gt=0)
    max_steps: int | None = Field(None, ge=1)  # beats epochs
    max_length: int = Field(2048, ge=16)
    packing: bool = False
    batch_size: int = Field(4, ge=1)  # per device
    gradient_accumulation_steps: int = Field(4, ge=1)
    warmup_ratio: float = Field(0.03, ge=0, lt=1)
    lr_scheduler: str = "cosine"
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, gt=0)
    gradient_checkpointing: bool = True
    bf16: bool | Literal["auto"] = "auto"  # auto: on where the GPU supports it
    attn_implementation: str | None = None  # sdpa by default; "flash_attention_2" if installed
    torch_compile: bool = False
    liger: bool = False  # Liger kernels, when liger-kernel is installed
    template: Literal["auto", "chatml", "model"] = "auto"  # auto: ChatML when the vocab has <|im_start|>
    seed: int = 42
    logging_steps: int = Field(10, ge=1)
    save_steps: int = Field(200, ge=1)
    save_total_limit: int | None = Field(2, ge=1)
    eval_steps: int | None = Field(None, ge=1)  # default: save_steps
    resume: bool | Literal["auto"] | Path = "auto"  # auto: newest checkpoint in output_dir, if any
    merge: bool = False  # LoRA only: also write output_dir/merged (base + adapter)
    use_cpu: bool = False
    trust_remote_code: bool = False
    report_to: list[str] = Field(default_factory=list)

    @field_validator("data", "eval_data", "report_to", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, (str, Path)) else v

    default_lr: ClassVar[dict[str, float]] = {"lora": 2e-4, "full": 1e-5}

    def lr(self) -> float:
        """The learning rate to use: the configured one, else the stage's default for lora/full."""
        return self.learning_rate or self.default_lr[self.finetune]


class SFTTrainConfig(TrainConfig):
    """Supervised fine-tuning on the character's turns only (see factory.train.masks)."""


DPO_LOSSES = (
    "sigmoid",
    "hinge",
    "ipo",
    "exo_pair",
    "nca_pair",
    "robust",
    "bco_pair",
    "sppo_hard",
    "aot",
    "aot_unpaired",
    "apo_zero",
    "apo_down",
    "discopop",
    "sft",
    "sigmoid_norm",
)


class DPOTrainConfig(TrainConfig):
    """DPO from the SFT result: `model` is the SFT output dir (adapter or merged); it is also the reference."""

    default_lr: ClassVar[dict[str, float]] = {"lora": 2e-5, "full": 5e-7}

    epochs: float = Field(1.0, gt=0)
    beta: float = Field(0.1, gt=0)
    loss_type: list[str] = Field(default_factory=lambda: ["sigmoid"], min_length=1)
    loss_weights: list[float] | None = None
    ref_model: str | None = None  # default: the SFT model itself, frozen
    precompute_ref_log_probs: bool = False

    @field_validator("loss_type", mode="before")
    @classmethod
    def _loss_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _known_losses(self) -> DPOTrainConfig:
        bad = [x for x in self.loss_type if x not in DPO_LOSSES]
        if bad:
            raise ValueError(f"loss_type: unknown {bad[0]!r}; one of {', '.join(DPO_LOSSES)}")
        if self.loss_weights is not None and len(self.loss_weights) != len(self.loss_type):
            raise ValueError("loss_weights: need one weight per loss_type")
        return self


CONFIGS: dict[str, type[TrainConfig]] = {"sft": SFTTrainConfig, "dpo": DPOTrainConfig}
_PATH_KEYS = ("data", "eval_data", "output_dir")


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise RecipeError(f"{path}: no such config file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RecipeError(f"{path}:{where}: YAML syntax error: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise RecipeError(f"{path}: top level must be a mapping of keys")
    return data


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for k, v in top.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _resolve(data: dict, base: Path) -> None:
    """Config-relative paths; `model`/`ref_model` only when such a local path exists (else a hub id)."""
    for key in _PATH_KEYS:
        val = data.get(key)
        if isinstance(val, (str, Path)):
            data[key] = str(base / val) if not Path(val).is_absolute() else str(val)
        elif isinstance(val, list):
            data[key] = [
                str(base / v) if isinstance(v, str) and not Path(v).is_absolute() else v for v in val
            ]
    for key in ("model", "ref_model"):
        val = data.get(key)
        if isinstance(val, str) and not Path(val).is_absolute() and (base / val).exists():
            data[key] = str((base / val).resolve())
    if isinstance(data.get("resume"), str) and data["resume"] != "auto":
        data["resume"] = str(base / data["resume"])


def _set_dotted(data: dict, key: str, value: Any) -> None:
    *parents, last = key.split(".")
    node = data
    for p in parents:
        if not isinstance(node.get(p), dict):
            node[p] = {}
        node = node[p]
    node[last] = value


def load_train_config(
    stage: str, path: Path | str | None = None, overrides: dict[str, Any] | None = None
) -> TrainConfig:
    """Read the config (if any), take the `stage` block over the shared keys, apply flag overrides."""
    if stage not in CONFIGS:
        raise RecipeError(f"stage: must be one of {', '.join(STAGES)}")
    data: dict = {}
    where = "config"
    block: dict = {}
    if path is not None:
        path = Path(path)
        where = str(path)
        raw = _read_yaml(path)
        block = raw.get(stage) or {}
        if not isinstance(block, dict):
            raise RecipeError(f"{path}: {stage}: must be a mapping of keys")
        data = _merge({k: v for k, v in raw.items() if k not in STAGES}, block)
        _resolve(data, path.parent.resolve())
    for key, value in (overrides or {}).items():
        if value is not None:
            _set_dotted(data, key, value)
    try:
        return CONFIGS[stage].model_validate(data)
    except ValidationError as exc:
        msg = format_validation_error(exc)
        first = str(exc.errors()[0].get("loc", ("",))[0]) if exc.errors()[0].get("loc") else ""
        if first and first in block:
            msg = f"{stage}.{msg}"
        raise RecipeError(f"{where}: {msg}") from None
