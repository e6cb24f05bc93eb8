"""Client-side limits: an adaptive concurrency gate (AIMD on 429) and token buckets."""

from __future__ import annotations

import asyncio
import time


class AdaptiveLimit:
    """A concurrency gate whose width halves on 429 and climbs back by ~1 per window of successes."""

    def __init__(self, maximum: int, minimum: int = 1):
        self.maximum = maximum
        self.minimum = minimum
        self.limit = float(maximum)
        self.in_flight = 0
        self._cond = asyncio.Condition()
        self.decreases = 0

    async def acquire(self) -> None:
        async with self._cond:
            while self.in_flight >= int(self.limit):
                await self._cond.wait()
            self.in_flight += 1

    async def release(self, throttled: bool = False) -> None:
        async with self._cond:
            self.in_flight -= 1
            if throttled:
                self.limit = max(float(self.minimum), self.limit / 2)
                self.decreases += 1
            elif self.limit < self.maximum:
                self.limit = min(float(self.maximum), self.limit + 1.0 / max(self.limit, 1.0))
            self._cond.notify_all()


class TokenBucket:
    """Refills `rate_per_min` units a minute; `take(n)` waits until n are available."""

    def __init__(self, rate_per_min: float):
        self.rate = rate_per_min / 60.0
        self.capacity = rate_per_min
        self.tokens = rate_per_min
        self.stamp = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self, n: float = 1.0) -> None:
        n = min(n, self.capacity)
        async with self._lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
                self.stamp = now
                if self.tokens >= n:
                    self.tokens -= n
                    return
                await asyncio.sleep((n - self.tokens) / self.rate)
