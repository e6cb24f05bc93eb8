"""`factory eval` (one model against a run) and `factory eval compare A B ...`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from factory.cli.common import UserError, one_line_errors

ENDPOINT_HELP = "OpenAI-compatible base URL, `local` (embedded model) or a .gguf path."


@click.group("eval", invoke_without_command=True)
@click.option("--model", "model", help=f"Model under test: {ENDPOINT_HELP}")
@click.option("--judge", help=f"Judge and interviewer: {ENDPOINT_HELP} Without it only offline metrics run.")
@click.option("--reference", help=f"Reference model for pairwise comparison: {ENDPOINT_HELP}")
@click.option("--run", "run_dir", type=click.Path(path_type=Path), help="Run directory to evaluate against.")
@click.option("--out", type=click.Path(path_type=Path), help="Output directory (default RUN/eval/<label>).")
@click.option("--label", help="Name of this model in reports and comparisons (default: its model name).")
@click.option("--model-name", help="Model name at --model (default: the first one /models lists).")
@click.option("--judge-name", help="Model name at --judge.")
@click.option("--reference-name", help="Model name at --reference.")
@click.option(
    "--model-key-env", default="OPENAI_API_KEY", show_default=True, help="Env var with --model's key."
)
@click.option(
    "--judge-key-env", default="OPENAI_API_KEY", show_default=True, help="Env var with --judge's key."
)
@click.option(
    "--reference-key-env", default="OPENAI_API_KEY", show_default=True, help="Env var with --reference's key."
)
@click.option(
    "--style",
    type=click.Choice(["standard", "quote"]),
    default="standard",
    show_default=True,
    help="How the model under test is prompted (quote: EGOS quote style).",
)
@click.option(
    "--prefill",
    type=click.Choice(["auto", "continue", "none"]),
    default="auto",
    show_default=True,
    help='Quote style: start the reply with `<Name>: "` for the model (continue), or not (none); '
    "auto: not on servers known to ignore it (OpenAI, DeepSeek, Ollama, llama.cpp).",
)
@click.option(
    "--system-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="System prompt for the model under test (default: a short 'You are <name>').",
)
@click.option(
    "--questions", type=click.IntRange(min=1), default=5, show_default=True, help="Questions per topic."
)
@click.option(
    "--interviews",
    type=click.IntRange(min=0),
    default=4,
    show_default=True,
    help="Multi-turn interviews in which the judge presses when an answer dodges (0: none).",
)
@click.option(
    "--rounds", type=click.IntRange(min=1), default=5, show_default=True, help="Answers per interview."
)
@click.option(
    "--probes", type=click.IntRange(min=0), default=40, show_default=True, help="Memory probes at most."
)
@click.option(
    "--exchanges",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="Held-out lines for the fool-rate test at most.",
)
@click.option(
    "--knowledge",
    type=click.IntRange(min=0),
    default=40,
    show_default=True,
    help="Knowledge-boundary cases (held-out protection scenes) at most.",
)
@click.option(
    "--temperature",
    type=click.FloatRange(0, 2),
    default=0.0,
    show_default=True,
    help="Sampling temperature of the model under test (the judge always uses 0).",
)
@click.option(
    "--max-tokens",
    type=click.IntRange(min=8),
    default=300,
    show_default=True,
    help="Reply length limit of the model under test (a cut reply is kept, flagged truncated).",
)
@click.option(
    "--judge-max-tokens",
    type=click.IntRange(min=16),
    default=700,
    show_default=True,
    help="Reply length limit of the judge and interviewer (small for a local judge on CPU).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Requests in flight at most, per endpoint.",
)
@click.option(
    "--max-unreadable",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="Fail (exit 1) when more than this share of a dimension's judgments has no readable verdict.",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Accept results where a dimension failed --max-unreadable: warn and exit 0.",
)
@click.option(
    "--calibration",
    help="Judge calibration to record: a calibration.json from `factory eval calibrate`, "
    "or `run` to calibrate the judge first (about 100 small judge calls).",
)
@click.option(
    "--skip",
    default="",
    help="Comma-separated dimensions to skip: interviews, rubrics, memory, "
    "knowledge, consistency, pairwise, offline.",
)
@click.pass_context
@one_line_errors
def eval_cmd(
    ctx: click.Context,
    model: str | None,
    judge: str | None,
    reference: str | None,
    run_dir: Path | None,
    out: Path | None,
    label: str | None,
    model_name: str | None,
    judge_name: str | None,
    reference_name: str | None,
    model_key_env: str,
    judge_key_env: str,
    reference_key_env: str,
    style: str,
    prefill: str,
    system_file: Path | None,
    questions: int,
    interviews: int,
    rounds: int,
    probes: int,
    exchanges: int,
    knowledge: int,
    temperature: float,
    max_tokens: int,
    judge_max_tokens: int,
    concurrency: int,
    max_unreadable: float,
    allow_partial: bool,
    calibration: str | None,
    skip: str,
) -> None:
    """Measure a model against a run: interviews, judge rubrics, memory, fool rate, pairwise, offline."""
    if ctx.invoked_subcommand is not None:
        return
    if not model or not run_dir:
        raise UserError("factory eval needs --model and --run (or: factory eval compare A B ...)")
    from factory.evaluate.runner import EvalOptions, evaluate

    opts = EvalOptions(
        run_dir=run_dir,
        model=model,
        judge=judge,
        reference=reference,
        out=out,
        label=label,
        model_name=model_name,
        judge_name=judge_name,
        reference_name=reference_name,
        model_key_env=model_key_env,
        judge_key_env=judge_key_env,
        reference_key_env=reference_key_env,
        style=style,
        prefill=prefill,
        system=system_file.read_text(encoding="utf-8").strip() if system_file else None,
        questions=questions,
        interviews=interviews,
        rounds=rounds,
        probes=probes,
        exchanges=exchanges,
        knowledge=knowledge,
        temperature=temperature,
        max_tokens=max_tokens,
        judge_max_tokens=judge_max_tokens,
        concurrency=concurrency,
        max_unreadable=max_unreadable,
        calibration=calibration,
        skip=frozenset(s.strip() for s in skip.split(",") if s.strip()),
    )
    result, where = asyncio.run(evaluate(opts, log=lambda m: click.echo(m, err=True)))
    for k, v in result["metrics"].items():
        ci = result["intervals"].get(k)
        span = f"  95% CI [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""
        click.echo(f"{k:32s} {'–' if v is None else round(v, 3)}{span}")
    shares = result["trust"].get("parsed_share") or {}
    if shares:
        click.echo(
            "verdicts parsed: " + ", ".join(f"{k} {v['parsed']}/{v['total']}" for k, v in shares.items())
        )
    for note in result["notes"]:
        click.echo(f"note: {note}")
    click.echo(f"written: {where / 'eval.md'}, {where / 'eval.json'}, {where / 'eval.png'}")
    if not result["trust"].get("ok", True):
        from factory.evaluate.trust import one_line

        if allow_partial:
            click.echo(f"warning: {one_line(result['trust'])}; kept (--allow-partial)", err=True)
        else:
            click.echo(
                f"error: {one_line(result['trust'])}; see {where / 'eval.md'}, or accept with --allow-partial",
                err=True,
            )
            sys.exit(1)


@eval_cmd.command("compare")
@click.argument("evals", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write compare.md, compare.json and compare.png here.",
)
@one_line_errors
def compare_cmd(evals: tuple[Path, ...], out: Path | None) -> None:
    """Line up the metrics of several evals (directories or eval.json files), e.g. base / SFT / SFT+DPO."""
    from factory.evaluate.compare import compare

    md, _ = compare(list(evals), out)
    click.echo(md, nl=False)
    if out is not None:
        click.echo(f"written: {out / 'compare.md'}, {out / 'compare.png'}")


@eval_cmd.command("calibrate")
@click.option("--judge", required=True, help=f"The judge to measure: {ENDPOINT_HELP}")
@click.option("--judge-name", help="Model name at --judge.")
@click.option(
    "--judge-key-env", default="OPENAI_API_KEY", show_default=True, help="Env var with --judge's key."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output directory (default judge-calibration/<model>): calibration.json, details.jsonl.",
)
@click.option("--questions", type=click.IntRange(min=1), help="Use only the first N questions per language.")
@click.option(
    "--judge-max-tokens",
    type=click.IntRange(min=16),
    default=700,
    show_default=True,
    help="Reply length limit of the judge.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Judge requests in flight at most.",
)
@one_line_errors
def calibrate_cmd(
    judge: str,
    judge_name: str | None,
    judge_key_env: str,
    out: Path | None,
    questions: int | None,
    judge_max_tokens: int,
    concurrency: int,
) -> None:
    """Measure a judge on the shipped labelled set: agreement with the labels and test-retest agreement."""
    from factory.evaluate.calibrate_run import run_calibration

    summary, where = asyncio.run(
        run_calibration(
            judge,
            judge_name,
            judge_key_env,
            out,
            questions,
            judge_max_tokens,
            concurrency,
            log=lambda m: click.echo(m, err=True),
        )
    )
    pw = summary["pairwise"]
    click.echo(
        f"label agreement     {summary['agreement']}  95% CI {summary['agreement_ci95']}  n={summary['n']}"
    )
    for label, r in summary["by_label"].items():
        click.echo(f"  {label:18s} {r['rate']}  n={r['n']}")
    click.echo(
        f"pairwise agreement  {pw['agreement']['rate']}  95% CI {pw['agreement']['ci95']}  "
        f"order disagreement {pw['disagreement']['rate']}"
    )
    click.echo(f"test-retest         {summary['retest']}  95% CI {summary['retest_ci95']}")
    click.echo(f"parsed              {summary['parsed']['share']} ({summary['parsed']['as_json']} as JSON)")
    click.echo(f"written: {where / 'calibration.json'}")
    if summary["verdict"] != "fit":
        click.echo(f"judge not fit: {'; '.join(summary['reasons'])}", err=True)
        sys.exit(1)
    click.echo("judge fit")
