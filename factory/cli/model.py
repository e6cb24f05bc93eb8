"""`factory model export|import`: a trained model as GGUF for llama.cpp / Ollama, and a GGUF as a model to train."""

from __future__ import annotations

from pathlib import Path

import click

from factory.cli.common import one_line_errors


@click.group("model", context_settings={"help_option_names": ["-h", "--help"]})
def model_group() -> None:
    """Turn a trained model into files llama.cpp, Ollama and `factory chat --model X.gguf` run."""


@model_group.command("export")
@click.argument("model", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path), help="Folder for the .gguf files (default: MODEL/gguf)."
)
@click.option(
    "--quant",
    "quants",
    multiple=True,
    default=("Q4_K_M",),
    show_default=True,
    help="llama.cpp quantization to write besides f16 (repeatable: Q4_K_M, Q5_K_M, Q4_0, Q8_0).",
)
@click.option("--name", help="File name stem (default: MODEL's folder name).")
@one_line_errors
def export_cmd(model: Path, out: Path | None, quants: tuple[str, ...], name: str | None) -> None:
    """MODEL: a `factory train` output dir (merged/ or adapter/), or a Hugging Face model dir."""
    from factory.train.gguf import export_gguf

    for path in export_gguf(str(model), out or model / "gguf", quants, name):
        click.echo(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")


@model_group.command("import")
@click.argument("gguf", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), help="Folder for the Hugging Face model."
)
@one_line_errors
def import_cmd(gguf: Path | None, out: Path) -> None:
    """GGUF (default: the embedded SmolLM2-135M-Instruct) as a Hugging Face folder `factory train` can tune."""
    from factory.train.gguf_import import embedded_gguf_path, import_gguf

    click.echo(f"wrote {import_gguf(gguf or embedded_gguf_path(), out)}")


@model_group.command("install-converter")
@click.option(
    "--sdist",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A llama-cpp-python sdist (.tar.gz) to unpack instead of downloading it with pip.",
)
@one_line_errors
def install_converter_cmd(sdist: Path | None) -> None:
    """Unpack llama.cpp's convert_hf_to_gguf.py from the installed llama-cpp-python's sdist (install step)."""
    from factory.train.gguf import install_converter

    click.echo(f"installed {install_converter(sdist=sdist)}")
