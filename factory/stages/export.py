"""Pipeline stage: write RUN_DIR/export/ at the end of `factory run`, per the recipe's `export:` block."""

from __future__ import annotations

from factory.export.config import ExportConfig, MixConfig, SplitConfig
from factory.export.exporter import NothingToExport, export_run, settings_for
from factory.run.context import RunContext
from factory.run.stage import Block, Stage, StageReport, no_requests

NAME = "export"


class ExportReport(StageReport):
    rows: dict[str, int]  # train / eval rows
    pairs: dict[str, int]  # preference pairs per split
    formats: list[str]


async def run(ctx: RunContext) -> ExportReport | None:
    run_dir = ctx.run.path
    try:
        manifest = export_run(
            run_dir,
            recipe=ctx.recipe,
            settings=settings_for(ctx.recipe),
            generators=[ctx.generator],
            log=ctx.log,
        )
    except NothingToExport as exc:
        ctx.log(f"export: skipped: {exc}")
        return None
    c = manifest["counts"]
    ctx.log(
        f"export: {c['rows']['train']} train / {c['rows']['eval']} eval rows, "
        f"{sum(c['pairs'].values())} pairs -> {run_dir / 'export'}"
    )
    return ExportReport(rows=c["rows"], pairs=c["pairs"], formats=manifest["formats"])


# no records of its own (its rows are in run.json's report_export); reads kept.jsonl, else samples.jsonl
STAGE = Stage(
    NAME,
    run,
    blocks=(
        Block("mix", MixConfig),
        Block("split", SplitConfig, default_on=True),
        Block("export", ExportConfig, default_on=True),
    ),
    switch="export",
    needs=("samples",),
    uses=("kept", "preferences"),
    order=110,
    plan=no_requests,
    help="ShareGPT / Alpaca / OpenAI / DPO files, split, with a dataset card",
)
