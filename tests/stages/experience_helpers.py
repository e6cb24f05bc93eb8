"""Shared bits for the Character-LLM stage tests: recipes, a CLI runner, file readers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from factory.cli import main

EN_RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  aliases: [Anna]
  profile: {{file: profile.md}}
scenes: {{per_chunk: {per_chunk}, per_request: 5}}
protection: {protection}
grounding: {grounding}
quality: null
export: null
split: null
"""

ZH_PROFILE = """\
## 眉山少年
苏轼生于眉州眉山，父亲苏洵，母亲程氏，弟弟苏辙。兄弟二人自小一同读书，感情极深。

## 黄州东坡
乌台诗案后，苏轼被贬黄州，在城东坡地开荒耕种，自号东坡居士，写下《赤壁赋》。
"""

ZH_RECIPE = """\
name: sushi-test
language: zh
character:
  name: 苏轼
  aliases: [苏东坡, 子瞻]
  profile: {{file: profile.md}}
scenes: {{per_chunk: {per_chunk}, per_request: 5}}
protection: {protection}
grounding: {grounding}
quality: null
export: null
split: null
"""


def en_recipe(
    write_recipe, per_chunk: int = 10, protection: str = "{share: 0.3}", grounding: str = "null"
) -> Path:
    return write_recipe(EN_RECIPE.format(per_chunk=per_chunk, protection=protection, grounding=grounding))


def zh_recipe(
    write_recipe, per_chunk: int = 10, protection: str = "{share: 0.3}", grounding: str = "{}"
) -> Path:
    return write_recipe(
        ZH_RECIPE.format(per_chunk=per_chunk, protection=protection, grounding=grounding), profile=ZH_PROFILE
    )


def run_cli(recipe: Path, out: Path, base_url: str, *extra: str) -> dict:
    res = CliRunner().invoke(
        main,
        ["run", str(recipe), "--out", str(out), "--base-url", base_url, "--model", "m", "--quiet", *extra],
    )
    assert res.exit_code == 0, res.output
    return json.loads((out / "run.json").read_text())


def records(out: Path, stage: str) -> list[dict]:
    path = out / f"{stage}.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def failures(out: Path, stage: str) -> list[dict]:
    return [f for f in records(out, "failures") if f["stage"] == stage]
