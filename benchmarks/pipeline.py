"""What the stage barriers cost: a whole recipe against a server with a realistic latency spread.

    python benchmarks/pipeline.py [--recipe beethoven] [--limit N] [--concurrency 64] [--no-stream]

Runs `run_recipe` in this process against the scripted server (real HTTP on 127.0.0.1, the test
suite's deterministic responders, benchmarks/identical_stages.py) whose every reply waits a
lognormal delay clipped to 0.5-5 s (median 1.5 s, fixed per prompt, so runs repeat). The server
books when each request arrived and left; each stage's start and end are booked around its run.
The engine books when each request went out and came back, by its stage
(execute's name: protection has two, protection_scenes and protection). Prints wall time against
the ideal (total request time / concurrency: a pool that never drains), and per pipeline stage its
span, and under it per request stage: its requests, its span and the drain at its end (from its
last request out to its last reply back: the pool emptying while what waits on it cannot start),
the pool's idle slot-seconds in it as a share of the whole run's wall time. Stages that wait on
none of each other run at the same time, so drains can overlap: their sum counts each instant
once. Goal (issue 18): the drains together at most 15 % of the wall time. Last, the floor that
stage-level scheduling allows (the longest chain of stages waiting on each other, each costing its
slowest request per phase): what is left above it is scheduling; below it only per-record streaming
or fewer waves of requests can go.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factory.testing.openai_server import ScriptedServer  # noqa: E402

GOAL_BARRIER_SHARE = 0.15


def delay_for(text: str) -> float:
    """Lognormal, median 1.5 s, clipped to 0.5-5 s; the same prompt always waits the same."""
    u1 = (zlib.crc32(text.encode()) % 100_000 + 0.5) / 100_000
    u2 = (zlib.adler32(text.encode()) % 100_000 + 0.5) / 100_000
    z = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)  # Box-Muller
    return min(5.0, max(0.5, 1.5 * math.exp(0.6 * z)))


class LatencyServer(ScriptedServer):
    """The scripted server, each reply delayed by `delay_for` its prompt; books (arrived, left)."""

    def __init__(self, responder):
        super().__init__(responder=responder, record=False)
        self.spans: list[tuple[float, float]] = []

    async def _chat(self, request):
        t0 = time.monotonic()
        body = await request.json()
        text = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
        await asyncio.sleep(delay_for(text))
        self.count += 1
        try:
            return await self._answer(request, body)
        finally:
            self.spans.append((t0, time.monotonic()))


def route_fn():
    """The deterministic responders benchmarks/identical_stages.py serves (one definition)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from identical_stages import SERVER

    scope: dict = {}
    code = SERVER.split("with ScriptedServer")[0]  # the imports and route(), not the serving
    sys.argv = [sys.argv[0], str(ROOT)]
    exec(compile(code, "identical_stages.SERVER", "exec"), scope)  # noqa: S102 - our own source
    return scope["route"]


def busy_seconds(spans: list[tuple[float, float]], lo: float, hi: float) -> float:
    """Slot-seconds of requests in flight within [lo, hi]."""
    return sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in spans)


def _union(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The intervals covering `windows`, each instant once."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _floor(recipe, booked, asked, outcomes_of: dict[str, list[str]]) -> float:
    """The shortest run stage-level scheduling allows: the longest path through the stages that wait
    on each other (`waits_for`), a stage asking a model costing the sum of its phases' slowest requests
    (its request stages run one after the other), a model-free one its own wall time."""
    from factory.run.stage import active

    stages = active(recipe)
    makers = {r: st.name for st in stages for r in st.makes}  # factory.run.stage.waits_for, inline:
    waits = {  # this file also measures code from before it
        st.name: {makers[r] for r in (*st.needs, *st.uses) if r in makers and makers[r] != st.name}
        for st in stages
    }
    wall = {name: hi - lo for name, lo, hi in booked}
    slowest: dict[str, float] = {}
    for sub, a, b in asked:
        slowest[sub] = max(slowest.get(sub, 0.0), b - a)
    ends: dict[str, float] = {}
    for stage in stages:  # run order: what a stage waits for comes before it
        subs = [sub for sub in outcomes_of.get(stage.name, []) if sub in slowest]
        cost = sum(slowest[sub] for sub in subs) if subs else wall.get(stage.name, 0.0)
        ends[stage.name] = max((ends[w] for w in waits[stage.name]), default=0.0) + cost
    return max(ends.values(), default=0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", default="beethoven")
    ap.add_argument(
        "--limit",
        type=int,
        default=None,
        help="requests per stage at most (factory run --limit; no streaming then)",
    )
    ap.add_argument("--no-stream", action="store_true", help="executor.stream: false (a barrier per stage)")
    ap.add_argument("--scenes", type=int, default=None, help="scenes.total (the recipe's own when unset)")
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args()

    os.environ.setdefault("OPENAI_API_KEY", "sk-pipeline-bench")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from factory.engine.core import Engine
    from factory.recipe import load_recipe
    from factory.run import pipeline
    from factory.run.endpoint import Overrides

    booked: list[tuple[str, float, float]] = []  # (pipeline stage, start, end)
    contexts: list = []  # the run's RunContext (which request stages each pipeline stage ran)
    asked: list[tuple[str, float, float]] = []  # (request's stage, start, end), as the engine saw it
    active = pipeline.active

    def timed_active(recipe):
        stages = []
        for stage in active(recipe):

            async def run(ctx, _stage=stage, _run=stage.run):
                contexts.append(ctx)
                t0 = time.monotonic()
                try:
                    return await _run(ctx)
                finally:
                    booked.append((_stage.name, t0, time.monotonic()))

            object.__setattr__(stage, "run", run)  # a frozen dataclass; this process only
            stages.append(stage)
        return stages

    process = Engine.process

    async def timed_process(self, req):
        t0 = time.monotonic()
        try:
            return await process(self, req)
        finally:
            asked.append((req.stage, t0, time.monotonic()))

    pipeline.active = timed_active
    Engine.process = timed_process
    recipe = load_recipe(ROOT / "recipes" / f"{args.recipe}.yaml")
    if args.no_stream:
        recipe.executor = recipe.executor.model_copy(update={"stream": False})
    if args.scenes:
        recipe.scenes = recipe.scenes.model_copy(update={"total": args.scenes})
    with LatencyServer(route_fn()) as srv, tempfile.TemporaryDirectory(prefix="pipeline-") as tmp:
        t0 = time.monotonic()
        summary = pipeline.run_recipe(
            recipe,
            out=Path(tmp) / "run",
            limit=args.limit,
            overrides=Overrides(base_url=srv.base_url, model="scripted-model", concurrency=args.concurrency),
            progress=False,
            log=lambda m: None,
        )
        wall = time.monotonic() - t0
        spans = list(srv.spans)
    c = args.concurrency
    total = sum(b - a for a, b in spans)
    ideal = total / c
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\n{args.recipe}, --limit {args.limit}, stream {not args.no_stream}, concurrency {c}, latency lognormal 0.5-5 s (median 1.5 s); "
        f"load average {load}"
    )
    print(f"requests {len(spans)} ({summary['requests']} by the engine), total request time {total:.0f} s")
    print(f"wall {wall:.1f} s, ideal (total / concurrency) {ideal:.1f} s: {ideal / wall:.0%} of ideal\n")
    t_run = min((lo for _, lo, _ in booked), default=0.0)
    print(f"{'pipeline stage':<20}{'from s':>8}{'to s':>8}")
    for name, lo, hi in sorted(booked, key=lambda b: b[1]):
        print(f"{name:<20}{lo - t_run:>8.1f}{hi - t_run:>8.1f}")
    head = f"{'request stage':<20}{'from s':>8}{'to s':>8}{'requests':>9}{'drain s':>9}{'drain idle % of run':>21}"
    print(f"\n{head}\n{'-' * len(head)}")
    windows = []
    for sub in dict.fromkeys(n for n, _, _ in sorted(asked, key=lambda x: x[1])):
        mine = [(a, b) for n, a, b in asked if n == sub]
        last_start, last_end = max(a for a, _ in mine), max(b for _, b in mine)
        windows.append((last_start, last_end))
        idle = c * (last_end - last_start) - busy_seconds(spans, last_start, last_end)
        print(
            f"{sub:<20}{min(a for a, _ in mine) - t_run:>8.1f}{last_end - t_run:>8.1f}{len(mine):>9}"
            f"{last_end - last_start:>9.1f}{idle / c / wall:>20.1%}"
        )
    outcomes_of = getattr(contexts[0], "outcomes_of", None) if contexts else None
    if outcomes_of is None:  # code from before stages ran at once: one stage at a time, by window
        outcomes_of = {
            n: list(dict.fromkeys(s for s, a, _ in asked if lo <= a <= hi)) for n, lo, hi in booked
        }
    floor = _floor(recipe, booked, asked, outcomes_of)
    barrier = sum(c * (b - a) - busy_seconds(spans, a, b) for a, b in _union(windows)) / c
    share = barrier / wall
    print(
        f"\npool idle over the whole run: {wall - ideal:.1f} s of {wall:.1f} s = {1 - ideal / wall:.0%} "
        f"(ideal {ideal:.1f} s: a pool that never drains)"
    )
    print(
        f"the drains at the ends of the request stages (from a stage's last request out to its last reply "
        f"back; overlaps counted once): {barrier:.1f} s of pool idle = {share:.0%} of wall time "
        f"(goal, issue 18: at most {GOAL_BARRIER_SHARE:.0%})"
    )
    print(
        f"floor with a barrier per stage (the longest chain of waiting stages, each its slowest request "
        f"per phase, a CPU-only stage its wall): {floor:.1f} s = {floor / wall:.0%} of wall"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
