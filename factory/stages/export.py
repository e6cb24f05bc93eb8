"""Pipeline stage: write RUN_DIR/export/ at the end of `factory run`, per the recipe's `export:` block."""

from __future__ import annotations

from factory.export.exporter import NothingToExport, export_run, settings_for
from factory.run.context import RunContext

NAME = "export"
OUTPUT = None  # no records of its own: its rows are in run.json's report_export


async def run(ctx: RunContext) -> dict | None:
    run_dir = ctx.run.path
    try:
        manifest = export_run(run_dir, recipe=ctx.recipe, settings=settings_for(ctx.recipe),
                              generators=[ctx.generator], log=ctx.log)
    except NothingToExport as exc:
        ctx.log(f"export: skipped: {exc}")
        return None
    c = manifest["counts"]
    ctx.extra["report_export"] = {"rows": c["rows"], "pairs": c["pairs"], "formats": manifest["formats"]}
    ctx.log(f"export: {c['rows']['train']} train / {c['rows']['eval']} eval rows, "
            f"{sum(c['pairs'].values())} pairs -> {run_dir / 'export'}")
    return manifest
