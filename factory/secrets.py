"""Secret values never reach disk, logs, uploads or prompts.

Every value that is a secret (API keys in use, the HF token, any environment variable whose
name says key / token / secret / password) is known here, and `scrub` replaces it in any text
or JSON-like object before it is written. URLs are stored without their credentials.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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


def scrub(text: str) -> str:
    for value in known():
        if value in text:
            text = text.replace(value, MASK)
    return text


def scrub_obj(obj: Any) -> Any:
    """`scrub` through dicts, lists and strings (keys included)."""
    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, dict):
        return {scrub_obj(k): scrub_obj(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [scrub_obj(v) for v in obj]
    return obj


def find_secret(text: str) -> str | None:
    """The first secret value `text` contains (for refusing an upload), or None."""
    return next((v for v in known() if v in text), None)


def strip_credentials(url: str | None) -> str | None:
    """`https://user:pw@host/v1?key=…` -> `https://host/v1` (query dropped when it holds a secret)."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = parts.query
    if query and re.search(r"(key|token|secret|password|sig)", query, re.I):
        query = ""
    return scrub(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))
