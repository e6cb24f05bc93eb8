"""`factory cards export|import`: persona cards as Character Card V2/V3 files (JSON, PNG), in and out."""

from __future__ import annotations

from pathlib import Path

import click

from factory.cli.common import UserError, one_line_errors


@click.group("cards")
def cards_cmd() -> None:
    """Persona cards <-> Character Card V2/V3 (SillyTavern and the like)."""


@cards_cmd.command("export")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for the card files.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["v2", "v3"]),
    default="v2",
    show_default=True,
    help="JSON as chara_card_v2 or chara_card_v3.",
)
@click.option(
    "--png",
    is_flag=True,
    help="SillyTavern PNGs instead (both `chara` V2 and `ccv3` V3 chunks): the imported picture, "
    "else a placeholder.",
)
@one_line_errors
def export_cmd(run_dir: Path, out: Path, fmt: str, png: bool) -> None:
    """Write one card file per card of RUN_DIR (its cards.jsonl)."""
    from factory.stages.persona.card_export import write_cards
    from factory.stages.persona.card_files import card_records

    if not run_dir.exists():
        raise UserError(f"{run_dir}: no such folder (give a run directory, or its cards.jsonl)")
    src = run_dir / "cards.jsonl" if run_dir.is_dir() else run_dir
    if not src.is_file():
        raise UserError(f"{run_dir}: no cards.jsonl here (run a recipe with a `cards:` block first)")
    cards = [
        c for _, c in card_records(src, torn_tail_ok=run_dir.is_dir())
    ]  # a run's file: a kill tears its tail
    written = write_cards(cards, out, fmt, png)  # type: ignore[arg-type] - click.Choice checked it
    click.echo(f"exported {len(written)} cards to {out}")


@cards_cmd.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A .jsonl file (usable in a recipe's cards.import) or a run directory (its cards.jsonl).",
)
@one_line_errors
def import_cmd(sources: tuple[Path, ...], out: Path) -> None:
    """Read Character Card V2/V3 files (.json, SillyTavern .png) or folders of them into card records."""
    from factory.stages.persona.card_files import read_cards

    cards = read_cards(list(sources))
    if out.suffix == ".jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        _merge_into(out, cards)
        return
    from factory.run.lock import RunLock
    from factory.run.rundir import MARKER, RunDir

    run = RunDir(out).check()
    if not (out / MARKER).exists():
        run.prepare()  # empty or new: nothing in it to repair, and the marker must come before the lock file
    with RunLock(out, "factory cards import"):
        _merge_into(run.prepare().stage_file("cards"), cards)


def _merge_into(target: Path, cards) -> None:
    """The file's lines as they are plus the new cards; a line that is not a card stops us (file:line),
    so a user's file is never rewritten with a line of theirs missing."""
    from factory.records import dedupe_sorted, write_jsonl_atomic
    from factory.stages.persona.card_files import card_records

    kept = [obj for obj, _ in card_records(target)] if target.exists() else []
    objs = dedupe_sorted([*kept, *(c.model_dump() for c in cards)])
    write_jsonl_atomic(target, objs)
    click.echo(f"imported {len(cards)} cards into {target} ({len(objs)} in all)")
