"""DPO from the SFT adapter: the reference is the SFT model, and 3 steps open a positive margin."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.train


def _history(out):
    return [r for r in json.loads((out / "trainer_state.json").read_text())["log_history"] if "loss" in r]


def test_reward_margin_positive(dpo_run):
    hist = _history(dpo_run)
    assert [r["step"] for r in hist] == [1, 2, 3]
    assert hist[-1]["rewards/margins"] > 0
    assert hist[-1]["loss"] < hist[0]["loss"]


def test_reference_is_the_sft_model(dpo_run):
    # Before the first update policy == reference, so both rewards are exactly 0; were the reference the
    # base model (SFT adapter off), the SFT changes would show up here.
    first = _history(dpo_run)[0]
    assert abs(first["rewards/chosen"]) < 1e-5 and abs(first["rewards/rejected"]) < 1e-5


def test_result_is_an_adapter_of_the_original_base(dpo_run, tiny_base):
    cfg = json.loads((dpo_run / "adapter" / "adapter_config.json").read_text())
    assert cfg["base_model_name_or_path"] == str(tiny_base)
    assert not (dpo_run / "adapter" / "ref").exists()
    assert (dpo_run / "adapter" / "chat_template.jinja").is_file()
    assert (dpo_run / "loss.png").is_file()


def test_sft_output_dir_resolves_to_merged_first(sft_run):
    from factory.train.model import resolve_model

    src = resolve_model(str(sft_run.out))
    assert src.weights == str(sft_run.out / "merged") and src.adapter is None
    src = resolve_model(str(sft_run.out / "adapter"))
    assert src.adapter == sft_run.out / "adapter"
