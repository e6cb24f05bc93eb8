"""Run integrity at the engine: bad replies heal on a re-run, a dead endpoint stops the run, keys stay secret."""

from __future__ import annotations

import asyncio
import json

import pytest

from factory.engine import EndpointSettings, Engine, RequestCache, RunAborted
from factory.engine.core import PARSE_ROUNDS
from factory.engine.local_server import free_port
from factory.testing.openai_server import ScriptedServer, completion, last_user
from tests.engine.test_engine import as_json, req, run, settings

# -- 1. a transient bad reply is not cached for good ---------------------------------------


def flaky(bad: str):
    """question 0 is always fine; the others get `bad` replies until `healthy` is set."""
    state = {"healthy": False}

    def respond(body):
        q = last_user(body)
        if state["healthy"] or q == "question 0":
            return json.dumps({"q": q})
        if bad == "truncated":
            return completion('{"q": "cut sh', body["model"], finish_reason="length")
        return "garbage, not JSON"

    return respond, state


@pytest.mark.parametrize("bad", ["garbage", "truncated"])
def test_a_rerun_retries_exactly_the_requests_that_failed(server, tmp_path, bad):
    server.responder, state = flaky(bad)
    cache = RequestCache(tmp_path / "c.sqlite")
    reqs = lambda: [req(i, parse=as_json) for i in range(3)]  # noqa: E731

    first = {r.request.id: r for r in run(Engine(settings(server), cache=cache), reqs())}
    assert first["r0"].ok and not first["r1"].ok and not first["r2"].ok
    assert first["r1"].error == ("truncated" if bad == "truncated" else "parse")
    assert server.count == 1 + 2 * 2  # parse_retries=1: two tries for each failing request

    state["healthy"] = True  # the server healed; no --fresh
    engine = Engine(settings(server), cache=cache)
    second = {r.request.id: r for r in run(engine, reqs())}
    assert all(r.ok for r in second.values())
    assert server.count == 5 + 2  # one new call for each of the two failures, none for r0
    assert second["r0"].cached and second["r1"].attempts == 1 and second["r2"].attempts == 1
    assert engine.accounting.stage("default").retries == {first["r1"].error: 2}  # one per healed request
    assert sorted(last_user(b) for b in server.requests[5:]) == ["question 1", "question 2"]

    engine = Engine(settings(server), cache=cache)
    third = run(engine, reqs())
    assert all(r.ok and r.cached for r in third)
    assert server.count == 7 and engine.accounting.stage("default").requests == 0
    cache.close()


def test_a_request_that_keeps_failing_stops_costing_after_a_few_runs(server, tmp_path):
    server.responder = lambda body: "never JSON"
    cache = RequestCache(tmp_path / "c.sqlite")
    counts = []
    for _ in range(PARSE_ROUNDS + 2):
        [res] = run(Engine(settings(server), cache=cache), [req(parse=as_json)])
        assert not res.ok and res.error == "parse"
        counts.append(server.count)
    budget = 2  # parse_retries=1
    assert counts == [budget * min(n, PARSE_ROUNDS) for n in range(1, PARSE_ROUNDS + 3)]
    cache.close()


def seeded_responder(body):
    """Deterministic per seed: about one try in three parses."""
    seed = body["seed"]
    return json.dumps({"seed": seed}) if seed % 3 == 0 else f"no JSON for seed {seed}"


def test_killed_and_resumed_gives_the_replies_of_an_uninterrupted_run(server, tmp_path):
    server.responder = seeded_responder
    n = 8
    reqs = lambda: [req(i, parse=as_json) for i in range(n)]  # noqa: E731
    s = lambda: settings(server, concurrency=1, parse_retries=2, params={"seed": 11})  # noqa: E731

    def outcome(results):
        return {r.request.id: (r.ok, r.value, r.error) for r in results}

    cache = RequestCache(tmp_path / "clean.sqlite")
    clean = outcome(run(Engine(s(), cache=cache), reqs()))
    cache.close()
    tries = {i: sum(last_user(b) == f"question {i}" for b in server.requests) for i in range(n)}
    victim = next(i for i in range(n) if tries[i] >= 2)  # the kill lands inside its parse budget

    server.requests.clear()
    server.script({"match": f"question {victim}"}, {"match": f"question {victim}", "delay": 60})
    cache = RequestCache(tmp_path / "killed.sqlite")
    engine = Engine(s(), cache=cache)
    got = []

    async def killed():
        async def consume():
            async for res in engine.stream(reqs()):
                got.append(res)

        task = asyncio.create_task(consume())
        while sum(last_user(b) == f"question {victim}" for b in server.requests) < 2:
            await asyncio.sleep(0.01)
        task.cancel()  # the second try of the victim is in flight: lost, as with kill -9
        await asyncio.gather(task, return_exceptions=True)
        await engine.close()

    asyncio.run(killed())
    cache.close()
    assert f"r{victim}" not in {r.request.id for r in got}

    cache = RequestCache(tmp_path / "killed.sqlite")
    left = [r for r in reqs() if r.id not in {g.request.id for g in got}]
    resumed = run(Engine(s(), cache=cache), left)
    cache.close()
    assert outcome(got + resumed) == clean


# -- 2. an endpoint that is down or refuses the key stops the run -----------------------------


@pytest.mark.parametrize("transport", ["aiohttp", "openai"])
def test_refused_connections_abort_the_run_within_a_few_tries(transport):
    port = free_port()  # nothing listens there
    # (the SDK always sends a key, which aiohttp will not combine with credentials in the URL)
    userinfo = "user:hunter2-password@" if transport == "aiohttp" else ""
    s = EndpointSettings(
        base_url=f"http://{userinfo}127.0.0.1:{port}/v1", model="m", concurrency=2, transport=transport
    )  # default retries and backoff
    engine = Engine(s)
    with pytest.raises(RunAborted) as info:
        run(engine, [req(i) for i in range(50)])
    message = str(info.value)
    assert message.startswith(f"http://127.0.0.1:{port}/v1: connection refused"), message
    assert "hunter2" not in message and "\n" not in message
    assert engine.accounting.stage("default").requests <= s.abort_after + s.concurrency


def test_a_refused_connection_backs_off_briefly():
    engine = Engine(EndpointSettings(base_url="http://127.0.0.1:9/v1", model="m"))
    from factory.engine import TransportError

    refused = TransportError("refused", refused=True)
    assert max(engine._backoff(n, refused) for n in range(1, 10) for _ in range(50)) <= 2.0


@pytest.mark.parametrize("transport", ["aiohttp", "openai"])
def test_a_refused_key_aborts_the_run(transport):
    with ScriptedServer(api_key="sk-the-right-key-0000") as srv:
        engine = Engine(settings(srv, api_key="sk-a-wrong-key-1111", concurrency=1, transport=transport))
        with pytest.raises(RunAborted, match=r"key refused \(401\)") as info:
            run(engine, [req(i) for i in range(30)])
        assert srv.count == engine.settings.abort_after
        assert "sk-a-wrong-key" not in str(info.value)


def test_occasional_refusals_between_successes_do_not_abort(server):
    server.script(*[{"status": 401}] * 5, {}, *[{"status": 401}] * 5)
    engine = Engine(settings(server, concurrency=1))
    results = run(engine, [req(i) for i in range(14)])
    assert sum(r.error == "http_401" for r in results) == 10 and sum(r.ok for r in results) == 4


# -- 4. secrets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["aiohttp", "openai"])
def test_a_key_echoed_in_an_error_body_is_masked(server, transport):
    key = "sk-echoed-back-by-the-server-42"
    server.script(*[{"status": 500, "echo_auth": True}] * 3)
    engine = Engine(settings(server, api_key=key, max_retries=2, transport=transport))
    [res] = run(engine, [req()])
    assert res.error == "server_error" and "you sent" in res.detail
    assert key not in res.detail and "***" in res.detail
