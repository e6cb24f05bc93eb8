"""Client-side limits: the AIMD gate recovers after a 429, token buckets really throttle."""

from __future__ import annotations

import asyncio
import time

from factory.engine import Engine
from factory.engine.limits import AdaptiveLimit, TokenBucket
from tests.engine.test_engine import req, run, settings


def test_gate_halves_on_429_then_climbs_back_one_per_window():
    async def go() -> list[float]:
        gate = AdaptiveLimit(8)
        await gate.acquire()
        await gate.release(throttled=True)
        widths = [gate.limit]
        for _ in range(30):
            await gate.acquire()
            await gate.release()
            widths.append(gate.limit)
        return widths

    widths = asyncio.run(go())
    assert widths[0] == 4.0
    assert widths == sorted(widths) and widths[-1] == 8.0  # additive increase, capped at the maximum
    assert 4.0 < widths[4] < 6.0  # ~ +1 per window of `limit` successes, not +1 per success
    assert widths.index(8.0) >= 16


def test_narrowed_gate_admits_only_its_width():
    async def go() -> tuple[int, bool]:
        gate = AdaptiveLimit(4)
        await gate.acquire()
        await gate.release(throttled=True)  # width 2
        await gate.acquire()
        await gate.acquire()
        third = asyncio.create_task(gate.acquire())
        await asyncio.sleep(0.05)
        blocked = not third.done()
        await gate.release()
        await asyncio.wait_for(third, 1)
        return gate.in_flight, blocked

    in_flight, blocked = asyncio.run(go())
    assert blocked and in_flight == 2


def test_engine_concurrency_recovers_after_a_429(server):
    server.latency = 0.01
    server.script({"status": 429, "retry_after": 0.05})
    engine = Engine(settings(server, concurrency=4))
    results = run(engine, [req(i) for i in range(40)])
    assert all(r.ok for r in results)
    assert engine.limit.decreases == 1 and engine.limit.limit == 4.0


def test_token_bucket_waits_at_its_rate_once_spent():
    async def go() -> float:
        bucket = TokenBucket(6000)  # 100 a second
        await bucket.take(6000)  # the initial burst
        t0 = time.monotonic()
        for _ in range(20):
            await bucket.take(1)
        return time.monotonic() - t0

    assert 0.17 <= asyncio.run(go()) < 1.0


def test_requests_per_minute_throttles_the_engine(server):
    engine = Engine(settings(server, requests_per_minute=600))  # 10 a second
    engine.rpm.tokens = 0  # as if this minute's burst were already used
    t0 = time.monotonic()
    results = run(engine, [req(i) for i in range(5)])
    assert all(r.ok for r in results) and server.count == 5
    assert time.monotonic() - t0 >= 0.45


def test_tokens_per_minute_charges_prompt_and_max_tokens(server):
    engine = Engine(settings(server, tokens_per_minute=60_000, params={"max_tokens": 200}))  # 1000/s
    engine.tpm.tokens = 0
    t0 = time.monotonic()
    run(engine, [req(i) for i in range(3)])  # ~200 tokens each: ~0.2 s apiece
    assert time.monotonic() - t0 >= 0.55
    assert engine.tpm.capacity == 60_000
