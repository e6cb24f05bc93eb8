"""A book recipe's mistakes are one line and exit 2: no source at all, a missing book, nobody to train."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from factory.cli import main

BASE = """\
name: b
language: en
character: {name: Mara}
interactions: null
protection: null
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("", "character.profile: give a profile (`file` or `wikipedia`), or a `book:` block"),
        ("book: {file: missing.md, characters: [Mara]}\n", "book.file: no such file:"),
        (
            "book: {file: novella.md}\n",
            "name the `characters` to train, or ask for the `top: N` most present",
        ),
        ("book: {file: novella.md, top: 2, quote_threshold: 120}\n", "book.quote_threshold"),
    ],
)
def test_bad_book_recipes_fail_in_one_line(tmp_path, extra, message):
    (tmp_path / "novella.md").write_text('# N\n\n## Chapter 1\n\n"Hello," said Mara.\n', encoding="utf-8")
    (tmp_path / "r.yaml").write_text(BASE + extra, encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(tmp_path / "r.yaml")])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.output


def test_a_book_recipe_with_the_experience_route_left_on_names_what_is_off(tmp_path):
    (tmp_path / "novella.md").write_text('# N\n\n## Chapter 1\n\n"Hello," said Mara.\n', encoding="utf-8")
    (tmp_path / "r.yaml").write_text(
        textwrap.dedent("""\
        name: b
        character: {name: Mara}
        book: {file: novella.md, characters: [Mara]}
        """),
        encoding="utf-8",
    )
    res = CliRunner().invoke(main, ["validate", str(tmp_path / "r.yaml")])
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1
    assert "interactions: needs character.profile" in res.output and "`protection: null`" in res.output
