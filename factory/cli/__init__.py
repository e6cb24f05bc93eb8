"""The `factory` command: thin wrappers that parse flags and call into the package.

Each subcommand's module is imported only when that subcommand runs (`factory run` never imports
the cards, chat or eval commands): the test suite starts ~150 `factory` processes, and importing
them all cost ~0.4 s each. `factory --help` lists the commands from the table below without
importing any of them; tests/test_cli_lazy.py checks the table against the commands' docstrings.
"""

from __future__ import annotations

import importlib

import click

from factory import __version__

# name -> (module, attribute, the first paragraph of its docstring: what `factory --help` lists)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "cards": (
        "factory.cli.cards",
        "cards_cmd",
        "Persona cards <-> Character Card V2/V3 (SillyTavern and the like).",
    ),
    "chat": (
        "factory.cli.chat",
        "chat_cmd",
        "Talk to the character (EGOS runtime: extract, generate in quote style, organize, summarize).",
    ),
    "eval": (
        "factory.cli.eval",
        "eval_cmd",
        "Measure a model against a run: interviews, judge rubrics, memory, fool rate, pairwise, offline.",
    ),
    "export": (
        "factory.cli.export",
        "export_cmd",
        "Write RUN_DIR/export/: ShareGPT, Alpaca, OpenAI, DPO files, dataset_info.json and a dataset card.",
    ),
    "gate": (
        "factory.cli.gate",
        "gate_cmd",
        "Check SAMPLES (JSONL of samples): write what passes, what fails and why, and a report.",
    ),
    "merge": (
        "factory.cli.run",
        "merge_cmd",
        "Union shard run directories; then `factory run RECIPE --out OUT` redoes the dataset-wide steps"
        " (near-duplicates, pair caps, samples, gate, export) over the union.",
    ),
    "model": (
        "factory.cli.model",
        "model_group",
        "Turn a trained model into files llama.cpp, Ollama and `factory chat --model X.gguf` run.",
    ),
    "plan": (
        "factory.cli.plan",
        "plan_cmd",
        "What RECIPE will ask and cost, stage by stage; no model is called.",
    ),
    "push": (
        "factory.cli.export",
        "push_cmd",
        "Upload RUN_DIR/export (every format as a config), the card, the recipe and run.json. Token: HF_TOKEN.",
    ),
    "run": (
        "factory.cli.run",
        "run_cmd",
        "Generate the dataset RECIPE describes into a run directory (resumable).",
    ),
    "train": (
        "factory.train.commands",
        "train_group",
        "Fine-tune a chat model on an export: `sft` first, then `dpo` from its result.",
    ),
    "validate": (
        "factory.cli.run",
        "validate_cmd",
        "Check RECIPE, and that its run directory may be written, without running anything.",
    ),
    "view": (
        "factory.cli.view",
        "view_cmd",
        "One self-contained HTML page of RUN: funnel, samples with filters, gate, cards, pairs, eval.",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands load on first use (click's documented LazyGroup pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attr, _ = COMMANDS[cmd_name]
            self.commands[cmd_name] = getattr(importlib.import_module(module), attr)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing from the table, so `--help` imports no subcommand."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            text = COMMANDS[name][2] if name in COMMANDS else self.commands[name].help or ""
            rows.append((name, click.Command(name, help=text).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factory")
def main() -> None:
    """Role-play training data from a character profile: generate, gate, export, train, evaluate."""
