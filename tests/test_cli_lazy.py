"""`factory X` imports only X: the command table lists without importing, and stays true to the commands."""

from __future__ import annotations

import subprocess
import sys

import click

from factory.cli import COMMANDS, main

LOADED = """
import sys
from factory.cli import main
try:
    main({argv!r}, prog_name="factory")
except SystemExit:
    pass
print("MODULES", " ".join(sorted(m for m in sys.modules if m.startswith(("factory.cli.", "factory.train", "pydantic")))))
"""


def _modules_after(argv: list[str], tmp_path) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", LOADED.format(argv=argv)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    return set(out.split("MODULES")[-1].split())


def test_the_table_says_what_each_command_says_of_itself():
    for name, (_module, _attr, text) in COMMANDS.items():
        cmd = main.get_command(None, name)
        assert cmd is not None and cmd.name == name, name
        first = (cmd.help or "").split("\n\n")[0]
        assert " ".join(first.split()) == text, f"{name}: update factory/cli/__init__.py COMMANDS"
        for limit in (30, 45, 80):
            assert click.Command(name, help=text).get_short_help_str(limit) == cmd.get_short_help_str(limit)


def test_help_lists_every_command_and_imports_none(tmp_path):
    assert _modules_after(["--help"], tmp_path) == set()
    res = subprocess.run(
        [sys.executable, "-m", "factory", "--help"], capture_output=True, text=True, check=True
    )
    listed = [line.split()[0] for line in res.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)


def test_a_command_imports_its_module_only(tmp_path):
    loaded = _modules_after(["plan", "--help"], tmp_path)
    assert "factory.cli.plan" in loaded
    assert not loaded & {
        "factory.cli.cards",
        "factory.cli.chat",
        "factory.cli.eval",
        "factory.cli.gate",
        "factory.cli.view",
        "factory.cli.export",
        "factory.train.commands",
    }


def test_an_unknown_command_is_a_usage_error(tmp_path):
    res = subprocess.run([sys.executable, "-m", "factory", "rnu"], capture_output=True, text=True)
    assert res.returncode == 2 and "No such command 'rnu'" in res.stderr
