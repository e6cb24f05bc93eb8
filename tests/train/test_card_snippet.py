"""The dataset card's TRL snippet runs as written with the installed trl (on a tiny model, one step each).

Only what cannot hold on a CPU test box is changed: the model id becomes the tiny Qwen2 (same Qwen2.5
chat template, which trl patches with `{% generation %}` markers for `assistant_only_loss`), and each
config gets use_cpu / no bf16 / one step.
"""

from __future__ import annotations

import os
import re

import pytest

from factory.records import append_jsonl

from ..export.conftest import pairs, samples

pytestmark = pytest.mark.train

CPU = 'use_cpu=True, bf16=False, max_steps=1, report_to="none", '


def test_card_trl_snippet_trains(tmp_path, tiny_base, monkeypatch):
    from factory.export.exporter import export_run

    run = tmp_path / "run"
    run.mkdir()
    (run / ".factory-run").write_text("factory run directory\n")
    ss = samples()
    append_jsonl(run / "kept.jsonl", ss)
    append_jsonl(run / "preferences.jsonl", pairs(ss))
    export_run(run, log=lambda m: None)
    card = (run / "export" / "README.md").read_text()
    [code] = re.findall(r"### TRL\n\n```python\n(.*?)```", card, re.S)
    assert "assistant_only_loss=True" in code and "DPOTrainer" in code
    for model in ("Qwen/Qwen2.5-7B-Instruct", "path/to/sft-model"):
        assert model in code
        code = code.replace(f'"{model}"', repr(str(tiny_base)))
    code = code.replace("SFTConfig(", f"SFTConfig({CPU}").replace("DPOConfig(", f"DPOConfig({CPU}")
    monkeypatch.chdir(run / "export")  # the snippet's data_files are relative to the export folder
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    exec(compile(code, "card-snippet", "exec"), {})
    assert os.path.isdir("trainer_output")  # both trainers ran to their end
