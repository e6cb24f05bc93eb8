"""Secret values never reach disk, logs, uploads or prompts.

Every value that is a secret (API keys in use, the HF token, any environment variable whose
name says key / token / secret / password) is known here, and `scrub` replaces it in any text
or JSON-like object before it is written. URLs are stored without their credentials.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
MIN_LEN = 8  # shorter values are not secrets worth masking (and would mask ordinary words)
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.I)
_registered: set[str] = set()


def register(value: str | None) -> None:
    """Remember a secret that did not come from a well-named environment variable."""
    if value and len(value) >= MIN_LEN:
        _registered.add(value)


def known() -> list[str]:
    """Every secret value in play, longest first (so a key containing another is masked whole)."""
    env = {v for k, v in os.environ.items() if _SECRET_NAME.search(k) and v and len(v) >= MIN_LEN}
    return sorted(_registered | env, key=len, reverse=True)


def scrub(text: str, values: list[str] | None = None) -> str:
    """`values`: known() already taken (scrub_obj takes it once, not per string)."""
    for value in known() if values is None else values:
        if value in text:
            text = text.replace(value, MASK)
    return text


def scrub_obj(obj: Any, values: list[str] | None = None) -> Any:
    """`scrub` through dicts, lists and strings (keys included)."""
    values = known() if values is None else values
    if isinstance(obj, str):
        return scrub(obj, values)
    if isinstance(obj, dict):
        return {scrub_obj(k, values): scrub_obj(v, values) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [scrub_obj(v, values) for v in obj]
    return obj


def find_secret(text: str) -> str | None:
    """The first secret value `text` contains (for refusing an upload), or None."""
    return next((v for v in known() if v in text), None)


def register_environment(env: dict[str, str] | None = None) -> None:
    """Register the keys factory itself reads (OpenAI, Hugging Face), whatever their env names say."""
    env = dict(os.environ) if env is None else env
    for name in ENV_KEYS:
        register(env.get(name))
    register(_hf_stored_token(env))


ENV_KEYS = ("OPENAI_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")


def _hf_stored_token(env: dict[str, str]) -> str | None:
    """The token `huggingface-cli login` saved (pushes use it when HF_TOKEN is unset)."""
    home = env.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    path = env.get("HF_TOKEN_PATH") or os.path.join(home, "token")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip() or None
    except (OSError, UnicodeDecodeError):
        return None


_SECRET_PARAM = re.compile(r"(key|token|secret|password|passwd|sig|auth)", re.I)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?[^/@\s]*@")


def strip_credentials(url: str | None) -> str | None:
    """`https://user:pw@host/v1?key=…&v=1` -> `https://host/v1?v=1`: for writing a URL anywhere.

    The password (and any dropped query value) is registered, so `scrub` masks it elsewhere too.
    """
    if not url:
        return url
    try:
        parts = urlsplit(url)
        register(parts.password)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return scrub(_USERINFO.sub(r"\1", url))
    kept = []
    for k, v in pairs:
        if _SECRET_PARAM.search(k):
            register(v)
        else:
            kept.append((k, v))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = urlencode(kept) if kept != pairs else parts.query
    out = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return scrub(_USERINFO.sub(r"\1", out))
