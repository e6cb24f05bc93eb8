"""The shared stage loop: a converter that trips on one reply costs that request, not the run."""

import asyncio
import json

from factory.engine import EndpointSettings, Engine, Request
from factory.recipe import load_recipe
from factory.records import Turn
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.rundir import RunDir


def test_a_converter_crash_is_a_recorded_failure(server, minimal_recipe, tmp_path):
    def to_records(res):
        if "odd" in res.request.id:
            return {}["speaker"]  # a converter bug on an odd reply: KeyError
        return [Turn(speaker="Anna", mode="speech", text=res.value)]

    async def go():
        engine = Engine(EndpointSettings(base_url=server.base_url, model="m", max_retries=0))
        ctx = RunContext(
            recipe=load_recipe(minimal_recipe), run=RunDir(tmp_path / "run").prepare(), engine=engine
        )
        try:
            reqs = [Request(id=i, messages=[{"role": "user", "content": i}]) for i in ("a", "odd", "b")]
            return ctx, await execute(ctx, "demo", reqs, to_records)
        finally:
            await engine.close()

    ctx, outcome = asyncio.run(go())
    assert outcome["written"] == 2 and outcome["failed"] == 1
    assert ctx.run.done_ids("demo") == {"a", "b"}  # the odd one is retried on resume
    [failure] = [json.loads(line) for line in (ctx.run.path / "failures.jsonl").read_text().splitlines()]
    assert failure["reason"] == "convert" and failure["detail"].startswith("KeyError")


def test_a_parse_hook_crash_is_counted_as_an_internal_failure(server, minimal_recipe, tmp_path):
    def broken_parse(text):
        return {}["missing"]  # a bug in a parse hook: KeyError, which the engine's pool catches

    async def go():
        engine = Engine(EndpointSettings(base_url=server.base_url, model="m", max_retries=0))
        ctx = RunContext(
            recipe=load_recipe(minimal_recipe), run=RunDir(tmp_path / "run").prepare(), engine=engine
        )
        try:
            reqs = [Request(id="a", messages=[{"role": "user", "content": "a"}], parse=broken_parse)]
            return ctx, engine, await execute(ctx, "demo", reqs, lambda res: [])
        finally:
            await engine.close()

    ctx, engine, outcome = asyncio.run(go())
    assert outcome["failed"] == 1
    assert engine.accounting.totals()["failures"] == {"internal": 1}  # run.json and "failures N" see it
    assert ctx.outcomes["demo"].reasons == {"internal": 1} and ctx.outcomes["demo"].done == 0
    [failure] = [json.loads(line) for line in (ctx.run.path / "failures.jsonl").read_text().splitlines()]
    assert failure["reason"] == "internal" and failure["detail"].startswith("KeyError")
