"""Resume after `kill -9`: how much work a crash costs, and whether the result is the same.

    python benchmarks/resume.py [--sections 40] [--scenes 10] [--latency 0.05] [--concurrency 16]
                                [--kill-at 0.5]

Against the scripted test server (real HTTP, fixed latency) with the scripted scene writer from
tests/responders.py, one recipe runs three ways: uninterrupted; killed with SIGKILL once
`--kill-at` of its scene requests are done, then resumed; and re-run once finished. The table
shows requests the server answered, wall time, requests lost to the crash (answered before the
kill but made again after it: at most the ones in flight) and whether the resumed run's
scenes.jsonl equals the uninterrupted one byte for byte. Goals: lost <= concurrency, identical
files, and a re-run with 0 requests.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.responders: the scripted scene writer the test suite uses

from factory.testing.openai_server import ScriptedServer  # noqa: E402
from tests.responders import route  # noqa: E402

RECIPE = """\
name: resume-bench
language: en
character: {{name: Anna Keller, profile: {{file: profile.md}}}}
chunks: {{max_tokens: 200, min_tokens: 5}}
scenes: {{per_chunk: {scenes}, per_request: 1}}
interactions: null
protection: null
quality: null
export: null
split: null
"""


def write_profile(root: Path, sections: int) -> None:
    """root/profile.md: `sections` short periods of Anna Keller's life, one chunk each."""
    parts = [
        f"## Period {i}\n\nIn year {1850 + i} Anna Keller repaired clock number {i} in the river town "
        f"and took on apprentice number {i}; the workshop grew by one bench."
        for i in range(sections)
    ]
    (root / "profile.md").write_text("# Anna Keller\n\n" + "\n\n".join(parts) + "\n", encoding="utf-8")


def write_recipe(root: Path, sections: int, scenes: int) -> Path:
    """A profile of `sections` short periods: sections x scenes scene requests."""
    write_profile(root, sections)
    recipe = root / "recipe.yaml"
    recipe.write_text(RECIPE.format(scenes=scenes), encoding="utf-8")
    return recipe


def factory_run(recipe: Path, out: Path, base_url: str, concurrency: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "factory",
        "run",
        str(recipe),
        "--out",
        str(out),
        "--base-url",
        base_url,
        "--model",
        "m",
        "--concurrency",
        str(concurrency),
        "--quiet",
    ]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(proc: subprocess.Popen) -> None:
    if proc.wait(timeout=600) != 0:
        raise SystemExit(f"factory run failed: {proc.stderr.read().decode()[-500:]}")


def done_count(out: Path) -> int:
    done = out / ".progress" / "scenes.done"
    return done.read_text().count("\n") if done.exists() else 0


def measure(args: argparse.Namespace, srv: ScriptedServer, root: Path) -> dict:
    recipe = write_recipe(root, args.sections, args.scenes)
    total = args.sections * args.scenes
    rows: dict = {}

    t0, n0 = time.monotonic(), srv.count
    finish(factory_run(recipe, root / "clean", srv.base_url, args.concurrency))
    rows["uninterrupted"] = {"requests": srv.count - n0, "wall": time.monotonic() - t0}

    t0, n0 = time.monotonic(), srv.count
    proc = factory_run(recipe, root / "killed", srv.base_url, args.concurrency)
    while done_count(root / "killed") < total * args.kill_at and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = srv.count - n0
    rows["killed at " + f"{done_count(root / 'killed')}/{total}"] = {
        "requests": before,
        "wall": time.monotonic() - t0,
    }
    t0, n1 = time.monotonic(), srv.count
    finish(factory_run(recipe, root / "killed", srv.base_url, args.concurrency))
    after = srv.count - n1
    rows["resumed"] = {"requests": after, "wall": time.monotonic() - t0, "lost": before + after - total}

    t0, n2 = time.monotonic(), srv.count
    finish(factory_run(recipe, root / "killed", srv.base_url, args.concurrency))
    rows["re-run when finished"] = {"requests": srv.count - n2, "wall": time.monotonic() - t0}

    same = (root / "killed" / "scenes.jsonl").read_bytes() == (root / "clean" / "scenes.jsonl").read_bytes()
    return {"total": total, "rows": rows, "identical": same}


def report(args: argparse.Namespace, result: dict) -> bool:
    print(
        f"\n{result['total']} scene requests, concurrency {args.concurrency}, "
        f"server latency {args.latency * 1000:.0f} ms, kill -9 at {args.kill_at:.0%}\n"
    )
    head = f"{'pass':<26}{'requests':>10}{'wall s':>9}{'lost':>6}"
    print(head)
    print("-" * len(head))
    for label, r in result["rows"].items():
        lost = r.get("lost")
        print(f"{label:<26}{r['requests']:>10}{r['wall']:>9.2f}{'' if lost is None else lost:>6}")
    lost = result["rows"]["resumed"]["lost"]
    rerun = result["rows"]["re-run when finished"]["requests"]
    goals = [
        (f"lost <= concurrency ({args.concurrency})", lost <= args.concurrency, f"{lost} lost"),
        (
            "resumed scenes.jsonl == uninterrupted",
            result["identical"],
            "identical" if result["identical"] else "DIFFERENT",
        ),
        ("re-run makes 0 requests", rerun == 0, f"{rerun} requests"),
    ]
    print()
    for name, ok, measured in goals:
        print(f"goal {name:<40} {'pass' if ok else 'FAIL'} ({measured})")
    print(json.dumps({"lost": lost, "identical": result["identical"], "rerun_requests": rerun}))
    return all(ok for _, ok, _ in goals)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", type=int, default=40)
    ap.add_argument("--scenes", type=int, default=10, help="scene requests per chunk (one scene each)")
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--kill-at", type=float, default=0.5)
    args = ap.parse_args()
    with (
        ScriptedServer(responder=route, latency=args.latency, record=False) as srv,
        tempfile.TemporaryDirectory() as tmp,
    ):
        ok = report(args, measure(args, srv, Path(tmp)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
