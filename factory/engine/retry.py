"""How the engine retries a transport failure: one policy per engine, built once.

A tenacity `AsyncRetrying` per request cost ~40 us of the engine's ~65 us per request; the loop
it ran is this small, so it is written out here instead.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .types import Reply, TransportError


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Up to `max_retries` more tries after the first, for retryable failures only (5xx, 429,
    timeouts, dropped connections), waiting `delay(n)` after the n-th failed try."""

    max_retries: int
    backoff_base: float
    backoff_max: float

    def delay(self, n: int, exc: BaseException | None) -> float:
        """Wait before try n+1: Retry-After if the server says so, else jittered exponential.

        A refused connection answers at once, so it waits at most 2 s: a dead server is
        noticed (RunAborted) in seconds, not after minutes of backoff.
        """
        if isinstance(exc, TransportError) and exc.retry_after is not None:
            return min(exc.retry_after, 300.0)  # honour the server, within reason
        cap = min(self.backoff_max, self.backoff_base * (2 ** (n - 1)))
        if isinstance(exc, TransportError) and exc.refused:
            cap = min(cap, 2.0)
        return random.uniform(0, cap)

    async def call(self, once: Callable[[], Awaitable[Reply]], on_retry: Callable[[], None]) -> Reply:
        """`once()` until it returns, a failure is not retryable, or the tries run out (re-raised)."""
        n = 1
        while True:
            try:
                return await once()
            except TransportError as exc:
                if not exc.retryable or n > self.max_retries:
                    raise
                await asyncio.sleep(self.delay(n, exc))
            n += 1
            on_retry()
