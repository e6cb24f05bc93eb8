"""Skip a deterministic stage whose inputs, settings and code are those of its last run.

A stamp beside the stage's outputs records one digest over everything the stage reads (input
files' bytes, its settings as JSON, the source and data files of the code that computes it, and
the versions of the libraries it calls) and the SHA-256 of every output file it wrote. When a
later run computes the same input digest and every output still has the recorded bytes, the
stage's result is the one it would compute again, so the outputs stay as they are. Anything
different (an edited sample, a changed setting, a touched source or blacklist file, an output
edited or removed, a library or Python upgrade) runs the stage. Only for stages without model calls.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from factory.records import write_atomic

VERSION = 1  # of the stamp's layout


def _file(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def _tree(root: Path) -> Iterable[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def inputs_digest(
    files: Iterable[Path], code: Iterable[Path], libraries: Iterable[str], settings: Any
) -> str:
    """One digest over input files, code (files or folders, read whole), library versions, settings."""
    # the interpreter too: regular expressions and Unicode tables come with it
    h = hashlib.sha256(f"stamp {VERSION} {sys.version} {unicodedata.unidata_version}\n".encode())
    for path in files:
        h.update(f"input {path.name} {_file(path)}\n".encode())
    for root in code:
        for path in _tree(root) if root.is_dir() else [root]:
            h.update(f"code {path.relative_to(root.parent)} {_file(path)}\n".encode())
    for lib in libraries:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "absent"
        h.update(f"library {lib} {version}\n".encode())
    h.update(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str).encode())
    return h.hexdigest()


class Stamp:
    """`path`: the stamp file; `outputs`: the files the stage writes, checked byte for byte."""

    def __init__(self, path: Path, digest: str, outputs: list[Path]):
        self.path, self.digest, self.outputs = path, digest, outputs

    def unchanged(self) -> dict | None:
        """The payload saved with the last run when nothing it depends on changed, else None."""
        try:
            old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(old, dict) or old.get("inputs") != self.digest:
            return None
        if old.get("outputs") != {p.name: _file(p) for p in self.outputs}:
            return None
        return old.get("payload")

    def save(self, payload: dict) -> None:
        outputs = {p.name: _file(p) for p in self.outputs}
        doc = {"inputs": self.digest, "outputs": outputs, "payload": payload}
        write_atomic(self.path, json.dumps(doc, ensure_ascii=False) + "\n")
