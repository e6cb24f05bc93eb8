"""The engine: the one way anything in factory talks to a model.

A bounded pool of workers pulls requests from a queue and yields results as they finish
(no gather over everything, no batch barriers). Transport failures retry with jittered
exponential backoff (honouring Retry-After); 429s also halve the concurrency. Parse failures
and truncated replies have their own small budget, spent on fresh calls only: a re-run replays
a request's cached bad replies for free and then asks anew, so a transient bad reply heals.
A request that runs out of budget comes back as a failed Result with its reason: never
dropped, never half-kept. An endpoint that refuses every connection or key stops the run
(RunAborted) after a few tries in a row, instead of failing every request one by one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from factory.secrets import register, strip_credentials

from .cache import RequestCache, canonical, key_for, key_prefix
from .limits import AdaptiveLimit, TokenBucket
from .retry import RetryPolicy
from .stats import Accounting, Prices
from .structured import response_format, structured_mode
from .transport import Transport, make_transport, prepared
from .types import ParseError, Reply, Request, Result, RunAborted, TransportError

# Rounds of the parse budget a request may spend over successive runs; past that a re-run
# replays its cached failures (a bounded scan) and asks no more, until --fresh.
PARSE_ROUNDS = 5
_HINTS = {
    "connection refused": "is the server running, and is the URL right?",
    "key refused": "check the API key (OPENAI_API_KEY or backend.api_key)",
}


@dataclass
class EndpointSettings:
    """Where and how to send requests; resolved from flags, recipe, environment or the embedded server."""

    base_url: str
    model: str
    api_key: str | None = None
    kind: str = "openai"  # openai | llamacpp | vllm | ollama | other: changes structured output
    structured: str = "auto"  # auto | json_schema | llamacpp | json_object | none
    transport: str = "aiohttp"  # aiohttp | openai
    concurrency: int = 16
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    timeout: float = 120.0
    max_retries: int = 6
    parse_retries: int = 2
    # stop the run after this many connection-refused / 401 / 403 answers in a row, across requests
    abort_after: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    params: dict[str, Any] = field(default_factory=dict)
    prices: Prices = field(default_factory=Prices)
    weight: float = 1.0  # this endpoint's share of traffic, as a member of a fleet
    # several endpoints (factory/engine/router.py): base_url/model/concurrency above are then the
    # first one's, its model names the cache key, and concurrency is their sum
    members: list[EndpointSettings] = field(default_factory=list)

    def structured_mode(self) -> str:
        return structured_mode(self.kind, self.structured)

    def where(self) -> str:
        """The endpoint(s), for a message: the URL, or every member's when there are several."""
        if not self.members:
            return strip_credentials(self.base_url)
        return "all endpoints (" + ", ".join(strip_credentials(m.base_url) for m in self.members) + ")"

    def __repr__(self) -> str:  # never print the key
        return f"EndpointSettings(base_url={self.base_url!r}, model={self.model!r}, kind={self.kind!r})"


Progress = Callable[[str, Result], None]


class Engine:
    def __init__(
        self,
        settings: EndpointSettings,
        cache: RequestCache | None = None,
        accounting: Accounting | None = None,
        transport: Transport | None = None,
    ):
        self.settings = settings
        self.cache = cache
        self.accounting = accounting or Accounting(settings.prices)
        if transport is None and settings.members:
            from .router import router_for  # the router builds on this module

            transport = router_for(settings)
        self.transport = transport or make_transport(
            settings.transport, settings.base_url, settings.api_key, settings.timeout, settings.concurrency
        )
        self.limit = AdaptiveLimit(settings.concurrency)
        self.rpm = TokenBucket(settings.requests_per_minute) if settings.requests_per_minute else None
        self.tpm = TokenBucket(settings.tokens_per_minute) if settings.tokens_per_minute else None
        self._rf_mode = settings.structured_mode()
        self.retry = RetryPolicy(settings.max_retries, settings.backoff_base, settings.backoff_max)
        register(settings.api_key)  # so a server echoing it in an error body cannot leak it to disk
        self._fatal_streak = 0
        self._aborted: str | None = None

    async def close(self) -> None:
        await self.transport.close()

    def endpoint_books(self) -> dict[str, dict] | None:
        """Per-endpoint requests, tokens, cost and failures when a router spreads the load."""
        books = getattr(self.transport, "books", None)
        return books() if callable(books) else None

    def cost_usd(self) -> float:
        """What this engine's calls cost: each endpoint's tokens at its own prices when a router
        spreads the load (a paid API beside a free replica), else all tokens at the one price."""
        books = self.endpoint_books()
        if books is not None:
            return round(sum(b["cost_usd"] for b in books.values()), 6)
        return round(self.accounting.prices.cost(*self.accounting.tokens()), 6)

    async def stream(
        self,
        requests: Iterable[Request] | AsyncIterable[Request],
        progress: Progress | None = None,
        workers: int | None = None,
    ) -> AsyncIterator[Result]:
        """Yield a Result for every request, in completion order."""
        n_workers = max(1, min(workers or self.settings.concurrency, self.settings.concurrency))
        inbox: asyncio.Queue = asyncio.Queue(maxsize=n_workers * 2)
        outbox: asyncio.Queue = asyncio.Queue()
        done_marker = object()
        aborted: list[RunAborted] = []

        async def feed() -> None:
            if isinstance(requests, AsyncIterable):  # requests made as their inputs land (per_record)
                async for req in requests:
                    await inbox.put(req)
            else:
                for req in requests:
                    await inbox.put(req)
            for _ in range(n_workers):
                await inbox.put(done_marker)

        async def work() -> None:
            while True:
                req = await inbox.get()
                if req is done_marker:
                    await outbox.put(done_marker)
                    return
                try:
                    res = await self.process(req)
                except RunAborted as exc:  # the run cannot go on: the consumer raises it
                    aborted.append(exc)
                    await outbox.put(done_marker)
                    return
                except Exception as exc:  # a bug in a parse hook must not kill the pool
                    self.accounting.stage(req.stage).failures["internal"] += 1
                    res = Result(req, ok=False, error="internal", detail=f"{type(exc).__name__}: {exc}")
                await outbox.put(res)

        tasks = [asyncio.create_task(feed())] + [asyncio.create_task(work()) for _ in range(n_workers)]
        finished = 0
        try:
            while finished < n_workers:
                item = await outbox.get()
                if aborted:
                    raise aborted[0]
                if item is done_marker:
                    finished += 1
                    continue
                if progress is not None:
                    progress(item.request.stage, item)
                yield item
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def run(self, requests: Iterable[Request], progress: Progress | None = None) -> list[Result]:
        return [r async for r in self.stream(requests, progress)]

    def body(self, req: Request) -> dict[str, Any]:
        params = {**self.settings.params, **req.params}
        body: dict[str, Any] = {"model": self.settings.model, "messages": req.messages, **params}
        rf = response_format(req.schema, self._rf_mode)
        if rf is not None:
            body["response_format"] = rf
        return body

    async def process(self, req: Request) -> Result:
        """One request through cache, transport and parse budget.

        Attempt n has its own cache key (and seed). Cached attempts replay for free; fresh calls
        may go on to the end of the budget round the first fresh call falls in, so a resumed run
        finishes the round a killed one started (the same replies as an uninterrupted run) and a
        re-run of a failed request gets one new round.
        """
        stats = self.accounting.stage(req.stage)
        body = self.body(req)
        params = {k: v for k, v in body.items() if k not in ("model", "messages", "response_format")}
        messages_json = canonical(req.messages)  # once: for every attempt's key and for the wire
        prefix = key_prefix(
            self.settings.model, self.settings.kind, messages_json, params, req.schema, req.sample_index
        )
        budget = self.settings.parse_retries + 1
        last_error, last_detail, text = "parse", "", None
        attempts = 0
        failed: str | None = None  # why the previous attempt failed: the next call is a retry
        round_end: int | None = None
        for attempt in range(budget * PARSE_ROUNDS):
            key = key_for(prefix, attempt)
            reply = self.cache.get(key) if self.cache is not None else None
            if reply is not None:
                stats.cache_hits += 1
            else:
                if round_end is None:
                    round_end = (attempt // budget + 1) * budget
                if attempt >= round_end:
                    break
                if failed is not None:
                    stats.retries[failed] += 1
                try:
                    reply = await self._call(prepared(_seeded(body, key), messages_json), stats)
                except TransportError as exc:
                    stats.failures[exc.reason] += 1
                    return Result(
                        req, ok=False, error=exc.reason, detail=str(exc)[:300], attempts=attempts + 1
                    )
                attempts += 1
                stats.tokens_in += reply.prompt_tokens
                stats.tokens_out += reply.completion_tokens
                if self.cache is not None:
                    self.cache.put(key, reply)
            text = reply.text
            if reply.finish_reason == "length":
                last_error, last_detail = "truncated", "finish_reason=length"
            else:
                try:
                    value = req.parse(reply.text) if req.parse else reply.text
                    stats.ok += 1
                    return Result(
                        req, ok=True, value=value, text=reply.text, cached=attempts == 0, attempts=attempts
                    )
                except (ParseError, ValueError) as exc:
                    last_error, last_detail = "parse", str(exc)[:300]
            failed = last_error
        stats.failures[last_error] += 1
        return Result(
            req,
            ok=False,
            error=last_error,
            detail=last_detail,
            text=text,
            cached=attempts == 0,
            attempts=attempts,
        )

    async def _call(self, body: dict[str, Any], stats) -> Reply:
        def retried() -> None:
            stats.retries["transport"] += 1

        return await self.retry.call(lambda: self._once(body, stats), retried)

    async def _once(self, body: dict[str, Any], stats) -> Reply:
        if self.rpm is not None:
            await self.rpm.take(1)
        if self.tpm is not None:
            est = sum(len(m.get("content", "")) for m in body["messages"]) / 3 + body.get("max_tokens", 256)
            await self.tpm.take(est)
        await self.limit.acquire()
        throttled = False
        try:
            if self._aborted is not None:  # another request found the endpoint dead meanwhile
                raise RunAborted(self._aborted)
            stats.requests += 1
            reply = await self.transport.complete(body)
        except TransportError as exc:
            throttled = exc.status == 429
            self._count_fatal(exc)
            raise
        finally:
            await self.limit.release(throttled)
        self._fatal_streak = 0
        return reply

    def _count_fatal(self, exc: TransportError) -> None:
        """Refused connections and keys, in a row across requests, mean the endpoint is unusable."""
        cause = exc.fatal
        if cause is None:
            self._fatal_streak = 0
            return
        self._fatal_streak += 1
        if self._fatal_streak >= max(1, self.settings.abort_after) and self._aborted is None:
            hint = _HINTS["key refused" if cause.startswith("key") else cause]
            self._aborted = f"{self.settings.where()}: {cause}, {self._fatal_streak} times in a row; {hint}"
        if self._aborted is not None:
            raise RunAborted(self._aborted) from exc

    def _backoff(self, n: int, exc: BaseException | None) -> float:
        return self.retry.delay(n, exc)


def _seeded(body: dict[str, Any], key: str) -> dict[str, Any]:
    """A request's own seed, from the base seed and its cache key.

    Reproducible run to run, yet different per request and per parse retry: one seed for all
    would make a retry of the same prompt return the same broken reply.
    """
    if body.get("seed") is None:
        return body
    return {**body, "seed": (int(body["seed"]) + int(key[:8], 16)) % 2**31}
