"""The engine against a real HTTP server that misbehaves on cue."""

import asyncio
import json

import pytest

from factory.engine import EndpointSettings, Engine, ParseError, Request, RequestCache


def settings(server, **kw) -> EndpointSettings:
    base = dict(
        base_url=server.base_url,
        model="scripted-model",
        concurrency=4,
        max_retries=3,
        parse_retries=1,
        backoff_base=0.01,
        backoff_max=0.05,
        timeout=5.0,
    )
    base.update(kw)
    return EndpointSettings(**base)


def run(engine: Engine, requests, limit: float = 120.0):
    """All results; a generous limit turns a hang into a failure instead of a stuck suite."""

    async def go():
        try:
            return await asyncio.wait_for(engine.run(requests), limit)
        finally:
            await engine.close()

    return asyncio.run(go())


def req(i=0, parse=None, **kw):
    return Request(id=f"r{i}", messages=[{"role": "user", "content": f"question {i}"}], parse=parse, **kw)


def as_json(text):
    return json.loads(text)


@pytest.fixture(params=["aiohttp", "openai"])
def transport(request):
    return request.param


def test_plain_success_counts_tokens(server, transport):
    engine = Engine(settings(server, transport=transport))
    [res] = run(engine, [req()])
    assert res.ok and res.value == "echo: question 0"
    st = engine.accounting.stage("default")
    assert st.requests == 1 and st.tokens_in == 10 and st.tokens_out > 0


def test_429_honours_retry_after_and_halves_concurrency(server, transport):
    server.script({"status": 429, "retry_after": 0.3})
    engine = Engine(settings(server, transport=transport))
    import time

    t0 = time.monotonic()
    [res] = run(engine, [req()])
    assert res.ok
    assert time.monotonic() - t0 >= 0.3  # waited as told, not the tiny backoff
    assert engine.accounting.stage("default").requests == 2
    assert engine.limit.decreases == 1


@pytest.mark.parametrize(
    "behaviour,reason",
    [
        ({"status": 500}, "server_error"),
        ({"drop": True}, "transport"),
        ({"malformed": True}, "transport"),
        ({"delay": 1.5}, "transport"),
    ],
)
def test_transport_faults_are_retried(server, behaviour, reason, transport):
    server.script(behaviour)
    engine = Engine(settings(server, transport=transport, timeout=1.0))
    [res] = run(engine, [req()])
    assert res.ok, res
    st = engine.accounting.stage("default")
    assert st.requests == 2 and st.retries["transport"] == 1


def test_exhausted_transport_budget_is_a_recorded_failure(server):
    server.script(*[{"status": 503}] * 3)
    engine = Engine(settings(server, max_retries=2))
    [res] = run(engine, [req()])
    assert not res.ok and res.error == "server_error" and "503" in res.detail
    assert engine.accounting.stage("default").failures["server_error"] == 1
    assert server.count == 3


def test_client_errors_are_not_retried(server):
    server.script({"status": 400})
    engine = Engine(settings(server))
    [res] = run(engine, [req()])
    assert not res.ok and res.error == "http_400" and server.count == 1


def test_truncation_uses_the_parse_budget_then_succeeds(server):
    server.responder = lambda body: '{"answer": 42, "padding": "xxxxxxxxxxxxxxxx"}'
    server.script({"truncate": True})
    engine = Engine(settings(server))
    [res] = run(engine, [req(parse=as_json)])
    assert res.ok and res.value["answer"] == 42
    assert engine.accounting.stage("default").retries["truncated"] == 1


def test_unparseable_reply_fails_with_reason_never_half_kept(server):
    server.responder = lambda body: "not json at all"
    engine = Engine(settings(server, parse_retries=2))
    [res] = run(engine, [req(parse=as_json)])
    assert not res.ok and res.error == "parse" and res.value is None
    assert server.count == 3  # 1 + 2 parse retries
    assert engine.accounting.stage("default").failures["parse"] == 1


def test_parse_hook_bug_does_not_kill_the_pool(server):
    def boom(text):
        raise RuntimeError("bug")

    engine = Engine(settings(server))
    results = run(engine, [req(0, parse=boom), req(1)])
    by_id = {r.request.id: r for r in results}
    assert by_id["r0"].error == "internal" and by_id["r1"].ok
    assert engine.accounting.stage("default").failures["internal"] == 1  # counted, not just logged


def test_concurrency_is_bounded(server):
    server.latency = 0.05
    engine = Engine(settings(server, concurrency=3))
    results = run(engine, [req(i) for i in range(20)])
    assert all(r.ok for r in results) and len(results) == 20
    assert server.max_in_flight <= 3


def test_results_stream_in_completion_order(server):
    server.script({"match": "question 0", "delay": 0.4})
    engine = Engine(settings(server, concurrency=4))
    results = run(engine, [req(i) for i in range(4)])
    assert results[-1].request.id == "r0"


def test_cache_makes_rerun_free_even_with_new_parsing(server, tmp_path):
    server.responder = lambda body: '{"v": "' + body["messages"][-1]["content"] + '"}'
    cache = RequestCache(tmp_path / "c.sqlite")
    first = run(Engine(settings(server), cache=cache), [req(i, parse=as_json) for i in range(5)])
    assert server.count == 5 and all(r.ok for r in first)

    def new_parser(text):  # parsing code changed: still no regeneration
        return json.loads(text)["v"].upper()

    engine = Engine(settings(server), cache=cache)
    second = run(engine, [req(i, parse=new_parser) for i in range(5)])
    assert server.count == 5
    assert engine.accounting.stage("default").requests == 0
    assert engine.accounting.stage("default").cache_hits == 5
    assert sorted(r.value for r in second) == [f"QUESTION {i}" for i in range(5)]
    cache.close()


def test_cached_bad_reply_moves_on_to_the_next_attempt(server, tmp_path):
    """A cached reply the (new) parser rejects is not re-requested under the same key."""
    server.responder = lambda body: '{"v": 1}'
    server.script({"content": "garbage"})
    cache = RequestCache(tmp_path / "c.sqlite")
    r1 = run(Engine(settings(server), cache=cache), [req(parse=as_json)])
    assert r1[0].ok and server.count == 2
    r2 = run(Engine(settings(server), cache=cache), [req(parse=as_json)])
    assert r2[0].ok and server.count == 2
    cache.close()


def test_schema_goes_out_in_the_servers_dialect(server):
    schema = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 5}}}
    run(Engine(settings(server, kind="llamacpp", structured="llamacpp")), [req(schema=schema)])
    assert server.requests[-1]["response_format"] == {"type": "json_object", "schema": schema}
    run(Engine(settings(server, structured="json_schema")), [req(1, schema=schema)])
    assert server.requests[-1]["response_format"]["type"] == "json_schema"


def test_api_key_is_sent_but_never_in_repr(server):
    s = settings(server, api_key="sk-secret-123")
    assert "sk-secret" not in repr(s)
    [res] = run(Engine(s), [req()])
    assert res.ok


def test_parse_error_type_is_public():
    assert issubclass(ParseError, ValueError)


def test_lone_surrogate_in_reply_text_is_replaced(server, transport):
    # the server JSON-escapes an unpaired surrogate, as llama.cpp does for a broken byte sequence
    server.script({"content": "half \ud834 of a clef"})
    engine = Engine(settings(server, transport=transport))
    [res] = run(engine, [req()])
    assert res.ok and res.value == "half \ufffd of a clef"
    res.text.encode("utf-8")


def test_seed_differs_per_parse_retry_and_repeats_run_to_run(server):
    server.record = True
    seeds = []
    for _ in range(2):
        server.requests.clear()
        server.script({"content": "not json"})  # the first try fails to parse, the retry succeeds
        server.responder = lambda body: '{"v": 1}'
        engine = Engine(settings(server, params={"seed": 5}))
        [res] = run(engine, [req(parse=as_json)])
        assert res.ok and res.attempts == 2
        seeds.append([b["seed"] for b in server.requests])
    assert seeds[0] == seeds[1] and len(set(seeds[0])) == 2


def test_the_wire_body_is_the_request_serialised_once_with_its_messages(server, tmp_path):
    """The messages are serialised once for the cache key and the wire: the server still gets
    exactly the body the engine means (seeded per attempt, response_format, unicode as is)."""
    msgs = [{"role": "system", "content": "Sé breve, «amigo»."}, {"role": "user", "content": '你好 "x"\n'}]
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    engine = Engine(
        settings(server, params={"temperature": 0.3, "seed": 11}), cache=RequestCache(tmp_path / "c.sqlite")
    )
    server.responder = lambda body: '{"a": "ok"}'
    [res] = run(engine, [Request(id="w", messages=msgs, schema=schema, params={"max_tokens": 9})])
    assert res.ok
    [sent] = server.requests
    want = engine.body(Request(id="w", messages=msgs, schema=schema, params={"max_tokens": 9}))
    assert sent["seed"] != 11 and {**sent, "seed": 11} == want
    assert sent["messages"] == msgs


def test_prepared_bodies_are_their_own_json():
    from factory.engine.cache import canonical
    from factory.engine.transport import prepared

    msgs = [{"role": "user", "content": "ü 😀 \\ \u2028"}]
    for body in (
        {"model": "m", "messages": msgs},
        {"model": "m", "messages": msgs, "max_tokens": 5, "response_format": {"type": "json_object"}},
    ):
        p = prepared(body, canonical(msgs))
        assert json.loads(p.wire) == body == dict(p)
