"""`factory view RUN`: write the run's page (RUN/view.html) and optionally open it in a browser."""

from __future__ import annotations

import shlex
import webbrowser
from pathlib import Path

import click

from factory.cli.common import one_line_errors


def viewer_command(run: Path) -> str:
    """The line `factory run` prints at its end: a command that pastes into a shell as it is."""
    return f"factory view {shlex.quote(str(run))}"


@click.command("view")
@click.argument("run", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the page (default RUN/view.html).",
)
@click.option(
    "--cap",
    type=click.IntRange(min=1),
    default=None,
    help="Samples embedded per type and verdict, and cards / pairs shown (default 300).",
)
@click.option("--open", "open_it", is_flag=True, help="Open the page in the default browser.")
@one_line_errors
def view_cmd(run: Path, out: Path | None, cap: int | None, open_it: bool) -> None:
    """One self-contained HTML page of RUN: funnel, samples with filters, gate, cards, pairs, eval."""
    from factory.view import DEFAULT_CAP, build_view

    path = build_view(run, out, cap or DEFAULT_CAP)
    click.echo(f"written: {path} ({path.stat().st_size / 1e6:.2f} MB); open {path.resolve().as_uri()}")
    if open_it and not webbrowser.open(path.resolve().as_uri()):
        click.echo("no browser found: open the file above by hand", err=True)
