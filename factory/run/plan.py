"""`factory plan`: the bill before paying it -- requests, tokens, cost and wall time per stage.

Nothing is asked of a model: the model-free chunks stage runs into a temporary directory, then each
active stage's `plan` hook builds the prompts it would send (from the chunks, or from placeholder
records sized like its inputs) and counts them with the project's token estimate. A stage whose
request count follows from the recipe alone is `exact`; the others are estimated from the upstream
estimates (every model reply delivering what was asked). A finished run's run.json, when there is
one, turns the max_tokens bound into an observed figure (output tokens per request, per stage).
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from factory.engine import Request
from factory.recipe import Recipe
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.run.stage import Stage, StagePlan, active, registry
from factory.sources.chunking import estimate_tokens

MESSAGE_OVERHEAD = 4  # tokens a chat template adds around each message
SECONDS_BASE = 1.0  # assumed latency of one request before its first token
DECODE_RATE = 40.0  # assumed output tokens per second of one request (a hosted model's usual pace)


def request_plan(ctx: RunContext, requests: Iterable[Request], **kw: Any) -> StagePlan:
    """Requests as a plan: their rendered prompts' tokens and the max_tokens each may spend
    (`--limit` cuts each batch the way execute() does)."""
    reqs = list(requests)
    if ctx.limit is not None:
        reqs = reqs[: ctx.limit]
    default = ctx.recipe.backend.max_tokens
    return StagePlan(
        requests=len(reqs),
        input_tokens=sum(
            estimate_tokens(str(m.get("content", ""))) + MESSAGE_OVERHEAD for r in reqs for m in r.messages
        ),
        output_tokens_max=sum(min(int(r.params.get("max_tokens") or default), default) for r in reqs),
        **kw,
    )


def add(a: StagePlan, b: StagePlan) -> StagePlan:
    return StagePlan(
        requests=a.requests + b.requests,
        input_tokens=a.input_tokens + b.input_tokens,
        output_tokens_max=a.output_tokens_max + b.output_tokens_max,
        makes={**a.makes, **b.makes},
        exact=a.exact and b.exact,
        note="; ".join(n for n in (a.note, b.note) if n),
    )


class StageEstimate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: str
    requests: int
    exact: bool = Field(description="The count follows from the recipe and chunks alone.")
    input_tokens: int
    output_tokens_max: int
    output_tokens: int = Field(description="Observed tokens per request x requests, else the max bound.")
    observed: bool = False
    cost_usd: float | None = None
    wall_s: float
    note: str = ""


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipe: str
    chunks: int
    stages: list[StageEstimate]
    requests: int
    input_tokens: int
    output_tokens: int
    output_tokens_max: int
    cost_usd: float | None
    cost_usd_max: float | None
    wall_s: float
    concurrency: int
    observed_from: str | None = None
    unplanned: list[str] = Field(
        default_factory=list, description="Active stages with no plan hook: their requests are not counted."
    )

    def by_stage(self) -> dict[str, int]:
        return {s.stage: s.requests for s in self.stages}


def observed_ratios(run_json: Path) -> dict[str, float]:
    """Output tokens per answered request, by execute() stage name, from a finished run."""
    try:
        data = json.loads(run_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for name, st in (data.get("stages") or {}).items():
        asked = int(st.get("requests") or 0)
        if asked > 0 and st.get("tokens_out"):
            out[name] = st["tokens_out"] / asked
    return out


def stage_keys(stage: Stage) -> tuple[str, ...]:
    """The execute() names a stage's requests are counted under in run.json `stages`."""
    return tuple(dict.fromkeys((stage.name, *stage.makes)))


def wall_seconds(requests: int, tokens_in: int, tokens_out: int, backend: Any) -> float:
    """Time at the recipe's concurrency, or its rate limits when they bind harder."""
    if requests == 0:
        return 0.0
    latency = SECONDS_BASE + (tokens_out / requests) / DECODE_RATE
    t = math.ceil(requests / backend.concurrency) * latency
    if backend.requests_per_minute:
        t = max(t, 60.0 * requests / backend.requests_per_minute)
    if backend.tokens_per_minute:
        t = max(t, 60.0 * (tokens_in + tokens_out) / backend.tokens_per_minute)
    return round(t, 1)


def make_plan(
    recipe: Recipe,
    *,
    run_dir: Path | None = None,
    limit: int | None = None,
    chunks: Path | None = None,
    log=lambda _: None,
) -> Plan:
    """The plan of `recipe`; `run_dir`: a finished run whose run.json gives observed output ratios;
    `chunks`: a run's chunks.jsonl to plan from instead of cutting the profile again."""
    ratios: dict[str, float] = {}
    observed_from = None
    if run_dir is not None and (run_dir / "run.json").is_file():
        ratios = observed_ratios(run_dir / "run.json")
        observed_from = str(run_dir / "run.json") if ratios else None
    with tempfile.TemporaryDirectory(prefix="factory-plan-") as tmp:
        ctx = RunContext(recipe=recipe, run=RunDir(Path(tmp)).prepare(), limit=limit, log=log)
        if chunks is not None:
            shutil.copyfile(chunks, ctx.run.stage_file("chunks"))
        return _plan(ctx, ratios, observed_from)


def fleet_prices(backend: Any) -> Any:
    """The price a planned token pays: the block's; with `endpoints` priced one by one, their mean
    weighted by the share of requests each is sent (concurrency x weight, as the router picks)."""
    eps = backend.endpoints or []
    if not any(ep.prices for ep in eps):
        return backend.prices
    from factory.recipe.blocks import PricesConfig

    zero = PricesConfig()
    shares = [(ep.concurrency or backend.concurrency) * ep.weight for ep in eps]
    each = [ep.prices or backend.prices or zero for ep in eps]
    total = sum(shares)
    return PricesConfig(
        input_per_million=sum(w * p.input_per_million for w, p in zip(shares, each, strict=True)) / total,
        output_per_million=sum(w * p.output_per_million for w, p in zip(shares, each, strict=True)) / total,
    )


def _plan(ctx: RunContext, ratios: dict[str, float], observed_from: str | None) -> Plan:
    recipe, backend = ctx.recipe, ctx.recipe.backend
    prices = fleet_prices(backend)
    made: dict[str, int] = {}
    rows: list[StageEstimate] = []
    unplanned = []
    for stage in active(recipe):
        if stage.plan is None:
            unplanned.append(stage.name)
            continue
        p = stage.plan(ctx, dict(made))
        made.update(p.makes)
        per = [ratios[k] for k in stage_keys(stage) if k in ratios]
        out = round(sum(per) / len(per) * p.requests) if per else p.output_tokens_max
        out = min(out, p.output_tokens_max) if p.output_tokens_max else out
        cost = (
            round((p.input_tokens * prices.input_per_million + out * prices.output_per_million) / 1e6, 4)
            if prices
            else None
        )
        rows.append(
            StageEstimate(
                stage=stage.name,
                requests=p.requests,
                exact=p.exact,
                input_tokens=p.input_tokens,
                output_tokens_max=p.output_tokens_max,
                output_tokens=out,
                observed=bool(per),
                cost_usd=cost,
                wall_s=wall_seconds(p.requests, p.input_tokens, out, backend),
                note=p.note,
            )
        )
    tin = sum(r.input_tokens for r in rows)
    tout = sum(r.output_tokens for r in rows)
    tmax = sum(r.output_tokens_max for r in rows)

    def cost(out: int) -> float | None:
        if prices is None:
            return None
        return round((tin * prices.input_per_million + out * prices.output_per_million) / 1e6, 4)

    return Plan(
        recipe=recipe.name,
        chunks=made.get("chunks", 0),
        stages=rows,
        requests=sum(r.requests for r in rows),
        input_tokens=tin,
        output_tokens=tout,
        output_tokens_max=tmax,
        cost_usd=cost(tout),
        cost_usd_max=cost(tmax),
        wall_s=round(sum(r.wall_s for r in rows), 1),
        concurrency=backend.concurrency,
        observed_from=observed_from,
        unplanned=unplanned,
    )


def plan_vs_actual(plan: Plan, stages: dict[str, dict]) -> dict[str, Any]:
    """run.json `plan`: per stage the planned requests beside those the run asked for
    (`stages`: run.json's per-execute() accounting, whose `total` counts requests asked, cached too)."""
    by_name = {s.name: s for s in registry()}
    out: dict[str, Any] = {}
    for row in plan.stages:
        keys = stage_keys(by_name[row.stage]) if row.stage in by_name else (row.stage,)
        actual = sum(int(stages[k]["total"]) for k in keys if k in stages)
        out[row.stage] = {"planned": row.requests, "exact": row.exact, "actual": actual}
    return {
        "requests": out,
        "input_tokens": plan.input_tokens,
        "output_tokens": plan.output_tokens,
        "cost_usd": plan.cost_usd,
        "wall_s": plan.wall_s,
        "unplanned": plan.unplanned,
    }


def format_table(plan: Plan) -> str:
    """The plan as a terminal table."""
    head = ("stage", "requests", "input tok", "output tok", "max output", "cost $", "wall")
    lines = [head]
    for r in plan.stages:
        if not (r.requests or r.note):
            continue  # asks no model
        lines.append(
            (
                r.stage,
                f"{r.requests}" + ("" if r.exact else " (estimate)"),
                f"{r.input_tokens:,}",
                f"{r.output_tokens:,}" + (" (observed)" if r.observed else ""),
                f"{r.output_tokens_max:,}",
                "-" if r.cost_usd is None else f"{r.cost_usd:.4f}",
                _duration(r.wall_s),
            )
        )
    lines.append(
        (
            "total",
            f"{plan.requests}",
            f"{plan.input_tokens:,}",
            f"{plan.output_tokens:,}",
            f"{plan.output_tokens_max:,}",
            "-" if plan.cost_usd is None else f"{plan.cost_usd:.4f}",
            _duration(plan.wall_s),
        )
    )
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    text = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in lines
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    text.insert(len(text) - 1, "  ".join("-" * w for w in widths))
    notes = [f"{r.stage}: {r.note}" for r in plan.stages if r.note]
    foot = [
        f"{plan.chunks} chunks; concurrency {plan.concurrency}; tokens by the project's estimate "
        f"(~1 a CJK character, ~0.75 words a token); wall time assumes {SECONDS_BASE:g} s + "
        f"{DECODE_RATE:g} output tokens/s a request",
        "cost: no backend.prices in the recipe"
        if plan.cost_usd is None
        else f"cost up to ${plan.cost_usd_max:.4f} if every reply used its max_tokens",
    ]
    if plan.unplanned:
        foot.append(f"not counted (no plan hook): {', '.join(plan.unplanned)}")
    if plan.observed_from:
        foot.append(f"observed output tokens per request from {plan.observed_from}")
    return "\n".join(text + [""] + notes + foot)


def _duration(s: float) -> str:
    if s < 90:
        return f"{s:.0f}s"
    if s < 5400:
        return f"{s / 60:.0f}m"
    return f"{s / 3600:.1f}h"
