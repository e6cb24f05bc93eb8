"""Does a refactor change what a run writes? Byte-compare the stage files of two code versions.

    python benchmarks/identical_stages.py --ref d398ea1        # that commit vs the working tree
    python benchmarks/identical_stages.py --save base.json     # this tree's digests, to compare later
    python benchmarks/identical_stages.py --against base.json  # this tree vs saved digests

Each shipped recipe (beethoven, sushi, persona_cards) runs through `factory run` against the
scripted OpenAI-compatible server (real HTTP on 127.0.0.1) with the deterministic responders the
test suite uses, a fixed seed and concurrency 1, so two runs of the same code write the same
bytes. Every file a run writes is compared by SHA-256, except the request cache (SQLite pages),
the lock and the llama.cpp log; in JSON and Markdown files the few values that name a time, a
duration, the server's port or the checkout's folder (the recipe path and the recipe hash, which
covers absolute paths) are blanked first, so two checkouts in different folders compare.
Exit 1 when any file differs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ("beethoven", "sushi", "persona_cards")
SKIP = {"cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm", ".factory-lock", "llama_server.log"}
# stamps of what a stage read (factory/run/unchanged.py): they digest the code and timed reports
SKIP |= {".inputs.json", ".preferences.inputs.json"}
# what names a time, a duration, the server's port or the checkout's folder (the recipe's path, and
# its hash, which covers the absolute profile path): blanked before hashing, in JSON and text alike
VOLATILE_KEYS = {"started_at", "created_at", "wall_time_s", "timings_s", "recipe", "recipe_hash"}
VOLATILE_TEXT = [
    re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+\-Z][\d:]*"),
    re.compile(r"http://127\.0\.0\.1:\d+"),
    re.compile(r"^checks [\d.]+, judge .*$", re.M),
    re.compile(r"^- recipe hash: `[0-9a-f]+`$", re.M),
]

# The server side runs in a child process of the code under test, from THIS file's tree, so both
# versions get exactly the same answers.
SERVER = r"""
import json, sys, zlib
sys.path.insert(0, sys.argv[1])
from factory.testing.openai_server import ScriptedServer
from tests import responders, persona_responders

persona = persona_responders.make_route()

def route(body):
    text = " ".join(m.get("content", "") for m in body["messages"])
    for answerer in (responders.route, persona):
        try:
            answer = answerer(body)
        except Exception:  # a prompt that answerer does not know (e.g. Chinese interactions)
            continue
        if answer != "{}":
            return answer
    # preferences' rewrites, judges and anything else: plain text derived from the prompt
    n = zlib.crc32(text.encode())
    return f"As an AI assistant I am happy to help with request {n % 997}. Let me know!"

with ScriptedServer(responder=route) as srv:
    print(srv.base_url, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def scripted_server() -> Iterator[str]:
    """The deterministic scripted server (SERVER) in a child process; yields its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ROOT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield server.stdout.readline().strip()
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def run_recipes(code: Path, out: Path, limit: int) -> dict[str, dict[str, str]]:
    """Run every recipe with the code at `code`; {recipe: {file: sha256}}."""
    with scripted_server() as base_url:
        env = {
            **os.environ,
            "PYTHONPATH": str(code),
            "OPENAI_API_KEY": "sk-identical-stages",
            "HF_HUB_OFFLINE": "1",
        }
        digests = {}
        for name in RECIPES:
            run_dir = out / name
            cmd = [
                sys.executable,
                "-m",
                "factory",
                "run",
                str(code / "recipes" / f"{name}.yaml"),
                "--out",
                str(run_dir),
                "--base-url",
                base_url,
                "--model",
                "scripted-model",
                "--concurrency",
                "1",
                "--quiet",
                "--limit",
                str(limit),
            ]
            proc = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
            if proc.returncode not in (0, 1) or not (run_dir / "run.json").is_file():
                sys.exit(f"{name}: factory run exited {proc.returncode}\n{proc.stderr[-2000:]}")
            digests[name] = {"(exit)": str(proc.returncode), **digest_dir(run_dir)}
        return digests


def digest_dir(run_dir: Path) -> dict[str, str]:
    out = {}
    for f in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        if f.name not in SKIP:
            out[f.relative_to(run_dir).as_posix()] = hashlib.sha256(stable_bytes(f)).hexdigest()[:16]
    return out


def stable_bytes(f: Path) -> bytes:
    """The file's bytes, or for the few files that record a time or the port, those blanked."""
    if f.suffix not in (".json", ".md"):
        return f.read_bytes()
    text = f.read_text(encoding="utf-8")
    if f.suffix == ".json":
        text = json.dumps(_drop_volatile(json.loads(text)), sort_keys=True, ensure_ascii=False)
    for pattern in VOLATILE_TEXT:
        text = pattern.sub("<volatile>", text)
    return text.encode()


def _drop_volatile(obj):
    if isinstance(obj, dict):
        return {k: _drop_volatile(v) for k, v in obj.items() if k not in VOLATILE_KEYS}
    if isinstance(obj, list):
        return [_drop_volatile(v) for v in obj]
    return obj


def checkout(ref: str, where: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), ref],
        check=True,
        capture_output=True,
    )
    return where


def compare(before: dict, after: dict) -> int:
    print(f"{'recipe':<14} {'file':<44} {'before':<17} {'after':<17} same")
    bad = 0
    for name in RECIPES:
        b, a = before.get(name, {}), after.get(name, {})
        for rel in sorted(set(b) | set(a)):
            same = b.get(rel) == a.get(rel)
            bad += not same
            print(
                f"{name:<14} {rel:<44} {b.get(rel, '-'):<17} {a.get(rel, '-'):<17} {'yes' if same else 'NO'}"
            )
    total = sum(len(set(before.get(n, {})) | set(after.get(n, {}))) for n in RECIPES)
    print(f"\n{total - bad} of {total} files identical")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", help="git commit to compare the working tree against")
    ap.add_argument("--save", type=Path, help="write this tree's digests here")
    ap.add_argument("--against", type=Path, help="compare this tree with digests saved by --save")
    ap.add_argument("--limit", type=int, default=12, help="requests per stage (--limit of factory run)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="identical-") as tmp:
        tmp = Path(tmp)
        after = run_recipes(ROOT, tmp / "after", args.limit)
        if args.save:
            args.save.write_text(json.dumps(after, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            print(f"saved {sum(map(len, after.values()))} digests to {args.save}")
            return 0
        if args.against:
            return compare(json.loads(args.against.read_text(encoding="utf-8")), after)
        if not args.ref:
            ap.error("give --ref, --save or --against")
        tree = checkout(args.ref, tmp / "before-tree")
        try:
            before = run_recipes(tree, tmp / "before", args.limit)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True
            )
        return compare(before, after)


if __name__ == "__main__":
    sys.exit(main())
