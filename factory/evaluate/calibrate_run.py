"""`factory eval calibrate`'s plumbing: one judge endpoint, a cache in the output directory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from factory.chat.endpoints import Endpoints, Role
from factory.engine import RequestCache
from factory.evaluate.calibration import calibrate, load_set
from factory.records import write_jsonl_atomic


async def run_calibration(
    judge: str,
    judge_name: str | None,
    key_env: str,
    out: Path | None,
    questions: int | None,
    max_tokens: int,
    concurrency: int,
    log: Callable[[str], None] = print,
) -> tuple[dict, Path]:
    from factory.evaluate.runner import slug

    endpoints = Endpoints(None, log=log)
    cache = None
    try:
        engine = endpoints.engine(
            Role(
                "--judge",
                judge,
                judge_name,
                key_env,
                {"temperature": 0, "max_tokens": max_tokens},
                concurrency,
            )
        )
        out = Path(out) if out else Path("judge-calibration") / slug(engine.settings.model)
        if out.is_dir() and any(out.iterdir()) and not (out / "cache.sqlite").exists():
            raise ValueError(
                f"--out: {out} exists and is not a calibration directory (refusing to write into it)"
            )
        out.mkdir(parents=True, exist_ok=True)
        cache = RequestCache(out / "cache.sqlite")
        endpoints.set_output(cache, out)
        items, digest = load_set(questions)
        log(f"calibrate: {len(items)} labelled replies, each judged twice")
        summary, rows = await calibrate(engine, items, digest)
        (out / "calibration.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        write_jsonl_atomic(out / "details.jsonl", rows)
        return summary, out
    finally:
        await endpoints.close()
        if cache is not None:
            cache.close()
