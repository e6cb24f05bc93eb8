"""The embedded llama.cpp server's speed, idle and with one core taken by another process.

    python benchmarks/local_model.py [--rounds 2] [--requests 3] [--max-tokens 48]

Each configuration (generation threads / prompt threads / OpenMP wait policy) is one
`LocalServer` (factory/engine/local_server.py) with the embedded SmolLM2-135M model; each round
asks it the same few questions twice, alternately idle and with a CPU hog (`python -c 'while 1:
pass'`) running, so a load spike from other work on the machine hits both. Prints completion
tokens per second of wall time (prompt included, as a run sees it) per configuration, the hogged
share of idle (goal, issue 18: >= 50 % for the default), and the load average at each
measurement, since the machine's cores may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

from factory.engine.local_server import (
    WAIT_POLICY,
    LocalServer,
    default_threads,
    embedded_gguf,
)

GOAL_SHARE = 0.5
QUESTIONS = [
    "Describe a walk through Vienna in spring, in three sentences.",
    "What does a piano teacher say to a careless pupil?",
    "Write a short letter to a friend about a concert that went badly.",
    "Tell me about your morning routine as a composer.",
]


def ask(base_url: str, question: str, max_tokens: int, cap_s: float) -> tuple[int, float]:
    """(tokens streamed, seconds) for one question, cut off after `cap_s` (a collapsed server
    would otherwise take minutes per answer)."""
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": question}],
        "max_tokens": max_tokens,
        "temperature": 0.0,
        "seed": 1,
        "stream": True,
    }
    req = urllib.request.Request(
        base_url + "/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    t0 = time.perf_counter()
    tokens = 0
    with urllib.request.urlopen(req, timeout=600) as resp:
        for line in resp:
            if line.startswith(b"data: {") and b'"content"' in line:
                tokens += 1
            if time.perf_counter() - t0 > cap_s:
                break
    return tokens, time.perf_counter() - t0


def tok_per_s(base_url: str, n: int, max_tokens: int, cap_s: float = 20.0) -> float:
    tokens, wall = 0, 0.0
    for i in range(n):
        t, w = ask(base_url, QUESTIONS[i % len(QUESTIONS)], max_tokens, cap_s)
        tokens, wall = tokens + t, wall + w
    return tokens / wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=2, help="idle/hogged pairs per configuration")
    ap.add_argument("--requests", type=int, default=3, help="questions per measurement")
    ap.add_argument("--max-tokens", type=int, default=48)
    ap.add_argument("--only", action="store_true", help="measure only the --config ones")
    ap.add_argument(
        "--config", dest="configs", action="append", default=[], metavar="T/B/WAIT", help="e.g. 2/2/PASSIVE"
    )
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0))
    default = (default_threads(), default_threads(), WAIT_POLICY)
    # "-": OMP_WAIT_POLICY unset (GNU OpenMP spins a while, then sleeps), cores/cores: what
    # factory did before; ACTIVE spins for good
    configs = [default, (cores, cores, "-"), (cores, cores, "ACTIVE"), (1, 1, "PASSIVE"), (1, 1, "-")]
    configs += [tuple(c.split("/")) for c in args.configs]  # type: ignore[misc]
    if args.only:
        configs = [default, *configs[5:]]
    configs = [
        (int(t), int(b), w) for t, b, w in dict.fromkeys(configs)
    ]  # the default may be one of the others
    results = []
    for threads, batch, policy in configs:
        srv = LocalServer(
            embedded_gguf(),
            n_threads=threads,
            n_threads_batch=batch,
            n_ctx=2048,
            wait_policy=None if policy == "-" else policy,
        )
        env_policy = os.environ.pop("OMP_WAIT_POLICY", None)  # the configuration's own policy applies
        try:
            srv.start()
            tok_per_s(srv.base_url, 1, 8)  # warm up
            idle, hogged, loads = [], [], []
            for _ in range(args.rounds):
                loads.append(os.getloadavg()[0])
                idle.append(tok_per_s(srv.base_url, args.requests, args.max_tokens))
                hog = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
                try:
                    time.sleep(0.5)
                    loads.append(os.getloadavg()[0])
                    hogged.append(tok_per_s(srv.base_url, args.requests, args.max_tokens))
                finally:
                    hog.kill()
                    hog.wait()
        finally:
            srv.stop()
            if env_policy is not None:
                os.environ["OMP_WAIT_POLICY"] = env_policy
        results.append(((threads, batch, policy), idle, hogged, loads))
        print(f"measured {threads}/{batch}/{policy}", file=sys.stderr, flush=True)

    print(
        f"\nembedded model, {args.requests} questions x {args.max_tokens} tokens per measurement, {cores} cores"
    )
    print(
        "streamed tokens/s (wall, prompt included, each answer cut off after 20 s): median (min-max) over rounds\n"
    )
    head = f"{'threads/batch/wait':<22} {'idle':<20} {'one core hogged':<20} {'hogged/idle':>11}  {'load avg':<14} goal"
    print(head)
    print("-" * len(head))
    bad = 0
    for cfg, idle, hogged, loads in results:
        share = statistics.median(hogged) / statistics.median(idle)
        is_default = cfg == default
        ok = share >= GOAL_SHARE
        bad += is_default and not ok
        spread = [f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})" for v in (idle, hogged)]
        verdict = ("pass" if ok else "FAIL") if is_default else "reference"
        name = "/".join(map(str, cfg)) + (" *" if is_default else "")
        print(
            f"{name:<22} {spread[0]:<20} {spread[1]:<20} {share:>10.0%}  "
            f"{min(loads):.1f}-{max(loads):.1f}{'':<6} {verdict}"
        )
    print(f"\n* the default (factory/engine/local_server.py); goal: hogged >= {GOAL_SHARE:.0%} of idle")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
