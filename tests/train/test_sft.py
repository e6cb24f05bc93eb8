"""LoRA SFT on the tiny model: loss falls, resume continues, outputs are servable."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.train


def test_loss_falls(sft_run):
    losses = [r["loss"] for r in sft_run.history if "loss" in r]
    assert len(losses) == 4
    assert losses[-1] < losses[0] - 0.05


def test_resume_continues_from_checkpoint(sft_run):
    steps = [r["step"] for r in sft_run.history if "loss" in r]
    assert steps == [1, 2, 3, 4]  # not restarted from 1
    assert sft_run.history[: len(sft_run.phase1_history) - 1] == sft_run.phase1_history[:-1]  # state restored
    assert any(m.endswith("checkpoint-2") and "resuming" in m for m in sft_run.logs)
    assert sft_run.summary["global_step"] == 4


def test_outputs_carry_chat_template_and_logs(sft_run):
    from transformers import AutoTokenizer

    from factory.train.templates import CHATML_TEMPLATE

    out = sft_run.out
    for d in (out / "adapter", out / "merged"):  # what vLLM / factory chat read
        assert (d / "chat_template.jinja").read_text() == CHATML_TEMPLATE
        assert json.loads((d / "tokenizer_config.json").read_text())["eos_token"] == "<|im_end|>"
    tok = AutoTokenizer.from_pretrained(out / "merged")
    prompt = tok.apply_chat_template(
        [{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True
    )
    assert prompt == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    assert (out / "adapter" / "adapter_config.json").is_file()
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((out / "train_summary.json").read_text())
    assert summary["merged"].endswith("merged") and summary["config"]["finetune"] == "lora"
    gen = json.loads((out / "merged" / "generation_config.json").read_text())
    assert gen["eos_token_id"][0] == 151645


def test_merged_equals_base_plus_adapter(sft_run, tiny_base):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    ids = torch.tensor([[151644, 872, 198, 9707, 151645, 198, 151644, 77091, 198]])
    merged = AutoModelForCausalLM.from_pretrained(sft_run.out / "merged")
    peft = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_base), sft_run.out / "adapter")
    base = AutoModelForCausalLM.from_pretrained(tiny_base)
    with torch.no_grad():
        a, b, c = (m.eval()(input_ids=ids).logits for m in (merged, peft, base))
    assert torch.allclose(a, b, atol=1e-4)
    assert not torch.allclose(a, c, atol=1e-4)  # the adapter did change the model


def test_full_finetune_writes_model(tmp_path, tiny_base, run_dir):
    from factory.train.config import load_train_config
    from factory.train.sft import run_sft

    from .conftest import FAST

    cfg = load_train_config(
        "sft",
        None,
        {
            "model": str(tiny_base),
            "data": [str(run_dir)],
            "finetune": "full",
            "output_dir": str(tmp_path / "full"),
            "max_steps": 1,
            **FAST,
        },
    )
    summary = run_sft(cfg, log=lambda m: None)
    assert summary["final"].endswith("model")
    assert (tmp_path / "full" / "model" / "model.safetensors").is_file()
    assert (tmp_path / "full" / "model" / "chat_template.jinja").is_file()
