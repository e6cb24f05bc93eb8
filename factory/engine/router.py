"""Routing over many endpoints serving the same job: least-loaded first, failover, probes.

One Transport per endpoint behind one Transport, so the engine (cache, parse budget, retries,
abort) is unchanged: it sees one endpoint that only fails when every endpoint failed.

- Pick: the healthy endpoint with the lowest (in-flight + 1) / (concurrency * weight); a full
  one (in-flight = concurrency) is skipped, and when all are full the request waits for a slot,
  so a slow endpoint holds its slots longer and gets less traffic.
- Out: a refused connection or key at once; a streak of STREAK 5xx / timeouts / drops, or of
  429s, after it. Out means no traffic until `backoff_base * 2**outs` (capped at backoff_max,
  or the server's Retry-After) has passed; then one request probes it back in.
- Failover: a request that failed on one endpoint (retryable, or refused) goes to the next
  untried one at once. Only when all failed (or all are out) does the error reach the engine,
  which backs off and retries, and counts refusals towards `abort_after`: so a run aborts
  when all endpoints are down, not one.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from factory.secrets import register, strip_credentials

from .core import EndpointSettings
from .stats import Prices
from .transport import Transport, make_transport
from .types import Reply, TransportError

STREAK = 3  # failures in a row (5xx, timeouts, 429s) that take an endpoint out


@dataclass
class Member:
    """One endpoint of the fleet, its load, its health and its books."""

    url: str
    model: str
    transport: Transport
    concurrency: int
    weight: float = 1.0
    in_flight: int = 0
    down_until: float | None = None  # None: healthy
    probing: bool = False
    outs: int = 0
    streak: int = 0
    last_error: TransportError | None = None
    requests: int = 0
    ok: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    taken_out: int = 0
    failures: Counter = field(default_factory=Counter)
    prices: Prices = field(default_factory=Prices)  # this endpoint's own

    def score(self) -> float:
        return (self.in_flight + 1) / (self.concurrency * self.weight)

    def books(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "requests": self.requests,
            "ok": self.ok,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost_usd": round(self.prices.cost(self.tokens_in, self.tokens_out), 6),
            "failures": dict(self.failures),
            "taken_out": self.taken_out,
            "healthy": self.down_until is None,
        }


class Router:
    """A Transport that spreads requests over `members` (see the module docstring)."""

    def __init__(
        self,
        members: list[Member],
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
    ):
        if not members:
            raise ValueError("a router needs at least one endpoint")
        self.members = members
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._cond: asyncio.Condition | None = None  # made on first use, inside the running loop

    # -- Transport ---------------------------------------------------------------------------
    async def complete(self, body: dict[str, Any]) -> Reply:
        tried: list[Member] = []
        errors: list[TransportError] = []
        while True:
            member = await self._pick(tried)
            if member is None:
                raise _worst(errors or [m.last_error or _down(m) for m in self.members])
            tried.append(member)
            try:
                reply = await member.transport.complete({**body, "model": member.model})
            except TransportError as exc:
                await self._failed(member, exc)
                if not exc.retryable and exc.fatal is None:
                    raise  # the request's own fault (400, 404, 422): another endpoint says the same
                errors.append(exc)
                continue
            except BaseException:  # cancelled (the run aborts) or a bug: free the slot, book nothing
                member.in_flight -= 1
                member.probing = False
                raise
            await self._succeeded(member, reply)
            return reply

    async def close(self) -> None:
        for m in self.members:
            await m.transport.close()

    def books(self) -> dict[str, dict[str, Any]]:
        """Per endpoint (URL without credentials): requests, tokens, cost, failures, outs."""
        out: dict[str, dict[str, Any]] = {}
        for m in self.members:
            name = strip_credentials(m.url)
            if name in out:  # the same server under two model names
                name = f"{name} ({m.model})"
            out[name] = m.books()
        return out

    # -- choosing ----------------------------------------------------------------------------
    async def _pick(self, tried: list[Member]) -> Member | None:
        """The endpoint for the next try, waiting for a slot when all usable ones are busy;
        None when every untried one is out and not yet due for its probe."""
        cond = self._condition()
        async with cond:
            while True:
                now = time.monotonic()
                left = [m for m in self.members if m not in tried]
                free = [m for m in left if m.down_until is None and m.in_flight < m.concurrency]
                if free:
                    best = min(free, key=Member.score)
                    best.in_flight += 1
                    return best
                due = [m for m in left if m.down_until is not None and not m.probing and now >= m.down_until]
                if due:
                    probe = min(due, key=lambda m: m.down_until or 0.0)
                    probe.probing = True
                    probe.in_flight += 1
                    return probe
                busy = [m for m in left if m.down_until is None or m.probing]
                if not busy:
                    return None
                try:  # a slot frees, a probe ends, or an out endpoint comes due
                    await asyncio.wait_for(cond.wait(), self._next_due(left, now))
                except asyncio.TimeoutError:
                    pass

    def _next_due(self, members: list[Member], now: float) -> float:
        waits = [m.down_until - now for m in members if m.down_until is not None and not m.probing]
        return max(0.01, min(waits, default=self.backoff_max))

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    # -- health and books --------------------------------------------------------------------
    async def _succeeded(self, m: Member, reply: Reply) -> None:
        async with self._condition():
            m.in_flight -= 1
            m.requests += 1
            m.ok += 1
            m.tokens_in += reply.prompt_tokens
            m.tokens_out += reply.completion_tokens
            if m.probing:  # the probe answered: back in (not a reply sent before it went out)
                m.down_until, m.outs = None, 0
            m.streak, m.probing, m.last_error = 0, False, None
            self._condition().notify_all()

    async def _failed(self, m: Member, exc: TransportError) -> None:
        async with self._condition():
            m.in_flight -= 1
            m.requests += 1
            m.failures[exc.fatal or exc.reason] += 1
            m.last_error = exc
            if exc.retryable or exc.fatal is not None:
                m.streak += 1
                if exc.fatal is not None or m.probing or m.streak >= STREAK:
                    self._take_out(m, exc)
            elif m.probing:  # it answered (a 4xx about the request): it is up
                m.down_until, m.outs = None, 0
            m.probing = False
            self._condition().notify_all()

    def _take_out(self, m: Member, exc: TransportError) -> None:
        wait = min(self.backoff_max, self.backoff_base * 2**m.outs)
        if exc.retry_after is not None:
            wait = max(wait, min(exc.retry_after, 300.0))
        m.down_until = time.monotonic() + wait
        m.outs += 1
        m.taken_out += 1
        m.streak = 0


def _down(m: Member) -> TransportError:
    return TransportError(f"{strip_credentials(m.url)}: taken out of rotation")


def _worst(errors: list[TransportError]) -> TransportError:
    """The error the engine sees: a live endpoint's (5xx, 429) if any, so that `abort_after`
    counts only moments when every endpoint refused."""
    alive = [e for e in errors if e.fatal is None]
    e = (alive or errors)[-1]
    return TransportError(str(e), status=e.status, retry_after=e.retry_after, refused=e.refused)


def router_for(settings: EndpointSettings) -> Router:
    """One transport per endpoint in `settings.members`, each with its own connection pool."""
    members = []
    for s in settings.members:
        register(s.api_key)  # so a server echoing it cannot leak it to disk
        transport = make_transport(settings.transport, s.base_url, s.api_key, s.timeout, s.concurrency)
        members.append(Member(s.base_url, s.model, transport, s.concurrency, s.weight, prices=s.prices))
    return Router(members, settings.backoff_base, settings.backoff_max)
