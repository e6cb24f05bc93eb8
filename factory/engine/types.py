"""What the engine takes and gives back. Nothing here knows what the text is for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from factory.secrets import scrub


class ParseError(ValueError):
    """The reply arrived but is not usable; the engine retries it on its own small budget."""


class RunAborted(RuntimeError):
    """The run cannot go on (endpoint unreachable, key refused, disk full, damaged cache).

    Raised instead of grinding through every request; the CLI prints its message as one line
    and exits 1, after run.json records what was done.
    """


class CacheDamaged(RuntimeError):
    """The request cache on disk cannot be read: bad input, reported when the cache opens (exit 2)."""


class TransportError(Exception):
    """A request failed before a usable reply: HTTP status, timeout, dropped connection.

    The message is scrubbed of every known secret: servers echo keys in error bodies, and
    this text ends up in failures.jsonl. `refused`: nothing listens at the endpoint
    (connection refused, unknown host), as opposed to a slow or flaky server.
    """

    def __init__(
        self, message: str, status: int | None = None, retry_after: float | None = None, refused: bool = False
    ):
        super().__init__(scrub(message))
        self.status = status
        self.retry_after = retry_after
        self.refused = refused

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status in (408, 409, 425, 429) or self.status >= 500

    @property
    def fatal(self) -> str | None:
        """Why the endpoint as a whole is unusable ("connection refused", "key refused (401)"), or None."""
        if self.refused:
            return "connection refused"
        if self.status in (401, 403):
            return f"key refused ({self.status})"
        return None

    @property
    def reason(self) -> str:
        if self.status is None:
            return "transport"
        if self.status == 429:
            return "rate_limited"
        if self.status >= 500:
            return "server_error"
        return f"http_{self.status}"


@dataclass(slots=True)
class Request:
    """One chat completion the caller wants, plus how to judge its reply.

    `id` names the logical item for the caller; `sample_index` separates several samples
    of the same prompt in the cache key.
    """

    id: str
    messages: list[dict[str, str]]
    stage: str = "default"
    params: dict[str, Any] = field(default_factory=dict)
    schema: dict[str, Any] | None = None
    parse: Callable[[str], Any] | None = None
    sample_index: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Reply:
    text: str
    finish_reason: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(slots=True)
class Result:
    request: Request
    ok: bool
    value: Any = None
    text: str | None = None
    error: str | None = None  # reason, when not ok
    detail: str | None = None
    cached: bool = False
    attempts: int = 0
