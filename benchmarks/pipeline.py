"""What the stage barriers cost: a whole recipe against a server with a realistic latency spread.

    python benchmarks/pipeline.py [--recipe beethoven] [--limit 200] [--concurrency 64]

Runs `run_recipe` in this process against the scripted server (real HTTP on 127.0.0.1, the test
suite's deterministic responders, benchmarks/identical_stages.py) whose every reply waits a
lognormal delay clipped to 0.5-5 s (median 1.5 s, fixed per prompt, so runs repeat). The server
books when each request arrived and left; each stage's start and end are booked around its run.
Prints wall time against the ideal (total request time / concurrency: a pool that never
drains), and per stage: its requests, its wall time, how full the pool was, and the drain at its
end (from the stage's last new request to its end, the pool emptying while the next stage
waits), as a share of the whole run's wall time. Goal (issue 18): if the drains together cost
more than 15 % of the wall time, let downstream work start per upstream record.
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", default="beethoven")
    ap.add_argument("--limit", type=int, default=200, help="requests per stage at most (factory run --limit)")
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args()

    os.environ.setdefault("OPENAI_API_KEY", "sk-pipeline-bench")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from factory.recipe import load_recipe
    from factory.run import pipeline
    from factory.run.endpoint import Overrides

    booked: list[tuple[str, float, float]] = []
    active = pipeline.active

    def timed_active(recipe):
        stages = []
        for stage in active(recipe):

            async def run(ctx, _stage=stage, _run=stage.run):
                t0 = time.monotonic()
                try:
                    return await _run(ctx)
                finally:
                    booked.append((_stage.name, t0, time.monotonic()))

            object.__setattr__(stage, "run", run)  # a frozen dataclass; this process only
            stages.append(stage)
        return stages

    pipeline.active = timed_active
    recipe = load_recipe(ROOT / "recipes" / f"{args.recipe}.yaml")
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
        f"\n{args.recipe}, --limit {args.limit}, concurrency {c}, latency lognormal 0.5-5 s (median 1.5 s); "
        f"load average {load}"
    )
    print(f"requests {len(spans)} ({summary['requests']} by the engine), total request time {total:.0f} s")
    print(f"wall {wall:.1f} s, ideal (total / concurrency) {ideal:.1f} s: {ideal / wall:.0%} of ideal\n")
    head = (
        f"{'stage':<14}{'requests':>9}{'wall s':>9}{'pool full':>11}{'drain s':>9}{'drain idle % of run':>21}"
    )
    print(head)
    print("-" * len(head))
    barrier, floor = 0.0, 0.0
    for name, lo, hi in booked:
        mine = [(a, b) for a, b in spans if lo <= a <= hi]
        full = busy_seconds(spans, lo, hi) / (c * (hi - lo)) if hi > lo else 0.0
        drain_idle, drain = 0.0, 0.0
        if mine:
            last_start = max(a for a, _ in mine)
            drain = hi - last_start
            drain_idle = c * drain - busy_seconds(spans, last_start, hi)  # idle slot-seconds
            barrier += drain_idle / c
            floor += max(b - a for a, b in mine)
        print(
            f"{name:<14}{len(mine):>9}{hi - lo:>9.1f}{full:>10.0%} {drain:>9.1f}"
            f"{drain_idle / c / wall:>20.1%}"
        )
    share = barrier / wall
    print(
        f"\nwith a barrier per stage no run is shorter than its stages' longest requests in a row: "
        f"{floor:.1f} s (plus the CPU-only stages)"
    )
    print(
        f"the drains at stage ends: {barrier:.1f} s of pool idle = {share:.0%} of wall time "
        f"(streaming between stages pays off above {GOAL_BARRIER_SHARE:.0%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
