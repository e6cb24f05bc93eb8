"""`factory run`: recipe -> run directory, each stage once what it waits for is done, resumable,
with run.json at the end.

One process per run directory (RunLock). A stage that comes to nothing (every request failed,
or no records where records are needed) ends the run with exit 1 instead of exporting an
empty dataset; run.json is written however the run ends, with its `status`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from factory.engine import CombinedAccounting, RunAborted
from factory.export.runinfo import cli_record
from factory.recipe import Recipe
from factory.recipe.blocks import ExecutorConfig
from factory.records import iter_jsonl
from factory.run import ray_executor
from factory.run.clients import run_clients
from factory.run.context import RunContext, current_stage
from factory.run.endpoint import Overrides
from factory.run.lock import RunLock
from factory.run.progress import ProgressDisplay
from factory.run.rundir import RunDir
from factory.run.stage import Stage, active, followed, waits_for
from factory.run.stage_check import StageFailed, stage_failure
from factory.secrets import register, scrub_obj, strip_credentials


def run_dir_for(recipe: Recipe, out: Path | None) -> Path:
    return Path(out) if out else (recipe.output_dir or Path("outputs") / recipe.name)


def _sets_in_run_order(ctx: RunContext, counts: dict[str, int], accounting) -> list[str]:
    """run.json's request sets by the stage that asked them, in run order: stages running at once
    make their first requests in whatever order the replies come, and run.json must not show it."""
    stages = list(counts) + [s for s in ctx.outcomes_of if s not in counts]
    names = [n for st in stages for n in ctx.outcomes_of.get(st, []) if n in accounting.stages]
    return list(dict.fromkeys(names + list(accounting.stages)))


async def _run_stages(ctx: RunContext, counts: dict[str, int], reports: dict[str, dict]) -> None:
    """Run the recipe's stages into `counts` and `reports` (filled as they finish, so an aborted
    run still reports what it got), each as soon as the stages it waits for are done (`waits_for`):
    stages that wait on none of each other run at the same time and share the engine's pool.

    A stage that came to nothing stops the run as in a run one stage at a time: the stages after it
    (in run order) are never started, and the first in run order that came to nothing is the error,
    so which one is reported does not depend on timing. Stages already running finish: their
    requests are in flight, and a cancelled one would be neither done nor a failure on the books
    (the cache keeps what they got for the resume).
    """
    stages = active(ctx.recipe)
    waits = waits_for(stages)
    beside = followed(stages) if ctx.streaming and ctx.limit is None else {s.name: set() for s in stages}
    followed_sets = {r for s in stages if beside[s.name] for r in s.follows}
    started: set[str] = set()
    position = {s.name: i for i, s in enumerate(stages)}
    made: dict[str, int] = {}  # records on disk per record set, for the stages finished so far
    pending = list(stages)
    running: dict[asyncio.Task, str] = {}
    done: set[str] = set()
    failed: dict[str, StageFailed] = {}
    try:
        while pending or running:
            cut = min((position[n] for n in failed), default=len(stages))
            for stage in list(pending):
                if position[stage.name] > cut:
                    pending.remove(stage)  # after a stage that came to nothing: never started
                elif waits[stage.name] - beside[stage.name] <= done and beside[stage.name] <= started:
                    pending.remove(stage)
                    started.add(stage.name)
                    for records in set(stage.makes) & followed_sets:
                        ctx.open_feed(records)  # before any follower looks for it
                    running[asyncio.create_task(_run_stage(ctx, stage, made, reports, counts))] = stage.name
            if not running:
                break
            finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(finished, key=lambda t: position[running[t]]):
                name = running.pop(task)
                if task.cancelled():
                    continue
                exc = task.exception()
                if isinstance(exc, StageFailed):
                    failed[name] = exc
                elif exc is not None:
                    raise exc
                else:
                    done.add(name)
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for book in (counts, reports):  # run order, however the stages happened to finish
            ordered = sorted(book.items(), key=lambda kv: position.get(kv[0].removeprefix("report_"), 0))
            book.clear()
            book.update(ordered)
    if failed:
        raise failed[min(failed, key=position.__getitem__)]


async def _run_stage(
    ctx: RunContext, stage: Stage, made: dict[str, int], reports: dict[str, dict], counts: dict[str, int]
) -> None:
    """One stage, then the verdict on it: StageFailed when it came to nothing."""
    current_stage.set(stage.name)  # this task's own context: its execute() outcomes are booked to it
    try:
        report = await stage.run(ctx)
    finally:
        for records in stage.makes:  # final on disk (or never will be): followers read the rest there
            ctx.close_feed(records)
    if report is not None:
        reports[f"report_{stage.name}"] = report.run_json()
    if stage.counted_by is None:
        return
    for records in stage.makes:
        made[records] = sum(1 for _ in iter_jsonl(ctx.run.stage_file(records)))
    counts[stage.name] = made[stage.counted_by]
    touched = {k: ctx.outcomes[k] for k in ctx.outcomes_of.get(stage.name, [])}
    why = stage_failure(ctx, stage, counts[stage.name], touched, made)
    if why:
        raise StageFailed(why)


def _sigterm_to_interrupt() -> None:
    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second one must not break the cleanup
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (tests)
        pass


def run_recipe(
    recipe: Recipe,
    *,
    out: Path | None = None,
    fresh: bool = False,
    limit: int | None = None,
    overrides: Overrides | None = None,
    shard: tuple[int, int] | None = None,
    progress: bool | None = None,
    log: Callable[[str], None] = print,
    ray: str | None = None,
) -> dict:
    """Refuse a foreign directory (touching nothing), take the lock, then prepare and run.

    `ray`: `--ray [ADDRESS]` ("" without an address); None leaves it to the recipe's `executor`.
    """
    executor = ray_executor.chosen(recipe.executor, ray)
    if executor is not None:
        ray_executor.require_ray(executor)  # before the run directory is touched
    run = RunDir(run_dir_for(recipe, out)).check()
    with RunLock(run.path, "factory run"):
        run.prepare(fresh=fresh)
        return _run_locked(
            recipe,
            run,
            limit=limit,
            overrides=overrides or Overrides(),
            shard=shard,
            progress=progress,
            log=log,
            executor=executor,
        )


def _run_locked(
    recipe: Recipe,
    run: RunDir,
    *,
    limit: int | None,
    overrides: Overrides,
    shard: tuple[int, int] | None,
    progress: bool | None,
    log: Callable[[str], None],
    executor: ExecutorConfig | None = None,
) -> dict:
    started = time.monotonic()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    (engine, endpoint), (judge, judge_endpoint) = run_clients(recipe, run, overrides, log)
    for url in (endpoint["base_url"], judge_endpoint["base_url"]):
        register(_password(url))  # so an error that quotes the URL is scrubbed wherever it goes
    # -- Ray seam (factory/run/ray_executor.py): requests and MinHash go out to Ray, all else stays here
    cluster = ray_executor.on_ray(executor, recipe.name, engine, judge, log) if executor else None
    accounting = CombinedAccounting(engine.accounting, judge.accounting)
    ctx = RunContext(
        recipe=recipe,
        run=run,
        engine=engine,
        judge_engine=judge,
        limit=limit,
        shard=shard,
        log=log,
        generator=endpoint["model"],
        streaming=recipe.executor.stream,
    )
    _sigterm_to_interrupt()
    counts: dict[str, int] = {}
    reports: dict[str, dict] = {}

    async def main() -> None:
        try:
            with ProgressDisplay(accounting, enabled=progress, log=log) as display:
                ctx.progress = display
                ctx.log = display.log  # above the bars on a terminal, never spliced onto one
                await _run_stages(ctx, counts, reports)
        finally:
            try:
                if judge is not engine:
                    await judge.close()
            finally:
                await engine.close()

    def summary(status: str, error: str | None) -> dict:
        return {
            "name": recipe.name,
            "status": status,  # ok | failed | aborted | interrupted
            "error": error,
            "recipe": str(recipe.source_path) if recipe.source_path else None,
            "recipe_hash": recipe.hash,
            "language": recipe.language,
            "character": recipe.character.name,
            "endpoint": {**endpoint, "base_url": strip_credentials(endpoint["base_url"])},
            "judge_endpoint": {**judge_endpoint, "base_url": strip_credentials(judge_endpoint["base_url"])},
            "started_at": started_at,
            "wall_time_s": round(time.monotonic() - started, 3),
            "limit": limit,
            "shard": list(shard) if shard else None,
            "cli": cli_record(recipe._sets, limit, shard, overrides),  # what the command line changed
            **accounting.totals(),
            # each engine's calls at its endpoints' own prices (`backend.endpoints[].prices`)
            "cost_usd": round(sum(e.cost_usd() for e in {id(x): x for x in (engine, judge)}.values()), 6),
            "failures_standing": _standing(run),
            "counts": counts,
            "dropped": dict(sorted(ctx.dropped.items())),  # stages running at once drop in any order
            "stages": {
                k: accounting.stages[k].as_dict() for k in _sets_in_run_order(ctx, counts, accounting)
            },
            **_fleet_books(engine, judge),
            **({"executor": cluster.record()} if cluster is not None else {}),
            **reports,
            "plan": _plan_section(recipe, run, limit, accounting.stages),
        }

    try:
        try:
            with cluster.gate_on_ray() if cluster is not None else contextlib.nullcontext():
                asyncio.run(main())
        finally:
            try:
                engine.cache.close()
            finally:
                if cluster is not None:
                    cluster.shutdown()
    except BaseException as exc:
        status = (
            "interrupted"
            if isinstance(exc, KeyboardInterrupt)
            else "failed"
            if isinstance(exc, StageFailed) or not isinstance(exc, RunAborted)
            else "aborted"
        )
        error = (
            None if isinstance(exc, KeyboardInterrupt) else (str(exc).splitlines() or [type(exc).__name__])[0]
        )
        try:
            run.write_run_json(scrub_obj(summary(status, error)))
        except (OSError, RunAborted) as again:  # e.g. the disk that ended the run is still full
            log(f"run.json not written: {again}")
        raise
    result = scrub_obj(summary("ok", None))
    run.write_run_json(result)
    return result


def _fleet_books(engine, judge) -> dict:
    """Per-endpoint books when a role spreads over several endpoints (`backend.endpoints`)."""
    out = {}
    for name, eng in (("endpoints", engine), ("judge_endpoints", judge)):
        books = eng.endpoint_books()
        if books is not None and (name == "endpoints" or judge is not engine):
            out[name] = books
    return out


def _plan_section(recipe: Recipe, run: RunDir, limit: int | None, stages: dict) -> dict | None:
    """`factory plan`'s figures beside what the run asked for (plan vs actual), from the run's own
    chunks; None before there are chunks. A plan that cannot be made must not cost the run its run.json."""
    from factory.run.plan import make_plan, plan_vs_actual

    chunks = run.stage_file("chunks")
    if not chunks.is_file():
        return None
    try:
        plan = make_plan(recipe, limit=limit, chunks=chunks)
    except Exception as exc:  # noqa: BLE001 - the plan is a report; the data is what the run is for
        return {"error": (str(exc).splitlines() or [type(exc).__name__])[0]}
    return plan_vs_actual(plan, {k: v.as_dict() for k, v in stages.items()})


def _password(url: str | None) -> str | None:
    try:
        return urlsplit(url or "").password
    except ValueError:
        return None


def _standing(run: RunDir) -> int:
    """Failures that are still failures (failures.jsonl, compacted), for run.json."""
    try:
        return len(run.failures())
    except OSError:
        return -1
