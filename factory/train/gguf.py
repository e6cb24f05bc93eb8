"""A trained model as GGUF, written by llama.cpp's own tools, so llama.cpp, Ollama and `factory chat` run it.

- f16: `convert_hf_to_gguf.py` (with its `conversion/` package and the `gguf-py` it was written
  against), unpacked once from the llama-cpp-python sdist of the installed version
  (`factory model install-converter`; `make setup` does it). Nothing is downloaded at run time.
- quantizations (Q4_K_M by default): `llama_model_quantize` from the installed llama_cpp, llama.cpp's
  own quantizer. Tensors whose rows do not fit a k-quant block fall back as llama.cpp decides.

The input is a model dir or a `factory train` output (merged/ or model/; an adapter alone is merged
first, on the CPU).
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CONVERTER_ENV = "FACTORY_LLAMA_CONVERT"
SCRIPT = "convert_hf_to_gguf.py"
UNPACKED = (SCRIPT, "conversion/", "gguf-py/", "LICENSE")  # under vendor/llama.cpp/ in the sdist
QUANTS = {
    "Q4_K_M": "LLAMA_FTYPE_MOSTLY_Q4_K_M",
    "Q5_K_M": "LLAMA_FTYPE_MOSTLY_Q5_K_M",
    "Q4_0": "LLAMA_FTYPE_MOSTLY_Q4_0",
    "Q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0",
}


def converter_home() -> Path:
    env = os.environ.get(CONVERTER_ENV)
    return Path(env) if env else Path(sys.prefix) / "share" / "factory" / "llama.cpp"


def find_converter() -> Path:
    script = converter_home() / SCRIPT
    if not script.is_file():
        raise FileNotFoundError(
            f"gguf: llama.cpp's converter is not installed ({script}); run `factory model install-converter` "
            f"once (it unpacks {SCRIPT} from the llama-cpp-python sdist), or set {CONVERTER_ENV} to a llama.cpp "
            "checkout"
        )
    return script


def install_converter(dest: Path | None = None, sdist: Path | None = None) -> Path:
    """Unpack the converter from the llama-cpp-python sdist (downloaded with pip unless given): an install step."""
    dest = dest or converter_home()
    version = importlib.metadata.version("llama-cpp-python")
    with tempfile.TemporaryDirectory(prefix="factory-sdist-") as tmp:
        if sdist is None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    f"llama-cpp-python=={version}",
                    "-d",
                    tmp,
                ],
                check=True,
            )
            sdist = next(Path(tmp).glob("llama_cpp_python-*.tar.gz"))
        staging = Path(tmp) / "unpacked"
        with tarfile.open(sdist) as tar:
            root = f"{tar.getnames()[0].split('/')[0]}/vendor/llama.cpp/"
            members = [
                m
                for m in tar.getmembers()
                if m.name.startswith(root) and m.name[len(root) :].startswith(UNPACKED)
            ]
            if not any(m.name.endswith(SCRIPT) for m in members):
                raise FileNotFoundError(f"gguf: {sdist.name} holds no vendor/llama.cpp/{SCRIPT}")
            for m in members:
                m.name = m.name[len(root) :]
            tar.extractall(staging, members=members, filter="data")
        (staging / "VERSION").write_text(f"llama-cpp-python {version}\n", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(dest))
    return dest / SCRIPT


def hf_model_dir(spec: str, work: Path) -> Path:
    """A plain HF model dir for `spec`; a LoRA adapter is merged into `work` first."""
    from factory.train.model import resolve_model

    src = resolve_model(spec)
    if src.adapter is None:
        return Path(src.weights)
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = AutoModelForCausalLM.from_pretrained(src.weights, dtype="auto")
    merged = PeftModel.from_pretrained(base, str(src.adapter)).merge_and_unload()
    merged.save_pretrained(str(work))
    AutoTokenizer.from_pretrained(src.tokenizer).save_pretrained(str(work))
    return work


def convert(model_dir: Path, outfile: Path, outtype: str = "f16") -> Path:
    """llama.cpp's convert_hf_to_gguf.py in a subprocess; its last error line on failure."""
    env = {
        k: v for k, v in os.environ.items() if k != "NO_LOCAL_GGUF"
    }  # use the gguf-py it was written against
    proc = subprocess.run(
        [
            sys.executable,
            str(find_converter()),
            str(model_dir),
            "--outfile",
            str(outfile),
            "--outtype",
            outtype,
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0 or not outfile.is_file():
        last = next(
            (ln for ln in reversed(proc.stderr.splitlines()) if ln.strip()), f"exit {proc.returncode}"
        )
        raise RuntimeError(f"gguf: {SCRIPT} failed on {model_dir}: {last.strip()}")
    return outfile


def quantize(src: Path, dst: Path, kind: str = "Q4_K_M", threads: int | None = None) -> Path:
    import llama_cpp

    if kind.upper() not in QUANTS:
        raise ValueError(f"quant: unknown {kind!r}; one of {', '.join(QUANTS)}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, QUANTS[kind.upper()])
    params.nthread = threads or os.cpu_count() or 1
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0 or not dst.is_file():
        raise RuntimeError(f"gguf: llama.cpp could not quantize {src} to {kind} (code {rc})")
    return dst


def export_gguf(
    spec: str, out: Path, quants: list[str] | tuple[str, ...] = ("Q4_K_M",), name: str | None = None
) -> list[Path]:
    """`out/NAME-f16.gguf` and one file per quantization; returns their paths."""
    find_converter()  # fail before any merging
    bad = [q for q in quants if q.upper() not in QUANTS]
    if bad:
        raise ValueError(f"quant: unknown {bad[0]!r}; one of {', '.join(QUANTS)}")
    out.mkdir(parents=True, exist_ok=True)
    name = name or Path(spec).resolve().name
    with tempfile.TemporaryDirectory(prefix="factory-merge-", dir=out) as work:
        model_dir = hf_model_dir(spec, Path(work))
        f16 = convert(model_dir, out / f"{name}-f16.gguf")
    return [f16, *(quantize(f16, out / f"{name}-{q.lower()}.gguf", q) for q in quants)]
