"""When a stage came to nothing: the rule that turns a dead run into exit 1 instead of an empty export.

Judged after each stage by what is on disk and what its requests came to, never by what this
process happened to make, so a resumed, cached or --limit run whose work was done before is fine.
"""

from __future__ import annotations

from factory.engine import RunAborted
from factory.run.context import RunContext, StageOutcome
from factory.run.stage import Stage


class StageFailed(RunAborted):
    """A stage came to nothing; the run stops there (exit 1) with run.json status `failed`."""


def _reasons(outcomes: list[StageOutcome]) -> str:
    total: dict[str, int] = {}
    for o in outcomes:
        for k, v in o.reasons.items():
            total[k] = total.get(k, 0) + v
    return ", ".join(f"{k} {v}" for k, v in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:3])


def stage_failure(
    ctx: RunContext, stage: Stage, records: int, touched: dict[str, StageOutcome], made: dict[str, int]
) -> str | None:
    """Why `stage` came to nothing, or None. Judged by what is on disk after the stage, so a
    resumed, cached or --limit run whose work was done before is fine; under --shard an empty
    slice is fine too (a small profile may leave a shard nothing), a dead endpoint is not.

    `made`: records on disk per record set, for the stages run so far. A stage asking a model is
    judged by its requests; a model-free one by its declaration (`fails_empty`, `empty_ok`).
    """
    name, failures = stage.name, ctx.run.failures_file
    for sub, o in touched.items():
        if o.requests and not o.done and o.failed:
            label = name if sub == name else f"{name} ({sub})"
            return (
                f"stage {label}: {o.requests} of {o.requests} requests failed ({_reasons([o])}); "
                f"see {failures}"
            )
    if records or ctx.shard is not None or stage.empty_ok:
        return None
    asked = [o for o in touched.values() if o.requests]
    if asked:
        failed = sum(o.failed for o in asked)
        tail = f"; {failed} requests failed ({_reasons(asked)}), see {failures}" if failed else ""
        return f"stage {name}: {sum(o.requests for o in asked)} requests made no records{tail}"
    if stage.fails_empty is None:
        return None
    inputs = {k: made.get(k, 0) for k in stage.fails_empty}
    if inputs and not any(inputs.values()):
        return None  # nothing came in (a recipe without those stages): nothing to make
    if stage.empty_message:
        return f"stage {name}: " + stage.empty_message.format(**inputs, run=ctx.run.path)
    got = ", ".join(f"{k} {v}" for k, v in inputs.items() if v)
    return f"stage {name}: produced no records" + (f" from {got}" if got else "")
