"""A GGUF file -> a Hugging Face model folder the trainer can fine-tune (weights dequantized).

Why: the model a user already runs locally is often only a GGUF (the embedded SmolLM2 is one),
and transformers reads GGUF but refuses to save the result (it stays marked as quantized). So
the dequantized weights are copied into a fresh model built from the same config and saved as
safetensors with the GGUF's tokenizer and chat template.
"""

from __future__ import annotations

from pathlib import Path


def embedded_gguf_path() -> Path:
    from factory.engine.local_server import embedded_gguf

    return Path(embedded_gguf())


def import_gguf(gguf: Path, out: Path) -> Path:
    """Write `out/` (config, model.safetensors, tokenizer, chat template); returns `out`."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = Path(gguf)
    if not gguf.is_file():
        raise FileNotFoundError(f"{gguf}: no such GGUF file")
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out}: not empty (refusing to overwrite)")
    try:
        tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    except ImportError as exc:
        raise ValueError(f"{gguf}: reading GGUF needs the `gguf` package (pip install gguf): {exc}") from None
    except (ValueError, OSError, KeyError) as exc:
        raise ValueError(f"{gguf}: transformers cannot read this GGUF ({str(exc).splitlines()[0]})") from None
    config = loaded.config
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    model = AutoModelForCausalLM.from_config(config)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    if [k for k in missing if "lm_head" not in k] or unexpected:  # a tied head may be absent
        raise ValueError(
            f"{gguf}: weights do not match its config (missing {missing[:3]}, extra {unexpected[:3]})"
        )
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
