"""An endpoint's base URL: http(s), a host, and no credentials in it.

Credentials in a URL (`https://user:pass@host/v1`, `?api_key=...`) end up wherever the URL is
printed or stored; the key belongs in `api_key`, which is sent as a header and masked everywhere.
So such a URL is refused with that advice rather than carried along.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

_SECRET_PARAM = re.compile(r"(key|token|secret|password|passwd|sig|auth)", re.I)


def check_base_url(url: str) -> str:
    """`url` unchanged if usable; ValueError (one line, secret-free) otherwise."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise ValueError("not a valid URL (expected http(s)://host[:port]/path)") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL (expected http(s)://host[:port]/path)")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "holds credentials (user:password@): put the key in api_key (e.g. api_key: ${MY_API_KEY}) "
            "and give the URL without them"
        )
    if any(_SECRET_PARAM.search(k) for k, _ in parse_qsl(parts.query, keep_blank_values=True)):
        raise ValueError(
            "holds a key in its query string: put the key in api_key and give the URL without it"
        )
    return url.strip()
