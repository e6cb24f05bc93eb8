"""Many endpoints behind one engine: least-loaded routing, failover, probes, per-endpoint books."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from factory.engine import EndpointSettings, Engine, RequestCache, RunAborted
from factory.engine.local_server import free_port
from factory.testing.openai_server import ScriptedServer
from tests.engine.test_engine import req, run


def fleet(urls: list[str], concurrency: int = 2, **kw) -> EndpointSettings:
    """Settings as factory/run/endpoint.py resolves `backend.endpoints`: the first member's URL
    and model, the members' summed concurrency."""
    base = dict(
        model="scripted-model",
        max_retries=3,
        parse_retries=1,
        backoff_base=0.01,
        backoff_max=0.05,
        timeout=5.0,
    )
    base.update(kw)
    members = [EndpointSettings(base_url=u, concurrency=concurrency, **base) for u in urls]
    return EndpointSettings(base_url=urls[0], concurrency=concurrency * len(urls), members=members, **base)


@pytest.fixture
def three():
    servers = [ScriptedServer().start() for _ in range(3)]
    yield servers
    for s in servers:
        if not s._loop.is_closed():  # a test may have stopped one already
            s.stop()


def ids(results) -> list[str]:
    return sorted(r.request.id for r in results)


def test_the_load_spreads_and_the_slow_endpoint_gets_less(three):
    fast_a, fast_b, slow = three
    slow.latency = 0.05
    engine = Engine(fleet([s.base_url for s in three]))
    results = run(engine, [req(i) for i in range(60)])
    assert all(r.ok for r in results) and ids(results) == sorted(f"r{i}" for i in range(60))
    assert fast_a.count + fast_b.count + slow.count == 60  # one call each: nothing sent twice
    assert slow.count < fast_a.count and slow.count < fast_b.count
    assert max(s.max_in_flight for s in three) <= 2  # each endpoint's own concurrency holds
    books = engine.endpoint_books()
    assert [books[s.base_url]["requests"] for s in three] == [s.count for s in three]
    assert sum(b["tokens_in"] for b in books.values()) == engine.accounting.stage("default").tokens_in


def test_weight_steers_the_traffic_while_there_are_free_slots():
    with ScriptedServer(latency=0.02) as light, ScriptedServer(latency=0.02) as heavy:
        s = fleet([light.base_url, heavy.base_url], concurrency=4)
        s.members[1] = dataclasses.replace(s.members[1], weight=4.0)
        engine = Engine(s)

        async def go():
            try:
                return [r async for r in engine.stream([req(i) for i in range(40)], workers=3)]
            finally:
                await engine.close()

        assert len(asyncio.run(asyncio.wait_for(go(), 60))) == 40
        assert heavy.count > 2 * light.count


def test_an_endpoint_that_dies_mid_run_loses_nothing(three):
    dying, slow, fine = three
    slow.latency = 0.05
    dying.latency = 0.02
    engine = Engine(fleet([s.base_url for s in three]))
    seen: list[str] = []

    def progress(stage, result):
        seen.append(result.request.id)
        if len(seen) == 10:
            dying.stop()  # requests in flight there drop; later ones are refused

    async def go():
        try:
            return await asyncio.wait_for(engine.run([req(i) for i in range(60)], progress), 60)
        finally:
            await engine.close()

    results = asyncio.run(go())
    assert all(r.ok for r in results), [r.detail for r in results if not r.ok]
    assert ids(results) == sorted(f"r{i}" for i in range(60)) and len(seen) == 60
    books = engine.endpoint_books()
    assert books[dying.base_url]["taken_out"] >= 1 and not books[dying.base_url]["healthy"]
    assert books[dying.base_url]["failures"]
    assert sum(b["ok"] for b in books.values()) == 60
    assert fine.count > slow.count


def test_an_endpoint_coming_back_is_probed_back_in(three):
    back, a, b = three
    port = back.port
    back.stop()
    engine = Engine(fleet([s.base_url for s in three]))

    async def go():
        try:
            first = await engine.run([req(i) for i in range(20)])
            assert engine.endpoint_books()[back.base_url]["healthy"] is False
            with ScriptedServer(port=port) as again:
                second = await engine.run([req(i) for i in range(20, 60)])
                return first, second, again.count
        finally:
            await engine.close()

    first, second, count = asyncio.run(asyncio.wait_for(go(), 60))
    assert all(r.ok for r in first + second)
    books = engine.endpoint_books()[back.base_url]
    assert count > 0 and books["healthy"] and books["ok"] == count


def test_a_429_storm_takes_an_endpoint_out_and_its_requests_go_elsewhere(three):
    stormy, a, b = three
    stormy.script(*[{"status": 429, "retry_after": 30}] * 3)
    engine = Engine(fleet([s.base_url for s in three]))
    results = run(engine, [req(i) for i in range(30)])
    assert all(r.ok for r in results) and ids(results) == sorted(f"r{i}" for i in range(30))
    assert stormy.count <= 4  # out for the Retry-After (one reply may have been on its way)
    assert engine.endpoint_books()[stormy.base_url]["failures"] == {"rate_limited": 3}
    assert engine.limit.decreases == 0  # the others took the load: no slowdown for the fleet


def test_a_5xx_streak_fails_over_and_the_cache_key_ignores_the_endpoint(three, tmp_path):
    broken, a, b = three
    broken.script(*[{"status": 500}] * 10)
    cache = RequestCache(tmp_path / "c.sqlite")
    engine = Engine(fleet([s.base_url for s in three]), cache=cache)
    results = run(engine, [req(i) for i in range(20)])
    assert all(r.ok for r in results)
    cache.flush()
    # the same requests against one endpoint alone: every reply comes from the cache
    with ScriptedServer() as alone:
        single = Engine(dataclasses.replace(fleet([alone.base_url]), members=[]), cache=cache)
        again = run(single, [req(i) for i in range(20)])
        assert alone.count == 0 and all(r.ok and r.cached for r in again)
    cache.close()


def test_all_endpoints_down_aborts_naming_them():
    urls = [f"http://127.0.0.1:{free_port()}/v1" for _ in range(3)]
    engine = Engine(fleet(urls))
    with pytest.raises(RunAborted) as info:
        run(engine, [req(i) for i in range(50)])
    message = str(info.value)
    assert message.startswith("all endpoints (") and all(u in message for u in urls), message
    assert "connection refused" in message and "\n" not in message


def test_one_endpoint_refusing_does_not_abort(three):
    """abort_after counts moments when every endpoint refused, not one endpoint's refusals."""
    dead_url = f"http://127.0.0.1:{free_port()}/v1"
    engine = Engine(fleet([dead_url, three[0].base_url], abort_after=1))
    results = run(engine, [req(i) for i in range(30)])
    assert all(r.ok for r in results) and three[0].count == 30
    assert set(engine.endpoint_books()[dead_url]["failures"]) == {"connection refused"}
