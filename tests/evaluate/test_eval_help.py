"""Every `factory eval` option (and its subcommands') says what it does in --help."""

from __future__ import annotations

import click
from click.testing import CliRunner

from factory.cli.eval import eval_cmd


def _commands(cmd: click.Command, path: str = "eval"):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, f"{path} {name}")


def test_every_eval_option_has_a_help_text():
    missing = [
        f"{path} {opt.opts[0]}"
        for path, cmd in _commands(eval_cmd)
        for opt in cmd.params
        if isinstance(opt, click.Option) and opt.opts[0] != "--help" and not (opt.help or "").strip()
    ]
    assert missing == []


def test_help_shows_them():
    out = CliRunner().invoke(eval_cmd, ["--help"]).output
    assert "--interviews" in out and "Multi-turn interviews" in out
