"""Randomly initialised Qwen2 models from a config: nothing downloaded, real Qwen vocabulary size.

`tiny` trains in seconds on a CPU (tests, CPU benchmark); `qwen2.5-0.5b` has Qwen2.5-0.5B's exact
shape (benchmark on a GPU).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHAPES: dict[str, dict[str, Any]] = {
    "tiny": {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 4096,
    },
    "qwen2.5-0.5b": {
        "hidden_size": 896,
        "intermediate_size": 4864,
        "num_hidden_layers": 24,
        "num_attention_heads": 14,
        "num_key_value_heads": 2,
        "max_position_embeddings": 32768,
    },
}


def qwen2_config(shape: str = "tiny") -> Any:
    from transformers import Qwen2Config

    return Qwen2Config(
        vocab_size=151936,
        rope_theta=1_000_000.0,
        rms_norm_eps=1e-6,
        tie_word_embeddings=True,
        bos_token_id=151643,
        eos_token_id=151645,
        pad_token_id=151643,
        **SHAPES[shape],
    )


def random_qwen2(
    shape: str = "tiny", seed: int = 0, dtype: Any = None, attn_implementation: str | None = None
):
    import torch
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    kwargs = {"attn_implementation": attn_implementation} if attn_implementation else {}
    model = AutoModelForCausalLM.from_config(qwen2_config(shape), dtype=dtype or torch.float32, **kwargs)
    return model


def save_random_qwen2(out: Path, shape: str = "tiny", seed: int = 0) -> Path:
    """A loadable model dir (weights + converted Qwen tokenizer) for `model:` in a train config."""
    from factory.train.tokenizer import load_qwen_tokenizer

    random_qwen2(shape, seed).save_pretrained(str(out))
    load_qwen_tokenizer().save_pretrained(str(out))
    return out
