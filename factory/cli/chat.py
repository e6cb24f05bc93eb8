"""`factory chat`: talk to a character in a terminal, or replay a script of user lines."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from factory.cli.common import UserError, one_line_errors


def _script_lines(path: Path) -> list[str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


@click.command("chat")
@click.option(
    "--model",
    "model_spec",
    default="local",
    show_default=True,
    help="OpenAI-compatible base URL, `local` (embedded model) or a .gguf path.",
)
@click.option("--model-name", help="Model name at that URL (default: the first one /models lists).")
@click.option(
    "--model-key-env",
    default="OPENAI_API_KEY",
    show_default=True,
    help="Environment variable holding the API key.",
)
@click.option(
    "--helper", "helper_spec", help="Endpoint for persona extraction and summaries (default: --model)."
)
@click.option("--helper-name", help="Model name at the helper URL.")
@click.option("--helper-key-env", default="OPENAI_API_KEY", show_default=True)
@click.option(
    "--run",
    "run_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Run directory: character, language and profile chunks come from it.",
)
@click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Profile text file (instead of --run).",
)
@click.option("--character", help="Character name (default: from the run).")
@click.option("--language", help="en or zh (default: from the run, else en).")
@click.option(
    "--persona",
    type=click.Choice(["static", "dynamic"]),
    default="static",
    show_default=True,
    help="static: a persona card extracted once; dynamic: profile passages retrieved per turn.",
)
@click.option("--style", type=click.Choice(["quote", "standard"]), default="quote", show_default=True)
@click.option(
    "--prefill",
    type=click.Choice(["auto", "continue", "none"]),
    default="auto",
    show_default=True,
    help='Prefill `<Name>: "` as a continued assistant message (auto: where the server supports it).',
)
@click.option(
    "--context-budget",
    type=click.IntRange(min=32),
    default=1536,
    show_default=True,
    help="Prompt tokens (estimated) before older turns are summarized.",
)
@click.option(
    "--keep-recent",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Turns kept verbatim when older ones are summarized.",
)
@click.option("--no-summary", is_flag=True, help="Drop old turns instead of summarizing them.")
@click.option("--temperature", type=click.FloatRange(0, 2), default=0.7, show_default=True)
@click.option("--max-tokens", type=click.IntRange(min=8), default=256, show_default=True)
@click.option(
    "--script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read user lines from FILE (one per line, # comments) instead of the terminal.",
)
@click.option(
    "--cache",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Request cache (default: RUN/chat/cache.sqlite with --run, else none).",
)
@one_line_errors
def chat_cmd(
    model_spec: str,
    model_name: str | None,
    model_key_env: str,
    helper_spec: str | None,
    helper_name: str | None,
    helper_key_env: str,
    run_dir: Path | None,
    profile: Path | None,
    character: str | None,
    language: str | None,
    persona: str,
    style: str,
    prefill: str,
    context_budget: int,
    keep_recent: int,
    no_summary: bool,
    temperature: float,
    max_tokens: int,
    script: Path | None,
    cache: Path | None,
) -> None:
    """Talk to the character (EGOS runtime: extract, generate in quote style, organize, summarize)."""
    from factory.chat.app import ChatOptions, run_chat

    if run_dir is None and profile is None:
        raise UserError("give --run RUN_DIR or --profile FILE")
    opts = ChatOptions(
        model_spec=model_spec,
        model_name=model_name,
        model_key_env=model_key_env,
        helper_spec=helper_spec or model_spec,
        helper_name=helper_name if helper_spec else (helper_name or model_name),
        helper_key_env=helper_key_env if helper_spec else model_key_env,
        run_dir=run_dir,
        profile=profile,
        character=character,
        language=language,
        persona=persona,
        style=style,
        prefill=prefill,
        budget=context_budget,
        keep_recent=keep_recent,
        summarize=not no_summary,
        temperature=temperature,
        max_tokens=max_tokens,
        cache=cache or (run_dir / "chat" / "cache.sqlite" if run_dir else None),
    )
    lines = _script_lines(script) if script else None
    try:
        asyncio.run(run_chat(opts, lines, echo=click.echo, ask=_ask, log=lambda m: click.echo(m, err=True)))
    except KeyboardInterrupt:  # Ctrl-C while the character was answering: not a run to resume
        click.echo("\n(chat interrupted)", err=True)
        sys.exit(130)


def _ask(prompt: str) -> str | None:
    try:
        return click.prompt(prompt, prompt_suffix="", default="", show_default=False)
    except click.Abort:  # Ctrl-D / Ctrl-C at the prompt
        return None
