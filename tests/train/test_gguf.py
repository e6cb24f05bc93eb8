"""HF tiny Qwen2 -> LoRA SFT -> merged -> GGUF (llama.cpp's converter + quantizer) -> llama.cpp answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.train, pytest.mark.llama]

ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


@pytest.fixture(scope="module")
def ggufs(sft_run, tmp_path_factory) -> dict[str, Path]:
    pytest.importorskip("llama_cpp")
    from factory.train.gguf import find_converter

    try:
        find_converter()
    except FileNotFoundError as exc:
        pytest.skip(f"{exc} (an install step: make setup)")
    out = tmp_path_factory.mktemp("gguf")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "factory",
            "model",
            "export",
            str(sft_run.out),
            "--out",
            str(out),
            "--name",
            "anna",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = {"f16": out / "anna-f16.gguf", "q4_k_m": out / "anna-q4_k_m.gguf"}
    assert all(f"wrote {p}" in proc.stdout for p in files.values())
    return files


def test_gguf_keeps_architecture_template_and_weights(ggufs, sft_run):
    import llama_cpp
    import torch
    from transformers import AutoModelForCausalLM

    from factory.train.templates import CHATML_TEMPLATE

    ids = [151644, 872, 198, 9707, 151645, 198, 151644, 77091, 198]  # <|im_start|>user\nHello<|im_end|>...
    hf = AutoModelForCausalLM.from_pretrained(sft_run.out / "merged").eval()
    with torch.no_grad():
        want = hf(input_ids=torch.tensor([ids])).logits[0, -1]
    for kind, path in ggufs.items():
        llm = llama_cpp.Llama(model_path=str(path), n_ctx=64, n_threads=2, logits_all=True, verbose=False)
        meta = llm.metadata
        assert meta["general.architecture"] == "qwen2"
        assert meta["tokenizer.chat_template"] == CHATML_TEMPLATE
        assert (
            llm.tokenize(b"<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n", special=True) == ids
        )
        llm.eval(ids)
        got = torch.tensor(llm.scores[llm.n_tokens - 1])
        if kind == "f16":  # the trained weights made it across: same next-token ranking as the HF model
            assert int(got.argmax()) in torch.topk(want, 3).indices.tolist()
            assert torch.corrcoef(torch.stack([got, want]))[0, 1] > 0.99
        llm.close()
    assert ggufs["q4_k_m"].stat().st_size < ggufs["f16"].stat().st_size


def test_llama_cpp_server_and_factory_chat_answer(ggufs, tmp_path):
    (tmp_path / "anna.md").write_text(
        "# Anna Keller\n\nAnna Keller is a clockmaker in a river town in 1880.\n"
    )
    (tmp_path / "lines.txt").write_text("Hello, who are you?\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "factory",
            "chat",
            "--model",
            str(ggufs["q4_k_m"]),
            "--profile",
            str(tmp_path / "anna.md"),
            "--character",
            "Anna Keller",
            "--script",
            str(tmp_path / "lines.txt"),
            "--persona",
            "dynamic",
            "--no-summary",
            "--max-tokens",
            "8",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'Me: "Hello, who are you?"' in proc.stdout
    assert 'Anna Keller: "' in proc.stdout  # llama.cpp's server loaded the GGUF and answered


def test_factory_eval_runs_on_the_gguf(ggufs, tmp_path):
    from factory.records import append_jsonl

    from ..export.conftest import samples

    run = tmp_path / "run"
    run.mkdir()
    (run / ".factory-run").write_text("factory run directory\n")
    append_jsonl(run / "kept.jsonl", samples())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "factory",
            "eval",
            "--model",
            str(ggufs["q4_k_m"]),
            "--run",
            str(run),
            "--max-tokens",
            "8",
            "--questions",
            "1",
            "--interviews",
            "0",
            "--probes",
            "0",
            "--exchanges",
            "0",
            "--label",
            "anna-q4",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    details = (run / "eval" / "anna-q4" / "details.jsonl").read_text().splitlines()
    assert len(details) >= 4  # one fixed question per topic, each sent to llama.cpp serving the GGUF
    assert "POST /v1/chat/completions" in (run / "eval" / "anna-q4" / "llama_server.log").read_text()
