"""`factory plan` counts the book route's requests: one extraction a chunk (exact), profiles and
boundary questions estimated from the chunks' casts; nothing asked of a model."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from factory.cli import main

BOOKS = Path(__file__).resolve().parents[3] / "recipes" / "books"


def _plan(*args: str) -> dict[str, dict]:
    res = CliRunner().invoke(main, ["plan", str(BOOKS / "gull_point.yaml"), "--json", *args])
    assert res.exit_code == 0, res.output
    return {s["stage"]: s for s in json.loads(res.output)["stages"]}


def test_the_book_stages_are_planned():
    rows = _plan()
    chunks = len((BOOKS / "the_lamp_at_gull_point.md").read_text(encoding="utf-8").split("## ")) - 1
    assert rows["book_extract"]["exact"] and rows["book_extract"]["requests"] >= chunks
    for stage in ("book_profiles", "book_boundary"):
        assert rows[stage]["requests"] > 0 and not rows[stage]["exact"], rows[stage]
        assert rows[stage]["input_tokens"] > 100 * rows[stage]["requests"]  # the story so far is in each
    limited = _plan("--limit", "1")
    asked = {s: r["requests"] for s, r in limited.items() if r["requests"]}
    assert asked == {"book_extract": 1, "book_profiles": 1, "book_boundary": 1}
