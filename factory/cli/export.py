"""`factory export` and `factory push`."""

from __future__ import annotations

from pathlib import Path

import click

from factory.cli.common import UserError, one_line_errors
from factory.export.config import FORMATS


def _log(msg: str) -> None:
    click.echo(msg, err=True)


@click.command("export")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice([*FORMATS, "all"]),
    help="Format(s) to write (repeatable); default: the recipe's export.formats, else all.",
)
@click.option(
    "--system", type=click.Choice(["full", "short", "none"]), help="System prompt: full, short or none."
)
@click.option(
    "--style", type=click.Choice(["standard", "quote"]), help='quote: EGOS `Me: "..."` / `Name: "..."`.'
)
@click.option(
    "--others",
    type=click.Choice(["user", "system"]),
    help="Where the scene's other characters go: the user side or the system prompt.",
)
@click.option(
    "--recipe",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Recipe for export/mix/split settings (default: the one run.json names).",
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default RUN_DIR/export)."
)
@click.option("--check", is_flag=True, help="Load every written file with datasets.load_dataset afterwards.")
@click.option(
    "--ungated",
    is_flag=True,
    help="Export samples.jsonl as it is when the recipe has a quality gate that has not run yet.",
)
@one_line_errors
def export_cmd(
    run_dir: Path,
    formats: tuple[str, ...],
    system: str | None,
    style: str | None,
    others: str | None,
    recipe: Path | None,
    out: Path | None,
    check: bool,
    ungated: bool,
) -> None:
    """Write RUN_DIR/export/: ShareGPT, Alpaca, OpenAI, DPO files, dataset_info.json and a dataset card."""
    from factory.export.exporter import export_run, settings_for
    from factory.export.runinfo import read_run_json, recipe_for_run
    from factory.run.lock import RunLock

    r = recipe_for_run(run_dir, recipe, log=_log)
    settings = settings_for(r, list(formats) or None, system, style, others)
    model = (read_run_json(run_dir).get("endpoint") or {}).get("model")
    with RunLock(run_dir, "factory export"):
        m = export_run(
            run_dir,
            recipe=r,
            settings=settings,
            out=out,
            generators=[model] if model else [],
            strict=bool(formats) and "all" not in formats,
            ungated=ungated,
            log=_log,
        )
    where = out or run_dir / "export"
    c = m["counts"]
    click.echo(
        f"exported {c['rows']['train']} train / {c['rows']['eval']} eval rows"
        f" ({c['general_rows']} general), {c['pairs']['train']} / {c['pairs']['eval']} pairs "
        f"as {', '.join(m['formats'])} ({m['style']} style) -> {where}"
    )
    if check:
        from factory.export.check import check_loadable

        rows = check_loadable(where)
        click.echo(f"check: {len(rows)} files load with datasets ({sum(rows.values())} rows)")


@click.command("push")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--repo", required=True, help="Hub dataset repo, OWNER/NAME (created if missing).")
@click.option("--private", is_flag=True, help="Create the repo private (refused if it exists and is public).")
@click.option("--revision", help="Branch to push to (created if missing); default main.")
@click.option("--no-check", is_flag=True, help="Skip loading every file with datasets before the upload.")
@one_line_errors
def push_cmd(run_dir: Path, repo: str, private: bool, revision: str | None, no_check: bool) -> None:
    """Upload RUN_DIR/export (every format as a config), the card, the recipe and run.json. Token: HF_TOKEN."""
    from factory.export.hub import PushError, push_run

    try:
        url = push_run(run_dir, repo, private=private, revision=revision, check=not no_check)
    except PushError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"pushed {run_dir / 'export'} to {repo} ({revision or 'main'}): {url}")
