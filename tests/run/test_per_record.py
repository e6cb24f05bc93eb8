"""A stage that follows a record set asks per record as it lands (factory/run/per_record.py).

The promise: a run that streams writes what a run with a barrier per stage writes, byte for byte,
done-logs and failures included, though it asked ahead for scenes that the final near-duplicate
choice drops (those are counted as `discarded`, and nothing else); and a killed streaming run
resumes to the same files.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

from click.testing import CliRunner

from factory.cli import main
from factory.engine import EndpointSettings, Engine, Request
from factory.recipe import load_recipe
from factory.records import Turn
from factory.run.context import RunContext
from factory.run.feed import Feed
from factory.run.per_record import execute_per_record
from factory.run.rundir import RunDir
from factory.testing.openai_server import ScriptedServer
from tests.responders import route
from tests.run.test_pipeline import _cli_proc

WAIT = 20  # s: only a run that does not stream ever waits this long

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
scenes: {per_chunk: 10, per_request: 2}
protection: {share: 1.0}
grounding: {}
quality: null
export: null
split: null
"""


def kind(body: dict) -> str:
    """What a request asks for, as the scripted responder tells them apart."""
    text = " ".join(m.get("content", "") for m in body["messages"])
    if '"claims"' in text:
        return "grounding"
    if '"question"' in text:
        return "protection scene"
    if '"turns"' in text:  # a protection scene's answer, or an experience scene's script
        return "answer" if "cannot know or must not accept" in text else "script"
    return "scene" if '"scenes"' in text else "other"


def books(run: Path) -> dict[str, str]:
    """The record files, done-logs and failures: what must not depend on how the run was scheduled."""
    out = {str(p.relative_to(run)): p.read_text() for p in sorted(run.glob("*.jsonl"))}
    out |= {str(p.relative_to(run)): p.read_text() for p in sorted((run / ".progress").glob("*"))}
    return out


def run_cli(recipe: Path, out: Path, url: str, *extra: str) -> dict:
    args = ["run", str(recipe), "--out", str(out), "--base-url", url, "--model", "m", "--quiet"]
    res = CliRunner().invoke(main, [*args, "--concurrency", "4", *extra])
    assert res.exit_code == 0, res.output
    return json.loads((out / "run.json").read_text())


class GatedServer(ScriptedServer):
    """Holds its first reply of a maker's kind until a request of its follower's kind has come in
    (at most WAIT seconds): only a run that asks the follower's requests before the maker's are
    all back lets it go early."""

    PAIRS = {"scene": "script", "protection scene": "answer", "script": "grounding"}  # held -> frees it

    def __init__(self) -> None:
        super().__init__(responder=route)
        self.overtaken: dict[str, bool] = {}  # per held kind: whether its follower came in meanwhile
        self._came: dict[str, asyncio.Event] | None = None  # set up by gate(), for the next run

    def gate(self) -> None:
        self.overtaken, self._came = {}, {k: asyncio.Event() for k in self.PAIRS.values()}

    async def _answer(self, request, body):
        k = kind(body)
        if self._came is not None and k in self._came:
            self._came[k].set()
        if self._came is not None and k in self.PAIRS and k not in self.overtaken:
            self.overtaken[k] = False
            try:
                await asyncio.wait_for(self._came[self.PAIRS[k]].wait(), WAIT)
                self.overtaken[k] = True
            except TimeoutError:
                pass
        return await super()._answer(request, body)


def test_a_streaming_run_writes_what_a_barrier_run_writes(write_recipe, tmp_path):
    recipe = write_recipe(RECIPE)
    asked = {}
    summaries = {}
    with GatedServer() as server:
        for name, extra in (("barrier", ("--set", "executor.stream=false")), ("stream", ())):
            if name == "stream":
                server.gate()
            before = len(server.requests)
            summaries[name] = run_cli(recipe, tmp_path / name, server.base_url, *extra)
            asked[name] = [kind(b) for b in server.requests[before:]]
        # a scene was still out when its fellows' scripts went out; a protection scene, its answers;
        # a script, the grounding judge's checks of the others
        assert server.overtaken == {"scene": True, "protection scene": True, "script": True}
    assert books(tmp_path / "stream") == books(tmp_path / "barrier")
    assert {"scenes.jsonl", "interactions.jsonl", "protection.jsonl", "grounding.jsonl"} <= set(
        books(tmp_path / "stream")
    )
    last_scene = max(i for i, k in enumerate(asked["barrier"]) if k == "scene")
    assert "script" not in asked["barrier"][:last_scene]  # a barrier: every scene before any script
    # what it asked beyond the barrier run is exactly what it discarded, and the scenes it dropped
    # are why (the responder writes near-duplicates)
    stream, barrier = summaries["stream"], summaries["barrier"]
    assert sum(n for k, n in barrier["dropped"].items() if k.endswith("near_duplicate")) > 0
    assert stream["counts"] == barrier["counts"] and stream["dropped"] == barrier["dropped"]
    for name in ("interactions", "protection", "grounding"):
        s, b = stream["stages"][name], barrier["stages"][name]
        assert (s["total"], s["done"]) == (b["total"], b["done"]), name  # the final set's requests
        answered = {k: x["ok"] + sum(x["failures"].values()) for k, x in (("s", s), ("b", b))}
        assert answered["s"] == answered["b"] + s.get("discarded", 0), name  # asked beyond: discarded


def test_kill_9_while_following_then_resume(server, write_recipe, tmp_path):
    server.responder = route
    server.latency = 0.05
    recipe = write_recipe(RECIPE)
    killed = tmp_path / "killed"
    proc = _cli_proc(recipe, killed, server.base_url)
    deadline = time.monotonic() + 60
    scripts = killed / "interactions.jsonl"
    while time.monotonic() < deadline and not (scripts.exists() and scripts.read_text()):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (killed / "samples.jsonl").exists()
    for out in (killed, tmp_path / "clean"):
        run_cli(recipe, out, server.base_url)
    assert books(killed) == books(tmp_path / "clean")


def test_a_feed_yields_what_landed_before_and_after_until_closed():
    async def go() -> list[list[dict]]:
        feed = Feed()
        feed.publish([{"id": "a"}])
        got: list[list[dict]] = []

        async def follow() -> None:
            async for batch in feed.batches():
                got.append(batch)

        task = asyncio.create_task(follow())
        await asyncio.sleep(0)
        feed.publish([{"id": "b"}, {"id": "c"}])
        await asyncio.sleep(0)
        feed.close()
        await asyncio.wait_for(task, 5)
        return got

    assert asyncio.run(go()) == [[{"id": "a"}], [{"id": "b"}, {"id": "c"}]]


def test_forget_takes_requests_off_one_stage_books_only(tmp_path):
    run = RunDir(tmp_path).prepare()
    for rid in ("r1", "r2", "r3"):
        run.mark_done("interactions", rid)
    run.record_failure("interactions", "r4", "parse", "bad")
    run.record_failure("scenes", "r4", "parse", "bad")
    run.forget("interactions", {"r2", "r4"})
    assert run.done_ids("interactions") == {"r1", "r3"}
    assert [(f["stage"], f["id"]) for f in run.failures()] == [("scenes", "r4")]


def _follow(server, minimal_recipe, tmp_path, hold=None) -> tuple[RunContext, dict, list[str]]:
    """A maker lands records b then a, then keeps only a (as a near-duplicate choice would) while a
    follower asks one request per record as it lands; which requests the server saw."""
    server.responder = lambda body: "ok"

    async def go():
        engine = Engine(EndpointSettings(base_url=server.base_url, model="m", max_retries=0))
        run = RunDir(tmp_path / "run").prepare()
        ctx = RunContext(recipe=load_recipe(minimal_recipe), run=run, engine=engine, streaming=True)
        feed = ctx.open_feed("things")

        async def make() -> None:
            for rid in ("b", "a"):
                run.append("things", [{"id": rid}])
                ctx.publish("things", [{"id": rid}])
                if hold is None:  # b's request is answered before the maker decides
                    for _ in range(WAIT * 100):
                        if f"req-{rid}" in run.done_ids("follow"):
                            break
                        await asyncio.sleep(0.01)
            run.finalize("things", keep=lambda objs: [o for o in objs if o["id"] == "a"])
            ctx.close_feed("things")

        def build(objs):
            return [
                Request(id=f"req-{o['id']}", messages=[{"role": "user", "content": o["id"]}]) for o in objs
            ]

        def to_records(res):
            return [Turn(speaker="Anna", mode="speech", text=res.request.id)]

        try:
            assert feed is not None
            _, outcome = await asyncio.gather(
                make(), execute_per_record(ctx, "follow", "things", build, to_records, hold=hold)
            )
            return ctx, outcome
        finally:
            await engine.close()

    before = len(server.requests)
    ctx, outcome = asyncio.run(go())
    return ctx, outcome, [b["messages"][-1]["content"] for b in server.requests[before:]]


def test_requests_for_a_record_the_maker_dropped_are_discarded(server, minimal_recipe, tmp_path):
    ctx, outcome, asked = _follow(server, minimal_recipe, tmp_path)
    assert sorted(asked) == ["a", "b"]  # b was asked as it landed, before the maker dropped it
    stats = ctx.engine.accounting.stage("follow")
    assert (stats.total, stats.done, stats.discarded) == (1, 1, 1)
    assert outcome == {"requests": 1, "skipped": 0, "written": 1, "failed": 0}
    assert ctx.run.done_ids("follow") == {"req-a"}  # b's done-log line is forgotten


def test_a_held_record_waits_for_the_final_set(server, minimal_recipe, tmp_path):
    ctx, outcome, asked = _follow(server, minimal_recipe, tmp_path, hold=lambda obj: obj["id"] == "b")
    assert asked == ["a"]  # b was held, and the final set dropped it: never asked
    assert ctx.engine.accounting.stage("follow").discarded == 0
    assert ctx.run.done_ids("follow") == {"req-a"}


def test_grounding_with_protection_waits_for_it_and_writes_what_a_barrier_run_writes(
    server, write_recipe, tmp_path
):
    """`include_protection`: grounding follows both record sets, judging protection's scripts once
    protection is final; the files equal a barrier run's."""
    server.responder = route
    recipe = write_recipe(RECIPE.replace("grounding: {}", "grounding: {include_protection: true}"))
    for name, extra in (("barrier", ("--set", "executor.stream=false")), ("stream", ())):
        run_cli(recipe, tmp_path / name, server.base_url, *extra)
    assert books(tmp_path / "stream") == books(tmp_path / "barrier")
    protection = {
        json.loads(x)["id"] for x in (tmp_path / "stream" / "protection.jsonl").read_text().splitlines()
    }
    checked = [json.loads(x) for x in (tmp_path / "stream" / "grounding.jsonl").read_text().splitlines()]
    assert protection and protection <= {c["interaction_id"] for c in checked}
