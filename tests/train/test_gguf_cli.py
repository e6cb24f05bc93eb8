"""`factory model export` errors: one line, exit 2, nothing written."""

from __future__ import annotations

from click.testing import CliRunner

from factory.cli import main


def test_missing_converter_is_one_line_that_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTORY_LLAMA_CONVERT", str(tmp_path / "nowhere"))
    (tmp_path / "model").mkdir()
    r = CliRunner().invoke(
        main, ["model", "export", str(tmp_path / "model"), "--out", str(tmp_path / "gguf")]
    )
    assert r.exit_code == 2
    assert r.output.startswith("error: gguf: llama.cpp's converter is not installed")
    assert "factory model install-converter" in r.output and len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "gguf").exists()


def test_unknown_quantization(tmp_path, monkeypatch):
    (tmp_path / "conv").mkdir()
    (tmp_path / "conv" / "convert_hf_to_gguf.py").write_text("")
    monkeypatch.setenv("FACTORY_LLAMA_CONVERT", str(tmp_path / "conv"))
    (tmp_path / "model").mkdir()
    r = CliRunner().invoke(main, ["model", "export", str(tmp_path / "model"), "--quant", "Q3_XYZ"])
    assert r.exit_code == 2 and r.output.startswith("error: quant: unknown 'Q3_XYZ'; one of Q4_K_M")
