"""`factory gate`: the quality gate on any samples JSONL, outside a pipeline run."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import click
import yaml

from factory.cli.common import one_line_errors


def _read_samples(path: Path):
    """Every line must be a sample: a file the user hands us with a bad line is a mistake to fix, so
    the first one is an error naming file and line (not a silent "kept 0")."""
    from factory.records import Sample, read_user_records

    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such samples file")
    return read_user_records(path, Sample, what="sample")


def _load_config(path: Path | None):
    from factory.quality.config import QualityConfig
    from factory.recipe import RecipeError, format_validation_error

    if path is None:
        return QualityConfig()
    if not path.is_file():
        raise RecipeError(f"{path}: no such config file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RecipeError(f"{path}: YAML syntax error: {str(exc).splitlines()[0]}") from None
    if isinstance(data, dict) and isinstance(data.get("quality"), dict):
        data = data["quality"]  # a whole recipe, or a file with just the block
    from pydantic import ValidationError

    try:
        cfg = QualityConfig.model_validate(data)
    except ValidationError as exc:
        raise RecipeError(f"{path}: quality.{format_validation_error(exc)}") from None
    from factory.quality.blacklist import resolve_files

    resolve_files(cfg.blacklist, path.parent, f"{path}: quality.blacklist.files")
    return cfg


DEFAULT_JUDGE_SAMPLE = 200  # lines judged when an endpoint is given and the config asks for none


def _judge_sample(cfg, base_url: str | None, n: int | None):
    """An endpoint on the command line means "measure the heuristic": give the judge lines to see."""
    if n is not None and base_url is None:
        raise ValueError("--judge-sample needs --judge-base-url")
    if base_url is None or cfg.selfname.mode == "judge" or (n is None and cfg.selfname.judge_sample):
        return cfg
    sample = DEFAULT_JUDGE_SAMPLE if n is None else n
    return cfg.model_copy(update={"selfname": cfg.selfname.model_copy(update={"judge_sample": sample})})


def _agreement_line(report: dict) -> str | None:
    """The heuristic's precision/recall against the judge, when the judge was asked."""
    ag = report.get("selfname", {}).get("agreement")
    if not ag:
        return None
    return (
        f"self-name heuristic vs judge: precision {ag['precision']}, recall {ag['recall']} "
        f"({ag['judged']} lines judged, {ag['failed']} failed)"
    )


def _judge_engine(base_url: str | None, model: str | None, out: Path):
    """The same resolution as a recipe's `judge:` block, from the two flags."""
    if base_url is None:
        return None
    from factory.run.clients import gate_judge_client

    return gate_judge_client(base_url, model, out / "judge_cache.sqlite")


@click.command("gate")
@click.argument("samples", type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for kept.jsonl, rejected.jsonl, report.md, report.json.",
)
@click.option("--character", help="Target character's name (default: each sample's `character`).")
@click.option(
    "--language", type=click.Choice(["zh", "en"]), help="Expected language (default: each sample's)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="YAML with the quality block (a recipe works too).",
)
@click.option("--alias", "aliases", multiple=True, help="Another name of the character (repeatable).")
@click.option("--judge-base-url", help="OpenAI-compatible endpoint of a judge model (self-name check).")
@click.option("--judge-model", help="Judge model name at that endpoint.")
@click.option(
    "--judge-sample",
    type=click.IntRange(min=0),
    help=f"Heuristic mode: lines the judge checks to measure the heuristic (default: the config's "
    f"judge_sample, or {DEFAULT_JUDGE_SAMPLE} when that is 0; capped by the number of lines).",
)
@click.option(
    "--explain",
    "explain_id",
    metavar="ID",
    help="Also print why sample ID was kept or dropped, with every rule that fired and the matched span.",
)
@one_line_errors
def gate_cmd(
    samples: Path,
    out: Path,
    character: str | None,
    language: str | None,
    config_path: Path | None,
    aliases: tuple[str, ...],
    judge_base_url: str | None,
    judge_model: str | None,
    judge_sample: int | None,
    explain_id: str | None,
) -> None:
    """Check SAMPLES (JSONL of samples): write what passes, what fails and why, and a report."""
    cfg = _judge_sample(_load_config(config_path), judge_base_url, judge_sample)
    good = _read_samples(samples)
    if explain_id is not None:
        from factory.quality.explain import check_id

        check_id(explain_id, good, [])
    with _run_lock(out):
        _gate(good, out, cfg, character, language, aliases, judge_base_url, judge_model, explain_id)


def _run_lock(out: Path):
    """A run directory as --out: one process at a time, like `factory run` on it."""
    from factory.run.lock import RunLock
    from factory.run.rundir import MARKER

    return RunLock(out, "factory gate") if (out / MARKER).is_file() else contextlib.nullcontext()


def _gate(
    good, out: Path, cfg, character, language, aliases, judge_base_url, judge_model, explain_id: str | None
) -> None:
    from factory.quality.gate import run_gate_async
    from factory.quality.report import write_outputs

    out.mkdir(parents=True, exist_ok=True)
    judge = _judge_engine(judge_base_url, judge_model, out)
    if judge is None and cfg.selfname.mode == "judge":
        raise ValueError("quality.selfname.mode is judge: pass --judge-base-url (and --judge-model)")

    async def main():
        try:
            return await run_gate_async(
                good, cfg, character=character, language=language, judge=judge, aliases=aliases
            )
        finally:
            if judge is not None:
                await judge.close()
                judge.cache.close()

    result = asyncio.run(main())
    paths = write_outputs(result, out)
    s = result.summary
    click.echo(
        f"kept {s['kept']}, rejected {s['rejected']} of {s['input']} samples ({s['flagged']} kept with flags)"
    )
    for rule, n in sorted(s["by_rule"].items(), key=lambda kv: -kv[1]):
        click.echo(f"  {rule}: {n}")
    agreement = _agreement_line(result.report)
    if agreement:
        click.echo(agreement)
    click.echo(f"report: {paths['report.md']}")
    if explain_id is not None:
        from factory.quality.explain import explain

        click.echo(explain(result, explain_id))
