"""Paths in a recipe stay inside the recipe's folder, unless the user typed them on the command line.

A recipe travels like a script: `profile.file: ../../../../etc/passwd` would be read and sent to a
remote model, `output_dir: ~/.config/...` would be written. So every path field of a recipe
resolves against its folder and must land inside it, symlinks followed. A path the user passes
with `--set FIELD=PATH` (or `--out`, `--local-model`) is the user's own choice and may be anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

# how to give a path outside the folder, per field (default: --set FIELD=PATH)
_HINT = {"output_dir": "--out DIR", "backend.local.model_path": "--local-model FILE"}


class PathOutside(ValueError):
    pass


def _walk(obj: object, prefix: str = "") -> Iterator[tuple[str, object, str | int, Path]]:
    """(field path, owner, attribute or index, value) of every Path in a model tree."""
    if isinstance(obj, BaseModel):
        for name, field in type(obj).model_fields.items():
            if field.exclude:
                continue
            value = getattr(obj, name)
            key = f"{prefix}{field.alias or name}"
            if isinstance(value, Path):
                yield key, obj, name, value
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, Path):
                        yield f"{key}[{i}]", value, i, item
                    else:
                        yield from _walk(item, f"{key}[{i}].")
            else:
                yield from _walk(value, f"{key}.")


def _plain(field: str) -> str:
    return re.sub(r"\[\d+\]", "", field)


def user_given(field: str, user_keys: set[str]) -> bool:
    """True when `--set` named this field or a block above it (`--set mix.general=[...]`)."""
    plain = _plain(field)
    return any(plain == k or plain.startswith(k + ".") for k in user_keys)


def confine_paths(model: BaseModel, base: Path, user_keys: set[str] = frozenset()) -> None:
    """Make every Path field absolute (relative ones against `base`) and inside `base`."""
    base = base.resolve()
    for field, owner, attr, value in list(_walk(model)):
        resolved = (value if value.is_absolute() else base / value).resolve()
        if not user_given(field, user_keys) and not resolved.is_relative_to(base):
            how = _HINT.get(field, f"--set {_plain(field)}=PATH")
            raise PathOutside(
                f"{field}: {value} is outside the recipe's folder {base} (a recipe may only name "
                f"files inside its own folder; to use this one, give it on the command line: {how})"
            )
        if isinstance(owner, list):
            owner[attr] = resolved
        else:
            setattr(owner, attr, resolved)
