"""What one `factory` process costs before it does anything: start-up and a fully cached re-run.

    python benchmarks/startup.py [--rounds 5] [--limit 12]

Times whole processes (`sys.executable -m factory ...`, as the test suite starts ~150 of them):
`factory --help`, `factory validate recipes/beethoven.yaml`, and a re-run of
`factory run recipes/beethoven.yaml` into a run directory that a first run (same scripted server,
the test suite's deterministic responders, benchmarks/identical_stages.py) already completed, so
every stage resumes and no request reaches the server. Prints the median and range of wall time
per row next to its goal (issue 18: help < 0.3 s, cached re-run < 1.2 s with 0 requests) and the
load average, since the figures move with the machine's load. Exit 1 when a goal fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from identical_stages import scripted_server  # noqa: E402  (the deterministic responders, one definition)

RECIPE = ROOT / "recipes" / "beethoven.yaml"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[2:5])}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    return wall


def served(base_url: str) -> int:
    """Requests the scripted server has answered so far."""
    with urllib.request.urlopen(base_url.rsplit("/v1", 1)[0] + "/_stats") as resp:
        return int(json.load(resp)["count"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="timed processes per row")
    ap.add_argument("--limit", type=int, default=12, help="requests per stage of the first run")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENAI_API_KEY": "sk-startup", "HF_HUB_OFFLINE": "1"}
    with scripted_server() as base_url, tempfile.TemporaryDirectory(prefix="startup-") as tmp:
        run = [sys.executable, "-m", "factory", "run", str(RECIPE), "--out", str(Path(tmp) / "run")]
        run += [
            "--base-url",
            base_url,
            "--model",
            "scripted-model",
            "--quiet",
            "--limit",
            str(args.limit),
        ]
        timed(run, env)  # the first run: fills the run directory and its cache
        before = served(base_url)
        rows = [
            ("factory --help", [sys.executable, "-m", "factory", "--help"], 0.3),
            (
                "factory validate beethoven",
                [sys.executable, "-m", "factory", "validate", str(RECIPE)],
                None,
            ),
            ("factory run beethoven (cached re-run)", run, 1.2),
        ]
        walls: dict[str, list[float]] = {name: [] for name, _, _ in rows}
        for _ in range(args.rounds):  # alternated, so a load spike hits every row alike
            for name, cmd, _ in rows:
                walls[name].append(timed(cmd, env))
        asked = served(base_url) - before
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"start-up per process, {args.rounds} rounds, load average {load}\n")
    print(f"{'command':<40} {'median s':>9} {'range s':>13} {'goal':>8}  verdict")
    bad = 0
    for name, _, goal in rows:
        w = walls[name]
        ok = goal is None or statistics.median(w) < goal
        bad += not ok
        print(
            f"{name:<40} {statistics.median(w):>9.3f} {min(w):>6.3f}-{max(w):<6.3f} "
            f"{'< ' + str(goal) if goal else '-':>8}  {'' if goal is None else 'pass' if ok else 'FAIL'}"
        )
    print(f"\nrequests during the cached re-runs: {asked} (goal 0)")
    bad += asked != 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
