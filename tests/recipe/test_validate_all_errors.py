"""`factory validate` names every bad field at once, one `error: field: what` line each, exit 2."""

from __future__ import annotations

import subprocess
import sys

BAD = """\
name: anna
language: en
seed: notanint
character:
  name: Anna Keller
  profile: {file: profile.md, bogus: 1}
scenes: {per_chunk: -3}
"""


def _validate(recipe):
    return subprocess.run(
        [sys.executable, "-m", "factory", "validate", str(recipe)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_error_is_reported_one_line_each(write_recipe):
    res = _validate(write_recipe(BAD))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and res.stdout == ""
    lines = res.stderr.splitlines()
    assert lines == [
        "error: character.profile.bogus: unknown key",
        "error: seed: Input should be a valid integer, unable to parse string as an integer",
        "error: scenes.per_chunk: must be >= 1",
    ]


def test_a_single_error_is_still_one_line(write_recipe):
    res = _validate(
        write_recipe(
            BAD.replace("seed: notanint\n", "").replace(", bogus: 1", "").replace("-3", "2")
            + "split: {eval_share: 7}\n"
        )
    )
    assert res.returncode == 2
    assert res.stderr.splitlines() == ["error: split.eval_share: must be < 1.0"]
