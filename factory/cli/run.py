"""`factory run` and `factory validate`."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from factory.cli.common import one_line_errors, parse_shard


@click.command("validate")
@click.argument("recipe", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Run directory to check (as for `factory run`).")
@one_line_errors
def validate_cmd(recipe: Path, out: Path | None) -> None:
    """Check RECIPE, and that its run directory may be written, without running anything."""
    from factory.recipe import load_recipe  # assembled from every stage module: only when a command runs
    from factory.run.pipeline import run_dir_for
    from factory.run.rundir import RunDir
    from factory.run.stage import active

    r = load_recipe(recipe)
    RunDir(run_dir_for(r, out)).check()
    click.echo(f"ok: {recipe} ({r.name}, {r.language}, character {r.character.name})")
    click.echo("stages: " + " -> ".join(s.name for s in active(r)))


@click.command("run")
@click.argument("recipe", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Run directory (default outputs/<name>).")
@click.option("--fresh", is_flag=True, help="Start over instead of resuming from what is on disk.")
@click.option("--limit", type=click.IntRange(min=1), help="At most N requests per stage (demo/smoke runs).")
@click.option("--base-url", help="OpenAI-compatible endpoint; beats the recipe and OPENAI_BASE_URL.")
@click.option("--model", help="Model name at that endpoint.")
@click.option(
    "--local-model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Serve this GGUF file with llama.cpp and use it.",
)
@click.option("--concurrency", type=click.IntRange(min=1), help="Requests in flight at most.")
@click.option("--shard", help="I/N: generate only this slice of the requests (merge later).")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY.PATH=VALUE",
    help="Override a recipe value, e.g. --set scenes.per_chunk=3 (repeatable).",
)
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ADDRESS]",
    help="Send the requests from Ray workers (the `ray` extra): a cluster address, or alone for "
    "RAY_ADDRESS / a local Ray instance. Put it after RECIPE, or write --ray=ADDRESS.",
)
@click.option("--quiet", is_flag=True, help="No progress display.")
@one_line_errors
def run_cmd(
    recipe: Path,
    out: Path | None,
    fresh: bool,
    limit: int | None,
    base_url: str | None,
    model: str | None,
    local_model: Path | None,
    concurrency: int | None,
    shard: str | None,
    sets: tuple[str, ...],
    ray_address: str | None,
    quiet: bool,
) -> None:
    """Generate the dataset RECIPE describes into a run directory (resumable)."""
    from factory.recipe import load_recipe
    from factory.run.endpoint import Overrides
    from factory.run.pipeline import run_recipe

    r = load_recipe(recipe, list(sets))
    overrides = Overrides(base_url=base_url, model=model, local_model=local_model, concurrency=concurrency)
    summary = run_recipe(
        r,
        out=out,
        fresh=fresh,
        limit=limit,
        overrides=overrides,
        shard=parse_shard(shard),
        progress=False if quiet else None,
        log=lambda m: click.echo(m, err=True),
        ray=ray_address,
    )
    counts = ", ".join(f"{k} {v}" for k, v in summary["counts"].items())
    fails = sum(summary["failures"].values())
    where = out or r.output_dir or Path("outputs") / r.name
    click.echo(f"done in {summary['wall_time_s']:.1f}s: {counts}")
    standing = summary.get("failures_standing", 0)
    click.echo(
        f"requests {summary['requests']}, cache hits {summary['cache_hits']}, "
        f"tokens {summary['tokens_in']}+{summary['tokens_out']}, failures {fails}"
        + (f" ({standing} requests still failed: {Path(where) / 'failures.jsonl'})" if standing else "")
    )
    planned = (summary.get("plan") or {}).get("requests") or {}
    shown = [
        f"{k} {v['planned']}{'' if v['exact'] else '~'}/{v['actual']}"
        for k, v in planned.items()
        if v["planned"] or v["actual"]
    ]
    if shown:
        click.echo("requests planned/asked (~ estimate; `factory plan`): " + ", ".join(shown))
    click.echo(f"run directory: {where}")
    for line in next_steps(Path(where)):
        click.echo(line)
    sys.stdout.flush()


def next_steps(where: Path) -> list[str]:
    """What a user does after a run: read the dataset card, look at the data, train on it."""
    from factory.cli.view import viewer_command

    steps = []
    if (where / "export" / "README.md").is_file():
        steps.append(f"dataset card (what is in it, how to load it): {where / 'export' / 'README.md'}")
    steps.append(f"look at it: {viewer_command(where)}")
    if (where / "export").is_dir():
        steps.append(
            f"train on it: factory train sft --config examples/train.yaml --data {shlex.quote(str(where))} "
            f"--output-dir {shlex.quote(str(where / 'sft'))} (then `factory train dpo`; docs/train.md)"
        )
    return ["next:"] + [f"  {s}" for s in steps]


@click.command("merge")
@click.argument(
    "shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Merged run directory.")
@one_line_errors
def merge_cmd(shards: tuple[Path, ...], out: Path) -> None:
    """Union shard run directories; then `factory run RECIPE --out OUT` redoes the dataset-wide
    steps (near-duplicates, pair caps, samples, gate, export) over the union."""
    from factory.run.merge import merge_runs

    counts = merge_runs(list(shards), out)
    click.echo("merged: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    click.echo(f"next: factory run RECIPE --out {out}  (the dataset-wide steps over the union)")
