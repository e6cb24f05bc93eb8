"""Shared by the persona-card tests: a recipe with only the persona route on, and one scripted run."""

import json

from click.testing import CliRunner

from factory.cli import main

PERSONA_RECIPE = """\
name: persona
language: en
character: {name: Anna Keller, profile: {file: profile.md}}
scenes: {per_chunk: 1, per_request: 1}
interactions: null
protection: null
quality: null
export: null
split: null
"""


def run_scripted(recipe, server, out, *extra) -> dict:
    """`factory run` against the scripted server; returns run.json."""
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(recipe),
            "--out",
            str(out),
            "--base-url",
            server.base_url,
            "--model",
            "m",
            "--quiet",
            *extra,
        ],
    )
    assert res.exit_code == 0, res.output
    return json.loads((out / "run.json").read_text())
