"""`${VAR}` in a recipe: expanded only where a secret or an endpoint belongs.

A shared recipe that could write `${AWS_SECRET_ACCESS_KEY}` into a character's name would send
that value to a remote model inside a prompt. So `${VAR}` (and `${VAR:-default}`) expands only
in the fields of ENV_FIELDS; anywhere else it is a one-line error naming the field.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_BLOCKS = ("backend", "judge", "preferences.self_sampled")
_KEYS = ("api_key", "base_url", "model")
ENV_FIELDS = tuple(f"{b}.{k}" for b in _BLOCKS for k in _KEYS) + tuple(
    f"{b}.endpoints[].{k}" for b in _BLOCKS[:2] for k in _KEYS
)
WHERE = "api_key, base_url and model of backend, judge (and their endpoints) and preferences.self_sampled"
_INDEX = re.compile(r"\[\d+\]")


class EnvNotAllowed(ValueError):
    pass


def interpolate(value: Any, env: Mapping[str, str] | None = None, path: str = "") -> Any:
    """A copy of `value` with `${VAR}` replaced from `env` (default os.environ) in ENV_FIELDS."""
    env = os.environ if env is None else env
    if isinstance(value, dict):
        return {k: interpolate(v, env, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, f"{path}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    found = ENV.search(value)
    if found is None:
        return value
    if _INDEX.sub("[]", path) not in ENV_FIELDS:
        raise EnvNotAllowed(
            f"{path}: ${{{found.group(1)}}} is not allowed here: environment variables expand only in {WHERE}"
        )

    def sub(m: re.Match) -> str:
        name, default = m.group(1), m.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise EnvNotAllowed(f"{path}: environment variable {name} is not set")

    return ENV.sub(sub, value)
