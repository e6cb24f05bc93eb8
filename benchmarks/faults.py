"""Faults: what kill -9, a second process, a dead or hostile endpoint and a storm leave behind.

    python benchmarks/faults.py [--kills 10] [--sections 6] [--latency 0.02] [--seed 7]

One recipe with every stage on (scenes, interactions, protection, samples, gate, export) runs
against the scripted server (real HTTP, tests/responders.py writes deterministic replies) in
these scenarios, each in its own run directory:

- clean: uninterrupted, the reference;
- kill -9 x N: killed at N random points (the last two while the export is being written),
  resumed after each kill, then finished;
- two processes: a second `factory run` on the same --out while the first runs;
- dead endpoint: nothing listens on the port;
- 401 endpoint: every request refused;
- storm: 20 % 429, 5 % 500 (echoing the API key in the body), 2 % dropped connections,
  10 % malformed (5 % broken HTTP body, 5 % non-JSON content), 3 % truncated; re-run until
  a run exits 0 (at most 4 runs).

The table shows, per scenario: exit codes, wall time, requests made (against clean),
duplicate ids and torn lines over every JSONL file of the run directory (stage files,
failures.jsonl, .progress/*.done, export/*.jsonl), whether the data files equal the clean
run's byte for byte, and how often the API key occurs anywhere in the run directory or in
the commands' output. Goals: 0 duplicates, 0 torn lines, equal files where the run
finished, the second process refused (exit 2), dead / 401 endpoints stop non-zero within
seconds, 0 secrets.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.responders: the scripted writer the test suite uses

from factory.testing.openai_server import ScriptedServer  # noqa: E402
from tests.responders import route  # noqa: E402

SECRET = "sk-faults-bench-0123456789abcdef"
URL_PASSWORD = "pw-faults-bench-fedcba9876543210"  # in the base URL's userinfo
RECIPE = """\
name: faults-bench
language: en
character: {{name: Anna Keller, aliases: [Anna], profile: {{file: profile.md}}}}
chunks: {{max_tokens: 200, min_tokens: 5}}
scenes: {{per_chunk: {scenes}, per_request: 2}}
protection: {{share: 0.3}}
"""


class StormServer(ScriptedServer):
    """The scripted server with a seeded share of every fault, drawn per request."""

    def __init__(self, rng: random.Random, **kw):
        super().__init__(**kw)
        self.rng = rng
        self.storm = False
        self._drawn = False  # set between our draw and the parent's _take (no await in between)

    def _take(self, body):
        b = super()._take(body)
        if b is not None or not self.storm or self._drawn:
            self._drawn = False
            return b
        x = self.rng.random()
        for share, behaviour in (
            (0.20, {"status": 429, "retry_after": 0.05}),
            (0.05, {"status": 500, "echo_key": True}),
            (0.02, {"drop": True}),
            (0.05, {"malformed": True}),
            (0.05, {"content": "Sorry, I can't do JSON right now."}),
            (0.03, {"truncate": True}),
        ):
            if x < share:
                return behaviour
            x -= share
        return None

    async def _answer(self, request, body):
        b = self._take(body) or {}
        if b.get("echo_key"):  # a careless server that quotes the request's credentials back
            from aiohttp import web

            return web.json_response(
                {"error": {"message": "bad gateway for " + request.headers.get("Authorization", "")}},
                status=500,
            )
        if b:
            self.script(b)  # hand it to the parent's normal handling
        self._drawn = True
        return await super()._answer(request, body)


def write_recipe(root: Path, sections: int, scenes: int) -> Path:
    parts = [
        f"## Period {i}\n\nIn year {1850 + i} Anna Keller repaired clock number {i} in the river town, "
        f"argued with the guild about apprentice number {i} and took on a new bench."
        for i in range(sections)
    ]
    (root / "profile.md").write_text("# Anna Keller\n\n" + "\n\n".join(parts) + "\n", encoding="utf-8")
    recipe = root / "recipe.yaml"
    recipe.write_text(RECIPE.format(scenes=scenes), encoding="utf-8")
    return recipe


def start(recipe: Path, out: Path, base_url: str, *extra: str) -> subprocess.Popen:
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
        "8",
        "--quiet",
        *extra,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OPENAI_API_KEY": SECRET}
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(proc: subprocess.Popen, log: list[str], timeout: float = 600) -> int:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        log.append(out or "")
        return -999
    log.append(out or "")
    return proc.returncode


def jsonl_files(run: Path) -> list[Path]:
    files = [p for p in run.rglob("*") if p.is_file() and (p.suffix in (".jsonl", ".done"))]
    return sorted(files)


def integrity(run: Path) -> tuple[int, int]:
    """(duplicate ids, torn lines) over every JSONL / .done file of a run directory."""
    dups = torn = 0
    for f in jsonl_files(run):
        data = f.read_text(encoding="utf-8", errors="replace")
        if data and not data.endswith("\n"):
            torn += 1
        seen: set = set()
        for line in data.splitlines():
            if not line.strip():
                continue
            if f.suffix == ".done":
                key = line
            else:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    torn += 1
                    continue
                key = (obj.get("stage"), obj.get("id")) if f.name == "failures.jsonl" else obj.get("id")
                if key is None or key == (None, None):
                    continue  # export rows carry no id
            dups += key in seen
            seen.add(key)
    return dups, torn


def data_files(run: Path) -> dict[str, bytes]:
    """The files a user trains on and reads: stage files and the export's JSONL."""
    keep = {}
    for f in jsonl_files(run):
        rel = f.relative_to(run).as_posix()
        if f.suffix == ".jsonl" and not rel.startswith(".") and ".tmp" not in rel:
            keep[rel] = f.read_bytes()
    return keep


def secrets_found(run: Path, logs: list[str]) -> int:
    hits = 0
    for secret in (SECRET, URL_PASSWORD):
        hits += sum(p.read_bytes().count(secret.encode()) for p in run.rglob("*") if p.is_file())
        hits += sum(text.count(secret) for text in logs)
    return hits


def export_running(run: Path, since: float) -> bool:
    """The gate has written kept.jsonl in this process's lifetime: the export is next."""
    kept = run / "kept.jsonl"
    return kept.exists() and kept.stat().st_mtime >= since


class Bench:
    def __init__(self, args: argparse.Namespace, srv: StormServer, root: Path):
        self.args, self.srv, self.root = args, srv, root
        self.recipe = write_recipe(root, args.sections, args.scenes)
        self.rows: list[dict] = []
        self.clean: dict[str, bytes] = {}
        self.clean_requests = 0
        self.clean_wall = 1.0

    def row(
        self,
        name: str,
        run: Path | None,
        codes: list[int],
        wall: float,
        requests: int | None,
        logs: list[str],
        compare: bool = True,
        **extra,
    ) -> dict:
        dups, torn = integrity(run) if run and run.exists() else (0, 0)
        equal = None
        if compare and run is not None:
            equal = data_files(run) == self.clean
        r = {
            "scenario": name,
            "exit": codes,
            "wall_s": round(wall, 2),
            "requests": requests,
            "dups": dups,
            "torn": torn,
            "equal": equal,
            "secrets": secrets_found(run, logs)
            if run and run.exists()
            else sum(t.count(SECRET) for t in logs),
            **extra,
        }
        self.rows.append(r)
        return r

    def clean_run(self) -> None:
        out, logs = self.root / "clean", []
        t0, n0 = time.monotonic(), self.srv.count
        code = finish(start(self.recipe, out, self.srv.base_url), logs)
        self.clean_wall = time.monotonic() - t0
        self.clean_requests = self.srv.count - n0
        self.clean = data_files(out)
        self.row(
            "clean",
            out,
            [code],
            time.monotonic() - t0,
            self.clean_requests,
            logs,
            compare=False,
            files=len(self.clean),
        )

    def kills(self) -> None:
        """Kill -9 at random moments of the clean run's length (the last two once the export is next)."""
        out, logs, codes = self.root / "killed", [], []
        rng = random.Random(self.args.seed)
        t0, n0 = time.monotonic(), self.srv.count
        for k in range(self.args.kills):
            during_export = k >= self.args.kills - 2
            since = time.time()
            proc = start(self.recipe, out, self.srv.base_url)
            deadline = time.monotonic() + rng.uniform(0.2, 1.0) * self.clean_wall
            while proc.poll() is None:
                if during_export and export_running(out, since):
                    time.sleep(rng.uniform(0, 0.05))
                    break
                if not during_export and time.monotonic() >= deadline:
                    break
                time.sleep(0.002)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            codes.append(finish(proc, logs))
        codes.append(finish(start(self.recipe, out, self.srv.base_url), logs))
        landed = sum(c == -9 for c in codes)
        self.row(
            f"kill -9 x {self.args.kills}",
            out,
            codes,
            time.monotonic() - t0,
            self.srv.count - n0,
            logs,
            note=f"{landed} kills landed (the others found the run already done); last exit {codes[-1]}",
        )

    def two_processes(self) -> None:
        out, logs = self.root / "two", []
        t0, n0 = time.monotonic(), self.srv.count
        self.srv.latency = self.args.latency * 5  # keep the first one busy
        first = start(self.recipe, out, self.srv.base_url)
        while not (out / ".factory-lock").exists() and first.poll() is None:
            time.sleep(0.01)
        time.sleep(0.2)
        t1 = time.monotonic()
        second = finish(start(self.recipe, out, self.srv.base_url), logs, timeout=60)
        refused_in = time.monotonic() - t1
        self.srv.latency = self.args.latency
        code = finish(first, logs)
        self.row(
            "two processes, one --out",
            out,
            [code, second],
            time.monotonic() - t0,
            self.srv.count - n0,
            logs,
            note=f"second refused in {refused_in:.1f}s" if second == 2 else "second NOT refused",
        )

    def dead_endpoint(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        out, logs = self.root / "dead", []
        t0 = time.monotonic()
        code = finish(start(self.recipe, out, f"http://127.0.0.1:{port}/v1"), logs, timeout=300)
        self.row(
            "dead endpoint",
            out,
            [code],
            time.monotonic() - t0,
            0,
            logs,
            compare=False,
            note=(logs[-1].strip().splitlines() or [""])[-1][:70],
        )

    def refused_key(self) -> None:
        out, logs = self.root / "401", []
        with ScriptedServer(responder=route) as bad:
            bad.script(*({"status": 401} for _ in range(10_000)))
            t0 = time.monotonic()
            code = finish(start(self.recipe, out, bad.base_url), logs, timeout=300)
            made = bad.count
        self.row(
            "401 on every request",
            out,
            [code],
            time.monotonic() - t0,
            made,
            logs,
            compare=False,
            note=(logs[-1].strip().splitlines() or [""])[-1][:70],
        )

    def leaky_server(self) -> None:
        """A server that quotes the key back in a final 400; then a base URL that carries a password."""

        class Leaky(ScriptedServer):
            async def _answer(self, request, body):
                from aiohttp import web

                if "Period 1" in json.dumps(body):
                    return web.json_response(
                        {
                            "error": {
                                "message": "invalid request from " + request.headers.get("Authorization", "")
                            }
                        },
                        status=400,
                    )
                return await super()._answer(request, body)

        with Leaky(responder=route) as leaky:
            for name, url in (
                ("server echoes the key (400)", leaky.base_url),
                (
                    "password in the base URL",
                    leaky.base_url.replace("http://", f"http://bench:{URL_PASSWORD}@"),
                ),
            ):
                out, logs = self.root / name.split(" ")[0], []
                t0, n0 = time.monotonic(), leaky.count
                code = finish(start(self.recipe, out, url), logs, timeout=300)
                self.row(name, out, [code], time.monotonic() - t0, leaky.count - n0, logs, compare=False)

    def storm(self) -> None:
        out, logs, codes = self.root / "storm", [], []
        t0, n0 = time.monotonic(), self.srv.count
        self.srv.storm = True
        try:
            for _ in range(4):
                codes.append(finish(start(self.recipe, out, self.srv.base_url), logs))
                left = out / "failures.jsonl"
                if codes[-1] == 0 and not (left.exists() and left.read_text().strip()):
                    break
        finally:
            self.srv.storm = False
        failures = (
            (out / "failures.jsonl").read_text().count("\n") if (out / "failures.jsonl").exists() else 0
        )
        self.row(
            "storm (429/500/drop/bad/trunc)",
            out,
            codes,
            time.monotonic() - t0,
            self.srv.count - n0,
            logs,
            note=f"{failures} failures left",
        )


def report(rows: list[dict], clean_requests: int) -> bool:
    head = (
        f"{'scenario':<32}{'exit':>12}{'wall s':>8}{'requests':>10}{'dups':>6}{'torn':>6}{'equal':>7}"
        f"{'secrets':>9}  note"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        eq = "" if r["equal"] is None else ("yes" if r["equal"] else "NO")
        codes = ",".join(map(str, r["exit"]))
        if len(codes) > 12:
            codes = codes[:9] + "..."
        print(
            f"{r['scenario']:<32}{codes:>12}{r['wall_s']:>8.1f}{r['requests'] or 0:>10}{r['dups']:>6}"
            f"{r['torn']:>6}{eq:>7}{r['secrets']:>9}  {r.get('note', '')}"
        )
    by = {r["scenario"].split(" ")[0]: r for r in rows}
    two = next(r for r in rows if r["scenario"].startswith("two"))
    goals = [
        ("0 duplicate ids, 0 torn lines in every file", all(r["dups"] == 0 and r["torn"] == 0 for r in rows)),
        ("killed+resumed and storm files == clean", all(r["equal"] for r in rows if r["equal"] is not None)),
        ("killed run finished (last exit 0)", by["kill"]["exit"][-1] == 0),
        ("second process refused (exit 2), first finished", two["exit"] == [0, 2]),
        (
            "dead endpoint: non-zero exit within 30 s",
            by["dead"]["exit"][0] not in (0, -999) and by["dead"]["wall_s"] < 30,
        ),
        (
            "401: non-zero exit within 30 s",
            by["401"]["exit"][0] not in (0, -999) and by["401"]["wall_s"] < 30,
        ),
        ("storm healed by re-runs (last exit 0)", by["storm"]["exit"][-1] == 0),
        ("0 secrets anywhere", all(r["secrets"] == 0 for r in rows)),
    ]
    print(f"\nclean run: {clean_requests} requests")
    for name, ok in goals:
        print(f"goal {name:<52} {'pass' if ok else 'FAIL'}")
    return all(ok for _, ok in goals)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--sections", type=int, default=6)
    ap.add_argument("--scenes", type=int, default=4, help="scenes per chunk")
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="keep the run directories here")
    args = ap.parse_args()
    with (
        StormServer(random.Random(args.seed), responder=route, latency=args.latency, record=False) as srv,
        tempfile.TemporaryDirectory() as tmp,
    ):
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        bench = Bench(args, srv, root)
        bench.clean_run()
        bench.kills()
        bench.two_processes()
        bench.dead_endpoint()
        bench.refused_key()
        bench.leaky_server()
        bench.storm()
        ok = report(bench.rows, bench.clean_requests)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
