"""The book route end to end on the scripted server: en and zh novellas, a hallucinating extractor."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.train.data import find_files, load_sft
from tests.book_responders import book_responder, extract_reply, hallucinating_extract_reply
from tests.stages.experience_helpers import failures, records, run_cli

BOOKS = Path(__file__).resolve().parents[3] / "recipes" / "books"


def copy_recipe(tmp_path: Path, name: str, book: str) -> Path:
    for f in (name, book):
        shutil.copy(BOOKS / f, tmp_path / f)
    return tmp_path / name


@pytest.mark.parametrize(
    ("recipe", "book", "lang"),
    [("gull_point.yaml", "the_lamp_at_gull_point.md", "en"), ("qingshui.yaml", "qingshui_ferry.md", "zh")],
)
def test_route_end_to_end(server, tmp_path, recipe, book, lang):
    server.responder = book_responder()
    out = tmp_path / "run"
    summary = run_cli(copy_recipe(tmp_path, recipe, book), out, server.base_url)
    assert summary["status"] == "ok"
    report = summary["report_book_extract"]
    assert report["plots"] >= 4 and report["conversations"] >= 4, report
    samples = records(out, "samples")
    book_samples = [s for s in samples if s["type"] == "book_scene"]
    assert book_samples and {s["language"] for s in samples} == {lang}
    chars = {s["character"] for s in book_samples}
    assert len(chars) >= 2  # several characters, each from its own point of view
    for s in book_samples:
        me = s["character"]
        trained = [m for m in s["messages"] if m["train"]]
        assert trained and all(m["role"] == "assistant" and m["name"] == me for m in trained)
        assert all(m["name"] != me for m in s["messages"] if m["role"] == "user")
        assert me in s["system"]
    variants = {(s["labels"]["thoughts"], s["labels"]["motivation"]) for s in book_samples}
    assert len(variants) == 2  # the recipe's ablation switch makes both variants, labelled
    assert any(s["type"] == "protection:future_spoiler" for s in samples)
    kept = records(out, "kept")
    assert any(s["type"] == "book_scene" for s in kept)  # the gate takes them ...
    convs = load_sft(find_files([out / "export"], "sft"))  # ... the exports and the trainer's loader too
    assert convs and all(any(m["role"] == "assistant" for m in c) for c in convs)
    res = CliRunner().invoke(main, ["view", str(out)])
    assert res.exit_code == 0, res.output
    assert "book_scene" in (out / "view.html").read_text(encoding="utf-8")


def test_hallucinated_quotes_are_dropped_with_a_reason(server, tmp_path):
    server.responder = book_responder(extract=hallucinating_extract_reply)
    out = tmp_path / "run"
    summary = run_cli(
        copy_recipe(tmp_path, "gull_point.yaml", "the_lamp_at_gull_point.md"), out, server.base_url
    )
    fails = failures(out, "book_extract")
    reasons = {f["reason"] for f in fails}
    assert {"quote_not_in_text", "plot_citation_not_in_text"} <= reasons
    assert (
        summary["dropped"]["book_quote_not_in_text"]
        == sum(f["reason"] == "quote_not_in_text" for f in fails)
        > 0
    )
    assert summary["report_book_extract"]["dropped"]["plot_citation_not_in_text"] >= 1
    text = json.dumps(records(out, "samples"))
    assert "Lisbon" not in text and "Lisbon" not in json.dumps(records(out, "book_extract"))


def _misattributing_reply(body: dict) -> str:
    """Every line given to Edda: she is not in the first scene, and not whom "Mara said" names."""
    reply = json.loads(extract_reply(body).split("```json\n")[1].split("\n```")[0])
    for plot in reply["plots"]:
        for conv in plot["conversations"]:
            for t in conv["turns"]:
                t["speaker"] = "Edda"
    return json.dumps(reply)


def test_a_line_given_to_the_wrong_speaker_is_dropped(server, tmp_path):
    server.responder = book_responder(extract=_misattributing_reply)
    out = tmp_path / "run"
    summary = run_cli(
        copy_recipe(tmp_path, "gull_point.yaml", "the_lamp_at_gull_point.md"), out, server.base_url
    )
    reasons = summary["report_book_extract"]["dropped"]
    assert reasons["speaker_not_in_scene"] > 0 and reasons["speaker_not_tagged"] > 0, reasons
    kept = [t for p in records(out, "book_extract") for c in p["conversations"] for t in c["turns"]]
    said = "I'm not the keeper's girl, I'm the keeper, since Father went to the mainland."
    assert not any(t["speech"].startswith(said) for t in kept)  # "Mara said" it: not Edda's
