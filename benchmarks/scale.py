"""Scaling the factory side: one process, Ray with 1 and 2 workers, and `--shard 2` + merge.

    python benchmarks/scale.py [--sections 8] [--scenes 40] [--latency 0.2] [--concurrency 16]

One recipe (scenes, then one script per scene) runs each way against the scripted test server
(real HTTP, fixed latency, the scene and script writers of tests/responders.py), in this
process so that it is not counted. Each run is a fresh `factory run` in a child process; its CPU
is the child's whole process tree (Ray's GCS, raylet and workers included) from getrusage.

Columns: requests; wall time; Ray start-up (ray.init, inside the wall time); throughput; CPU per
request (all processes), split into what is fixed and what each request adds (from a second run of
every way at a quarter of the size), and the driver process's share; per stage: wall time minus the ideal
(ceil(requests / concurrency) x latency) = what the machinery adds per stage. The shard row is two
processes at once plus `factory merge` and the finishing `factory run` over the union (which redoes
the dataset-wide steps). Also checked: every way writes the same scenes.jsonl and interactions.jsonl
as the local run, byte for byte.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.responders: the scripted writers the test suite uses
sys.path.insert(0, str(ROOT / "benchmarks"))

from resume import write_profile  # noqa: E402  (the benchmark profile, one definition)

RECIPE = """\
name: scale-bench
language: en
character: {{name: Anna Keller, profile: {{file: profile.md}}}}
backend: {{model: m, concurrency: {concurrency}}}
chunks: {{max_tokens: 200, min_tokens: 5}}
scenes: {{per_chunk: {scenes}, per_request: 1}}
protection: null
quality: null
export: null
split: null
"""
COMPARED = ("scenes.jsonl", "interactions.jsonl")


def write_recipe(root: Path, sections: int, scenes: int, concurrency: int) -> Path:
    write_profile(root, sections)
    recipe = root / "recipe.yaml"
    recipe.write_text(RECIPE.format(scenes=scenes, concurrency=concurrency), encoding="utf-8")
    return recipe


# -- the child: one `factory run`, its stages timed -------------------------------------------------


def child(spec: dict) -> None:
    from factory.recipe import load_recipe
    from factory.run import pipeline
    from factory.run.endpoint import Overrides

    ray_start = 0.0
    if spec["workers"]:
        import ray

        t = time.perf_counter()
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
        ray_start = time.perf_counter() - t
    stage_wall: dict[str, float] = {}

    def timed(stage):
        async def run(ctx):
            t = time.perf_counter()
            try:
                return await stage.run(ctx)
            finally:
                stage_wall[stage.name] = time.perf_counter() - t

        return dataclasses.replace(stage, run=run)

    active = pipeline.active
    pipeline.active = lambda recipe: [timed(s) for s in active(recipe)]
    sets = [f"executor.workers={spec['workers']}"] if spec["workers"] else []
    cpu = time.process_time()
    summary = pipeline.run_recipe(
        load_recipe(Path(spec["recipe"]), sets),
        out=Path(spec["out"]),
        overrides=Overrides(base_url=spec["base_url"]),
        shard=tuple(spec["shard"]) if spec["shard"] else None,
        progress=False,
        log=lambda m: None,
        ray="" if spec["workers"] else None,
    )
    driver_cpu = time.process_time() - cpu
    stages = {k: v["requests"] for k, v in summary["stages"].items()}
    print(
        json.dumps({"ray_start": ray_start, "stage_wall": stage_wall, "requests": stages, "cpu": driver_cpu})
    )
    if spec["workers"]:
        import ray

        ray.shutdown()  # Ray's processes end and are reaped here: their CPU reaches the parent's rusage


# -- the parent -------------------------------------------------------------------------------------


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def spawn(spec: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", json.dumps(spec)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )


def measure(specs: list[dict], merge: tuple[list[str], str] | None = None) -> dict:
    """Run `specs` at once (then merge the shards and finish), with wall time and the whole trees' CPU."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    procs = [spawn(s) for s in specs]
    outs = []
    for p in procs:
        text, _ = p.communicate()
        if p.returncode:
            raise SystemExit(f"a child run failed (exit {p.returncode})")
        outs.append(json.loads(text.strip().splitlines()[-1]))
    merged = 0.0
    if merge is not None:
        t = time.perf_counter()
        shards, out = merge
        subprocess.run(
            [sys.executable, "-m", "factory", "merge", *shards, "--out", out],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        finish = spawn({**specs[0], "out": out, "shard": None})  # the finishing run over the union
        finish.communicate()
        if finish.returncode:
            raise SystemExit(f"the finishing run failed (exit {finish.returncode})")
        merged = time.perf_counter() - t
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    requests: dict[str, int] = {}
    for o in outs:
        for k, v in o["requests"].items():
            requests[k] = requests.get(k, 0) + v
    stage_wall = {k: max(o["stage_wall"].get(k, 0.0) for o in outs) for k in requests}
    return {
        "wall": wall,
        "cpu": cpu,
        "driver_cpu": sum(o["cpu"] for o in outs),
        "ray_start": max(o["ray_start"] for o in outs),
        "requests": requests,
        "stage_wall": stage_wall,
        "merge": merged,
        "processes": len(specs),
    }


def ways(recipe: Path, root: Path, base_url: str) -> dict[str, dict]:
    def spec(out: str, workers: int = 0, shard: list[int] | None = None) -> dict:
        return {
            "recipe": str(recipe),
            "out": str(root / out),
            "base_url": base_url,
            "workers": workers,
            "shard": shard,
        }

    rows = {
        "local": measure([spec("local")]),
        "ray, 1 worker": measure([spec("ray1", 1)]),
        "ray, 2 workers": measure([spec("ray2", 2)]),
    }
    shards = [spec(f"shard{i}", shard=[i, 2]) for i in range(2)]
    rows["--shard 2 + merge"] = measure(shards, ([s["out"] for s in shards], str(root / "merged")))
    return rows


# -- the engine alone: how many requests one driver can move, with and without Ray ------------------


async def _engine_pass(settings, workers: int, n: int, cache_path: Path) -> dict:
    import psutil
    import ray

    from factory.engine import Engine, Request, RequestCache
    from factory.engine.ray_transport import RayTransport

    reqs = [
        Request(id=f"r{i}", messages=[{"role": "user", "content": f"Question {i}?"}], parse=lambda t: t)
        for i in range(n)
    ]
    engine = Engine(settings, cache=RequestCache(cache_path))
    procs = []
    if workers:
        engine.transport = RayTransport(settings, workers, f"scale-bench-{workers}")
        await engine.transport.complete(engine.body(reqs[0]))  # start the workers before the clock
        procs = [psutil.Process(ray.get(a.pid.remote())) for a in engine.transport._actors]
    before = [sum(p.cpu_times()[:2]) for p in procs]
    cpu0, t0 = time.process_time(), time.perf_counter()
    ok = 0
    async for res in engine.stream(reqs):
        ok += res.ok
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    worker = sum(sum(p.cpu_times()[:2]) - b for p, b in zip(procs, before, strict=True))
    await engine.close()
    engine.cache.close()
    return {"ok": ok, "wall": wall, "cpu": cpu, "worker": worker}


def engine_table(n: int, latency: float, concurrency: int) -> None:
    """Requests straight through an Engine (no stages), the server in its own process: the ceilings."""
    import asyncio

    import ray

    from factory.engine import EndpointSettings

    proc = subprocess.Popen(
        [sys.executable, "-m", "factory.testing.openai_server", "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = json.loads(proc.stdout.readline())["base_url"]
        settings = EndpointSettings(base_url=url, model="m", concurrency=concurrency)
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
        ideal = concurrency / latency
        print(
            f"\nengine alone: {n} requests, latency {latency:g} s, concurrency {concurrency} "
            f"(ideal {ideal:.0f} req/s); CPU of the driver and of the Ray workers, per request"
        )
        print("| way | req/s | % of ideal | driver ms/req | workers ms/req |\n|---|---|---|---|---|")
        with tempfile.TemporaryDirectory() as tmp:
            for workers in (0, 1, 2):
                r = asyncio.run(_engine_pass(settings, workers, n, Path(tmp) / f"cache{workers}.sqlite"))
                assert r["ok"] == n, r
                name = "local" if not workers else f"ray, {workers} worker" + ("s" if workers > 1 else "")
                print(
                    f"| {name} | {n / r['wall']:.0f} | {100 * n / r['wall'] / ideal:.0f} % | "
                    f"{1000 * r['cpu'] / n:.2f} | {1000 * r['worker'] / n:.2f} |"
                )
    finally:
        ray.shutdown()
        proc.terminate()
        proc.wait()


def _same(want: Path, got: Path) -> str:
    """`yes` when the record files equal the local run's byte for byte, else their line counts."""
    diff = [f for f in COMPARED if (got / f).read_bytes() != (want / f).read_bytes()]
    lines = {f: ((want / f).read_text().count("\n"), (got / f).read_text().count("\n")) for f in diff}
    return "yes" if not diff else "NO: " + ", ".join(f"{f} {a} vs {b} lines" for f, (a, b) in lines.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", type=int, default=8)
    ap.add_argument("--scenes", type=int, default=40, help="scene requests per section")
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--engine-requests", type=int, default=3000, help="for the engine-alone table (0: skip)")
    ap.add_argument("--engine-concurrency", type=int, default=128)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(json.loads(args.child))

    from factory.testing.openai_server import ScriptedServer
    from tests.responders import route

    root = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    (root / "small").mkdir()
    recipe = write_recipe(root, args.sections, args.scenes, args.concurrency)
    small = write_recipe(root / "small", args.sections, max(1, args.scenes // 4), args.concurrency)
    with ScriptedServer(responder=route, latency=args.latency, record=False) as srv:
        rows = ways(recipe, root, srv.base_url)
        smaller = ways(small, root / "small", srv.base_url)  # the same at a quarter: what is fixed
    outs = {
        "local": "local",
        "ray, 1 worker": "ray1",
        "ray, 2 workers": "ray2",
        "--shard 2 + merge": "merged",
    }
    same = {name: _same(root / "local", root / outs[name]) for name in rows}
    print(
        f"latency {args.latency:g} s, concurrency {args.concurrency}, {args.sections} sections x "
        f"{args.scenes} scenes; ideal = ceil(requests / concurrency) x latency per stage"
    )
    stages = list(rows["local"]["requests"])
    head = [
        "way",
        "requests",
        "wall s",
        "ray start s",
        "req/s",
        "CPU ms/req",
        "fixed CPU s",
        "marginal CPU ms/req",
    ]
    head += ["driver ms/req"]
    head += [f"{s} +s" for s in stages] + ["same files"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, r in rows.items():
        n = sum(r["requests"].values())
        h = smaller[name]
        marginal = (r["cpu"] - h["cpu"]) / max(1, n - sum(h["requests"].values()))
        fixed = r["cpu"] - marginal * n
        over = [
            r["stage_wall"][s]
            - math.ceil(r["requests"][s] / args.concurrency / r["processes"]) * args.latency
            for s in stages
        ]
        cells = [
            name,
            str(n),
            f"{r['wall']:.2f}",
            f"{r['ray_start']:.2f}",
            f"{n / r['wall']:.0f}",
            f"{1000 * r['cpu'] / n:.2f}",
            f"{fixed:.2f}",
            f"{1000 * marginal:.2f}",
            f"{1000 * r['driver_cpu'] / n:.2f}",
        ]
        cells += [f"{o:+.2f}" for o in over] + [same[name]]
        print("| " + " | ".join(cells) + " |")
    if rows["--shard 2 + merge"]["merge"]:
        print(f"merge + finish: {rows['--shard 2 + merge']['merge']:.2f} s (in the shard row's wall time)")
    if args.engine_requests:
        engine_table(args.engine_requests, args.latency, args.engine_concurrency)


if __name__ == "__main__":
    main()
