"""What the commands share: one-line errors (factory/errors.py), `--shard I/N`."""

from __future__ import annotations

from factory.errors import EXPECTED, UserError, one_line_errors

__all__ = ["EXPECTED", "UserError", "one_line_errors", "parse_shard"]


def parse_shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise UserError(f"--shard: expected I/N, got {value!r}") from None
    if not (n >= 1 and 0 <= i < n):
        raise UserError(f"--shard: need 0 <= I < N, got {value!r}")
    return i, n
