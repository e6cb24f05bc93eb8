"""The `factory` command: thin wrappers that parse flags and call into the package."""

from __future__ import annotations

import click

from factory import __version__
from factory.cli.cards import cards_cmd
from factory.cli.chat import chat_cmd
from factory.cli.eval import eval_cmd
from factory.cli.export import export_cmd, push_cmd
from factory.cli.gate import gate_cmd
from factory.cli.model import model_group
from factory.cli.plan import plan_cmd
from factory.cli.run import merge_cmd, run_cmd, validate_cmd
from factory.cli.view import view_cmd
from factory.train.commands import train_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factory")
def main() -> None:
    """Role-play training data from a character profile: generate, gate, export, train, evaluate."""


main.add_command(run_cmd)
main.add_command(validate_cmd)
main.add_command(plan_cmd)
main.add_command(export_cmd)
main.add_command(push_cmd)
main.add_command(merge_cmd)
main.add_command(train_group)
main.add_command(eval_cmd)
main.add_command(chat_cmd)
main.add_command(cards_cmd)
main.add_command(gate_cmd)
main.add_command(view_cmd)
main.add_command(model_group)
