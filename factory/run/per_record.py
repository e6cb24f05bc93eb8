"""A stage's requests per upstream record as it lands, instead of after the upstream stage is done.

`execute_per_record(ctx, stage, source, build, ...)` makes what
`execute(ctx, stage, build(<source's final records>), ...)` makes, byte for byte, but while the
maker of `source` runs it asks for each record's requests as the record lands (ctx.feed). The
pool then never drains at the end of the upstream stage. The maker's final file still decides:
requests asked for a record it drops at the end (a near-duplicate judged over the whole set) are
discarded - their records are filtered out by the follower's own finalize, their done-log lines and
failures forgotten - and counted (`discarded` in run.json's request stages). With no live feed
(the maker has finished, `executor.stream: false`, --limit) it is plain `execute`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence

from pydantic import BaseModel

from factory.engine import Engine, Request, Result
from factory.run.context import RunContext
from factory.run.execute import book, compact_books, consume, execute


async def execute_per_record(
    ctx: RunContext,
    stage: str,
    source: str,
    build: Callable[[list[dict]], list[Request]],
    to_records: Callable[[Result], list[BaseModel]],
    engine: Engine | None = None,
    hold: Callable[[dict], bool] | None = None,
    also: Sequence[Request] = (),
) -> dict[str, int]:
    """`build(records)`: the requests for those records of `source`, each request depending on
    its own record only (so asking it early asks what the final set asks). `hold(record)`, called
    once per record in landing order: True when the maker may drop it in the end (it reads like
    one landed before): its requests wait for the final set instead of maybe being discarded.
    `also`: requests of the stage built from record sets already final (asked first, always kept)."""
    feed = ctx.feed(source)
    if feed is None:
        return await execute(ctx, stage, [*build(ctx.run.records(source)), *also], to_records, engine)
    engine = engine or ctx.engine
    if engine is None:
        raise RuntimeError(f"stage {stage} needs a model endpoint")
    done_before = ctx.run.done_ids(stage)
    stats = engine.accounting.stage(stage)
    asked: set[str] = set()  # every request id taken in this run, done before or not
    final: list[Request] = []
    if ctx.progress is not None:
        ctx.progress.begin(stage, 0)

    def new(requests: Iterable[Request]) -> list[Request]:
        """Those not taken yet; the ones done before count as done, the rest go out."""
        out, skipped = [], 0
        for r in requests:
            if r.id in asked:
                continue
            asked.add(r.id)
            r.stage = stage
            if r.id in done_before:
                skipped += 1
            else:
                out.append(r)
        stats.total += len(out) + skipped
        stats.done += skipped
        if ctx.progress is not None:
            ctx.progress.grow(stage, len(out) + skipped)
            ctx.progress.skip(stage, skipped)
        return out

    def early(records: list[dict]) -> list[Request]:
        return new(build([o for o in records if hold is None or not hold(o)]))

    async def requests() -> AsyncIterator[Request]:
        for r in new(also):
            yield r
        for r in early(ctx.run.records(source)):  # what landed before this run (a resume)
            yield r
        async for batch in feed.batches():
            for r in early(batch):
                yield r
        final.extend([*build(ctx.run.records(source)), *also])  # the maker has finalized: what it keeps
        for r in new(final):
            yield r

    try:
        got = await consume(ctx, stage, engine.stream(requests(), ctx.progress), to_records, stats)
    except BaseException:
        compact_books(ctx, stage, quiet=True)
        raise
    kept = {r.id for r in final}
    discarded = asked - kept
    compact_books(ctx, stage, forget=discarded)  # the final set's requests alone are on the books
    stats.total -= len(discarded)
    stats.done -= sum(1 for i in discarded if i in got or i in done_before)
    stats.discarded += len(discarded)
    outcome = ctx.outcome(stage)
    outcome.requests += len(kept)
    outcome.done += len(kept & done_before)
    mine = [got[i] for i in kept if i in got]
    book(outcome, mine)
    return {
        "requests": len(kept),
        "skipped": len(kept & done_before),
        "written": sum(n for _, n in mine),
        "failed": sum(1 for why, _ in mine if why is not None),
    }
