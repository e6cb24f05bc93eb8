"""`factory plan RECIPE`: requests, tokens, cost and wall time per stage, before any request."""

from __future__ import annotations

from pathlib import Path

import click

from factory.cli.common import one_line_errors


@click.command("plan")
@click.argument("recipe", type=click.Path(path_type=Path))
@click.option(
    "--run",
    "run_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A finished run whose run.json gives observed output tokens per request (default: the "
    "recipe's run directory, when it has one).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Plan as `factory run --limit N` would run.")
@click.option("--concurrency", type=click.IntRange(min=1), help="Requests in flight (beats the recipe).")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY.PATH=VALUE",
    help="Override a recipe value, as for `factory run` (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="The plan as JSON (for scripts).")
@one_line_errors
def plan_cmd(
    recipe: Path,
    run_dir: Path | None,
    limit: int | None,
    concurrency: int | None,
    sets: tuple[str, ...],
    as_json: bool,
) -> None:
    """What RECIPE will ask and cost, stage by stage; no model is called."""
    from factory.recipe import load_recipe
    from factory.run.pipeline import run_dir_for
    from factory.run.plan import format_table, make_plan

    r = load_recipe(recipe, list(sets))
    if concurrency:
        r.backend.concurrency = concurrency
    plan = make_plan(r, run_dir=run_dir or run_dir_for(r, None), limit=limit)
    click.echo(plan.model_dump_json(indent=2) if as_json else format_table(plan))
