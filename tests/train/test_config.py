"""train.yaml: shared keys + stage blocks, flags on top, config-relative paths, one-line errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.recipe import RecipeError
from factory.train.config import DPOTrainConfig, SFTTrainConfig, load_train_config

pytestmark = pytest.mark.train

CONFIG = """\
model: Qwen/Qwen2.5-0.5B-Instruct
data: outputs/anna
output_dir: out/sft
max_length: 1024
lora: {r: 8, targets: [q_proj, v_proj]}
sft:
  epochs: 2
dpo:
  model: out/sft
  output_dir: out/dpo
  beta: 0.3
  loss_type: ipo
  lora: {alpha: 64}
"""


@pytest.fixture
def config(tmp_path) -> Path:
    (tmp_path / "out" / "sft").mkdir(parents=True)
    path = tmp_path / "conf" / "train.yaml"
    path.parent.mkdir()
    path.write_text(CONFIG.replace("out/", "../out/"), encoding="utf-8")
    return path


def test_stage_blocks_over_shared_keys(config):
    sft = load_train_config("sft", config)
    dpo = load_train_config("dpo", config)
    assert isinstance(sft, SFTTrainConfig) and isinstance(dpo, DPOTrainConfig)
    assert sft.epochs == 2 and dpo.epochs == 1.0 and sft.max_length == dpo.max_length == 1024
    assert sft.model == "Qwen/Qwen2.5-0.5B-Instruct"  # no such local path: a hub id, untouched
    assert dpo.model == str((config.parent.parent / "out" / "sft").resolve())  # exists: made absolute
    assert sft.data == [config.parent / "outputs" / "anna"]
    assert dpo.output_dir == config.parent / "../out/dpo"
    assert (sft.lora.r, sft.lora.alpha, sft.lora.targets) == (8, 32, ["q_proj", "v_proj"])
    assert (dpo.lora.r, dpo.lora.alpha) == (8, 64)  # nested blocks merge key by key
    assert dpo.beta == 0.3 and dpo.loss_type == ["ipo"]


def test_flags_override_config(config, tmp_path):
    cfg = load_train_config(
        "sft", config, {"learning_rate": 1e-4, "lora.r": 4, "max_steps": 3, "packing": None}
    )
    assert cfg.learning_rate == 1e-4 and cfg.lora.r == 4 and cfg.lora.targets == ["q_proj", "v_proj"]
    assert cfg.max_steps == 3 and cfg.packing is False


def test_learning_rate_defaults_follow_stage_and_finetune(tmp_path):
    base = {"model": "m", "data": [tmp_path], "output_dir": tmp_path}
    assert SFTTrainConfig(**base).lr() == 2e-4
    assert SFTTrainConfig(**base, finetune="full").lr() == 1e-5
    assert DPOTrainConfig(**base).lr() < SFTTrainConfig(**base).lr()
    assert SFTTrainConfig(**base, learning_rate=3e-5).lr() == 3e-5


@pytest.mark.parametrize(
    "body, stage, message",
    [
        ("learning_rat: 1e-4\n", "sft", "learning_rat: unknown key"),
        ("sft: {lora: {rank: 8}}\n", "sft", "sft.lora.rank: unknown key"),
        ("dpo: {beta: 0}\n", "dpo", "dpo.beta: must be > 0"),
        ("loss_type: nope\n", "dpo", "loss_type: unknown 'nope'"),
        ("finetune: qlora\n", "sft", "finetune: must be one of 'lora' or 'full'"),
        ("resume: maybe\n", "sft", None),  # any path is allowed: checked when training starts
    ],
)
def test_bad_config_names_the_field(tmp_path, body, stage, message):
    path = tmp_path / "t.yaml"
    path.write_text("model: m\ndata: d\noutput_dir: o\n" + body, encoding="utf-8")
    if message is None:
        assert load_train_config(stage, path).resume == tmp_path / "maybe"
        return
    with pytest.raises(RecipeError) as err:
        load_train_config(stage, path)
    assert str(err.value) == f"{path}: {message}" or str(err.value).startswith(f"{path}: {message}")


def test_cli_bad_config_is_one_line_exit_2(tmp_path):
    from factory.cli import main

    path = tmp_path / "t.yaml"
    path.write_text(
        textwrap.dedent("""\
        model: m
        data: d
        output_dir: o
        lora: {r: 0}
    """),
        encoding="utf-8",
    )
    res = CliRunner().invoke(main, ["train", "sft", "--config", str(path)])
    assert res.exit_code == 2
    assert res.output.strip() == f"error: {path}: lora.r: must be >= 1"
    res = CliRunner().invoke(main, ["train", "dpo", "--config", str(path), "--lora-r", "4", "--beta", "-1"])
    assert res.exit_code == 2 and res.output.strip() == f"error: {path}: beta: must be > 0.0"


def test_cli_flags_become_overrides(tmp_path, monkeypatch):
    from factory.train.commands import _overrides

    monkeypatch.chdir(tmp_path)
    got = _overrides(
        {
            "data": ("exp",),
            "output_dir": "o",
            "lora_targets": "q_proj, v_proj",
            "lora_r": 4,
            "resume": "no",
            "loss_type": ("ipo",),
            "packing": None,
            "eval_data": (),
        }
    )
    assert got == {
        "data": [str(tmp_path / "exp")],
        "output_dir": str(tmp_path / "o"),
        "lora.targets": ["q_proj", "v_proj"],
        "lora.r": 4,
        "resume": False,
        "loss_type": ["ipo"],
    }


def test_python_m_factory_train_entry():
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "factory.train", "sft", "--help"], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0 and "--config" in res.stdout and "python -m factory.train sft" in res.stdout
