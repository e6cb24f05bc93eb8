"""The shape every generator stage shares: build requests -> engine -> records on disk.

A request is the unit of resume: its records are appended (whole lines) and then its id is
marked done, so a killed run redoes at most what was in flight, and the cache makes that free
when the reply had already arrived.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

from pydantic import BaseModel

from factory.engine import Engine, ParseError, Request, Result, RunAborted
from factory.engine.stats import StageStats
from factory.run.context import RunContext, StageOutcome


def in_shard(request_id: str, shard: tuple[int, int] | None) -> bool:
    """Sharding happens at the roots (chunks, cards); everything downstream follows its inputs."""
    if shard is None:
        return True
    index, count = shard
    return int(hashlib.sha256(request_id.encode()).hexdigest()[:8], 16) % count == index


async def execute(
    ctx: RunContext,
    stage: str,
    requests: Sequence[Request],
    to_records: Callable[[Result], list[BaseModel]],
    engine: Engine | None = None,
) -> dict[str, int]:
    """Run the requests not yet done; append their records; log failures with reasons.

    `engine`: who answers (default ctx.engine; judge stages pass ctx.judge).
    """
    engine = engine or ctx.engine
    if engine is None:
        raise RuntimeError(f"stage {stage} needs a model endpoint")
    requests = list(requests)
    if ctx.limit is not None:
        requests = requests[: ctx.limit]
    for r in requests:
        r.stage = stage
    done = ctx.run.done_ids(stage)
    todo = [r for r in requests if r.id not in done]
    stats = engine.accounting.stage(stage)
    stats.total += len(requests)
    stats.done += len(requests) - len(todo)
    if ctx.progress is not None:
        ctx.progress.begin(stage, len(requests))
        ctx.progress.skip(stage, len(requests) - len(todo))
    outcome = ctx.outcome(stage)
    outcome.requests += len(requests)
    outcome.done += len(requests) - len(todo)
    try:
        got = await consume(ctx, stage, engine.stream(todo, ctx.progress), to_records, stats)
    except BaseException:
        compact_books(ctx, stage, quiet=True)  # a kill or disk full must not hide behind a second error
        raise
    compact_books(ctx, stage)
    book(outcome, got.values())
    return {
        "requests": len(requests),
        "skipped": len(requests) - len(todo),
        "written": sum(n for _, n in got.values()),
        "failed": sum(1 for why, _ in got.values() if why is not None),
    }


async def consume(
    ctx: RunContext,
    stage: str,
    results: AsyncIterator[Result],
    to_records: Callable[[Result], list[BaseModel]],
    stats: StageStats,
) -> dict[str, tuple[str | None, int]]:
    """Write each result as it comes: its records (published to followers), then its id as done;
    or its failure with a reason. Per request id: (failure reason or None, records written)."""
    got: dict[str, tuple[str | None, int]] = {}
    async for res in results:
        stats.done += 1
        rid = res.request.id
        if not res.ok:
            got[rid] = (res.error or "unknown", 0)
            ctx.run.record_failure(stage, rid, got[rid][0], res.detail)
            continue
        try:
            recs = to_records(res)
        except Exception as exc:  # noqa: BLE001 - one odd reply is a recorded failure, not a dead run
            detail = str(exc) if isinstance(exc, (ParseError, ValueError)) else f"{type(exc).__name__}: {exc}"
            stats.failures["convert"] += 1
            ctx.run.record_failure(stage, rid, "convert", detail[:300])
            got[rid] = ("convert", 0)
            continue
        got[rid] = (None, ctx.run.append(stage, recs))
        ctx.run.mark_done(stage, rid)
        ctx.publish(stage, recs)
    return got


def book(outcome: StageOutcome, got: Iterable[tuple[str | None, int]]) -> None:
    """This run's results on the stage's books (what tells a dead stage)."""
    for why, _ in got:
        if why is None:
            outcome.done += 1
        else:
            outcome.reasons[why] += 1


def compact_books(ctx: RunContext, stage: str, quiet: bool = False, forget: set[str] | None = None) -> None:
    """The stage's done-log and failures.jsonl back to one line per id (see RunDir), without the
    requests in `forget` (asked ahead for records their maker dropped: factory/run/per_record.py)."""
    try:
        ctx.run.compact_done(stage, forget=forget or frozenset())
        ctx.run.compact_failures(forget=(stage, forget) if forget else None)
    except (OSError, RunAborted):
        if not quiet:
            raise
