"""What every recipe block shares: strict parsing, and one kind of user-facing error."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, ValidationError


class RecipeError(ValueError):
    """A one-line, user-facing problem with a recipe or its inputs.

    `also`: further problems found at the same time (pydantic reports every bad field at once);
    the CLI prints each on its own `error:` line, everything else sees the first one only.
    """

    def __init__(self, message: str = "", also: list[str] | None = None) -> None:
        super().__init__(message)
        self.also = list(also or [])


class Strict(BaseModel):
    """Every recipe block: an unknown key is an error, not silently ignored (a typo fails loudly)."""

    model_config = ConfigDict(extra="forbid")


def _message(err: dict) -> str:
    t, ctx = err.get("type", ""), err.get("ctx") or {}
    if t == "extra_forbidden":
        return "unknown key"
    if t == "missing":
        return "required"
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[t]
        bound = next(iter(ctx.values()), "?")
        return f"must be {op} {bound}"
    if t == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    msg = err.get("msg", "invalid")
    return msg.removeprefix("Value error, ")


def format_validation_error(exc: ValidationError) -> str:
    return format_validation_errors(exc)[0]


_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none"}


def _union_parent(loc: tuple) -> tuple | None:
    """The field above a union member's tag (`str`, `function-after[...]`, a class name), if any."""
    for i, part in enumerate(loc):
        if isinstance(part, str) and (part in _TYPE_TAGS or not re.fullmatch(r"[a-z_][a-z0-9_]*", part)):
            return tuple(loc[:i])
    return None


def format_validation_errors(exc: ValidationError) -> list[str]:
    """Every problem, one `field: what` line each, in pydantic's order; for a field that may take
    several forms (a union), only the first form's complaint, not one per form."""
    lines, unions = [], set()
    for err in exc.errors():
        parent = _union_parent(tuple(err.get("loc", ())))
        if parent is not None:
            if parent in unions:
                continue
            unions.add(parent)
        lines.append(_format_one(err))
    return list(dict.fromkeys(lines))


def _format_one(err) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()) if not str(p).startswith("function-after"))
    msg = _message(err)
    if ": " in msg and not loc:
        return msg
    return f"{loc}: {msg}" if loc else msg
