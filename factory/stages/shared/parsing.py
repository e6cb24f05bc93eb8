"""Lenient readers for what models actually send back (extra prose, fences, odd keys, strings for lists)."""

from __future__ import annotations

import re
from typing import Any

from factory.engine import ParseError, extract_json


def json_items(text: str, key: str) -> list[dict]:
    """The list under `key` (or a bare list, or a single object) from a reply."""
    data = extract_json(text)
    if isinstance(data, dict):
        lowered = {str(k).lower(): v for k, v in data.items()}
        if key in lowered:
            data = lowered[key]
        elif len(data) == 1 and isinstance(next(iter(data.values())), list):
            data = next(iter(data.values()))
        else:
            data = [data]
    if not isinstance(data, list):
        raise ParseError(f"expected a list under {key!r}")
    return [lower_keys(x) for x in data if isinstance(x, dict)]


def lower_keys(obj: dict) -> dict:
    return {str(k).strip().lower(): v for k, v in obj.items()}


def text_field(obj: dict, *names: str, limit: int = 2000) -> str:
    for n in names:
        v = obj.get(n)
        if isinstance(v, str) and v.strip():
            return v.strip()[:limit]
        if isinstance(v, (int, float)):
            return str(v)
    return ""


def list_field(obj: dict, *names: str) -> list[str]:
    for n in names:
        v = obj.get(n)
        if isinstance(v, list):
            return [str(x).strip() for x in v if str(x).strip()]
        if isinstance(v, str) and v.strip():
            return [p.strip() for p in re.split(r"[,，、;；]| and | 和 ", v) if p.strip()]
    return []


def bounded_string(max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length}
