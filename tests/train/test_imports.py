"""The trainer reads exports only: importing it must not pull in the CLI or the generation stages."""

import subprocess
import sys

CODE = """
import sys
import factory.train.commands, factory.train.sft, factory.train.dpo, factory.train.gguf, factory.train.data
print(" ".join(sorted(m for m in sys.modules if m.startswith(("factory.cli", "factory.stages", "factory.run")))))
"""


def test_trainer_imports_nothing_from_cli_stages_or_the_run_machinery():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout
    assert out.split() == []


def test_python_dash_m_factory_train_is_the_same_group_as_factory_train():
    from factory.cli import main
    from factory.train.commands import train_group

    assert main.get_command(None, "train") is train_group
