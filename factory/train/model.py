"""Find, load and prepare the model and tokenizer a stage trains.

`model` may be a hub id, a model dir, a LoRA adapter dir, or a previous `factory train` output
dir (its `merged/` wins, then `model/`, then `adapter/`). An adapter is trained further when
finetuning with LoRA (so the result stays an adapter of the same base) and merged in otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factory.train.config import TrainConfig
from factory.train.masks import IM_END, IM_START
from factory.train.templates import CHATML_TEMPLATE


@dataclass
class ModelSource:
    weights: str  # a full model: local dir or hub id
    adapter: Path | None  # a LoRA adapter to put on top
    tokenizer: str  # where the tokenizer is


def resolve_model(spec: str) -> ModelSource:
    p = Path(spec)
    if not p.is_dir():
        if p.is_absolute() or spec.startswith((".", "~")) or spec.count("/") > 1:
            raise FileNotFoundError(f"model: no such directory: {spec}")
        return ModelSource(spec, None, spec)  # hub id (offline when HF_HUB_OFFLINE=1)
    for sub in ("merged", "model"):
        if (p / sub / "config.json").is_file():
            return resolve_model(str(p / sub))
    if (p / "adapter" / "adapter_config.json").is_file():
        p = p / "adapter"
    if (p / "adapter_config.json").is_file():
        base = json.loads((p / "adapter_config.json").read_text())["base_model_name_or_path"]
        src = resolve_model(base)
        tok = str(p) if (p / "tokenizer_config.json").is_file() else src.tokenizer
        return ModelSource(src.weights, p, tok)
    if not (p / "config.json").is_file():
        raise FileNotFoundError(f"model: {p} holds no config.json, adapter_config.json or factory output")
    return ModelSource(str(p), None, str(p))


def load_tokenizer(src: ModelSource, cfg: TrainConfig) -> tuple[Any, str]:
    """The tokenizer, set up for training; returns it and the template mode ("chatml" or "model")."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(src.tokenizer, trust_remote_code=cfg.trust_remote_code)
    vocab = tok.get_vocab()
    mode = cfg.template
    if mode == "auto":
        mode = "chatml" if IM_START in vocab and IM_END in vocab else "model"
    if mode == "chatml":
        if IM_START not in vocab or IM_END not in vocab:
            raise ValueError(
                f"template: chatml needs {IM_START} and {IM_END} in the vocabulary of {src.tokenizer}"
            )
        tok.chat_template = CHATML_TEMPLATE
        tok.eos_token = IM_END
        if "<|endoftext|>" in vocab:
            tok.pad_token = "<|endoftext|>"
    elif not tok.chat_template:
        raise ValueError(f"template: {src.tokenizer} has no chat template and no ChatML tokens")
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    _drop_build_copies(tok)
    return tok, mode


def _drop_build_copies(tok: Any) -> None:
    """transformers 5 BPE tokenizers keep Python copies of vocab/merges that only __init__ needs; `datasets`
    hashes the tokenizer (dill) on every `map` TRL does, and those copies make each hash take seconds."""
    for attr in ("_vocab", "_merges"):
        if isinstance(getattr(tok, attr, None), (dict, list)) and len(getattr(tok, attr)) > 1000:
            setattr(tok, attr, None)


def use_bf16(cfg: TrainConfig) -> bool:
    import torch

    if cfg.bf16 == "auto":
        return (not cfg.use_cpu) and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return bool(cfg.bf16)


def align_special_tokens(model: Any, tok: Any) -> None:
    """Make the model stop on the tokenizer's eos (<|im_end|>) when it generates, and pad like it."""
    model.config.eos_token_id = tok.eos_token_id
    model.config.pad_token_id = tok.pad_token_id
    gen = getattr(model, "generation_config", None)
    if gen is not None:
        ids = gen.eos_token_id if isinstance(gen.eos_token_id, list) else [gen.eos_token_id]
        gen.eos_token_id = [tok.eos_token_id, *[i for i in ids if i is not None and i != tok.eos_token_id]]
        gen.pad_token_id = tok.pad_token_id


def load_weights(weights: str, cfg: TrainConfig, bf16: bool | None) -> Any:
    """bf16 True/False: load in bfloat16/float32; None: in the dtype the checkpoint was saved in."""
    import torch
    from transformers import AutoModelForCausalLM

    dtype = "auto" if bf16 is None else torch.bfloat16 if bf16 else torch.float32
    kwargs: dict[str, Any] = {"dtype": dtype, "trust_remote_code": cfg.trust_remote_code}
    if cfg.attn_implementation:
        kwargs["attn_implementation"] = cfg.attn_implementation
    return AutoModelForCausalLM.from_pretrained(weights, **kwargs)


def lora_config(cfg: TrainConfig) -> Any:
    from peft import LoraConfig

    return LoraConfig(
        r=cfg.lora.r,
        lora_alpha=cfg.lora.alpha,
        lora_dropout=cfg.lora.dropout,
        target_modules=cfg.lora.targets,
        task_type="CAUSAL_LM",
    )


def load_policy(src: ModelSource, cfg: TrainConfig, bf16: bool) -> tuple[Any, Any]:
    """The model to train and the peft config to wrap it with (None: already wrapped, or full finetune)."""
    model = load_weights(src.weights, cfg, bf16)
    if src.adapter is not None:
        from peft import PeftModel

        if cfg.finetune == "lora":
            return PeftModel.from_pretrained(model, str(src.adapter), is_trainable=True), None
        model = PeftModel.from_pretrained(model, str(src.adapter)).merge_and_unload()
    return model, (lora_config(cfg) if cfg.finetune == "lora" else None)


def load_frozen(spec: str, cfg: TrainConfig, bf16: bool) -> Any:
    """A plain (merged) model for reference use, e.g. DPO's reference."""
    src = resolve_model(spec)
    model = load_weights(src.weights, cfg, bf16)
    if src.adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(src.adapter)).merge_and_unload()
    model.eval()
    return model
