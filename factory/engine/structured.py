"""Structured output: ask for JSON the way each server understands, and read it back leniently."""

from __future__ import annotations

import json
import re
from typing import Any

from .types import ParseError

_SURROGATE = re.compile("[\ud800-\udfff]")
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)

# The one table of which structured-output dialect each kind of server speaks; anything else
# (an unknown OpenAI-compatible server) gets json_schema.
MODE_BY_KIND = {
    "openai": "json_schema",
    "vllm": "json_schema",
    "llamacpp": "llamacpp",
    "deepseek": "json_object",
    "ollama": "json_object",
}


def structured_mode(kind: str, requested: str = "auto") -> str:
    """The dialect to ask `kind` in: what the user asked for, unless that is `auto`."""
    return requested if requested != "auto" else MODE_BY_KIND.get(kind, "json_schema")


def response_format(schema: dict[str, Any] | None, mode: str) -> dict[str, Any] | None:
    """`mode`: json_schema (OpenAI, vLLM), llamacpp (llama-cpp-python server), json_object, none."""
    if schema is None or mode == "none":
        return None
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "output", "schema": schema, "strict": False}}
    if mode == "llamacpp":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_object"}


def scrub_surrogates(value: Any) -> Any:
    """Replace lone UTF-16 surrogates, which small models emit as `\\ud834` escapes.

    json.loads accepts them, but they cannot be written as UTF-8, so one such reply would
    otherwise fail the whole stage when its record is saved. Valid pairs are joined.
    """
    if isinstance(value, str):
        if not _SURROGATE.search(value):
            return value
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    return value


def extract_json(text: str) -> Any:
    """Find the JSON value in a reply that may carry prose, code fences or control characters."""
    return scrub_surrogates(_extract_json(text))


def _extract_json(text: str) -> Any:
    if text is None:
        raise ParseError("empty reply")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for cand in candidates:
        cand = cand.strip()
        try:
            return json.loads(cand, strict=False)
        except json.JSONDecodeError:
            pass
        start = _first_open(cand)
        if start < 0:
            continue
        try:
            value, _ = json.JSONDecoder(strict=False).raw_decode(cand[start:])
            return value
        except json.JSONDecodeError:
            continue
    raise ParseError(f"no JSON found in reply: {text[:80]!r}")


def _first_open(text: str) -> int:
    idx = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    return min(idx) if idx else -1
