"""A screenplay through the book route: split at its scene headings, each line said by its cue,
(parentheticals) as the speaker's action, action lines as the environment; a wrong cue is dropped."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from factory.sources.book import chunk_book, read_book
from factory.stages.book.lines import find_lines
from tests.book_responders import book_responder, extract_reply
from tests.stages.experience_helpers import failures, records, run_cli

BOOKS = Path(__file__).resolve().parents[3] / "recipes" / "books"
SCRIPT = BOOKS / "low_tide_at_harrow.md"


def test_the_script_is_read_scene_by_scene_with_cues_and_parentheticals():
    book = read_book(SCRIPT)
    assert book.script and [c.title for c in book.chapters] == ["ACT ONE", "ACT TWO"]
    pieces = chunk_book(book, 500)
    assert all(p.text.lstrip().startswith(("INT.", "EXT.")) for p in pieces)  # every chunk opens a scene
    assert [(p.chapter, p.scenes) for p in pieces] == [(0, [0]), (0, [1]), (1, [0]), (1, [1])]
    lines = find_lines(pieces[0].text, script=True)
    assert (lines[0].cue, lines[0].text) == ("NELL", "Has anyone seen Owen's boat?")
    assert (lines[1].cue, lines[1].parenthetical) == ("MRS. PIKE", "not looking up")
    assert "(" not in lines[1].text and all("Rain hammers" not in x.text for x in lines)


def _run(server, tmp_path, extract=extract_reply):
    for f in ("low_tide.yaml", SCRIPT.name):
        shutil.copy(BOOKS / f, tmp_path / f)
    server.responder = book_responder(extract=extract)
    out = tmp_path / "run"
    return run_cli(tmp_path / "low_tide.yaml", out, server.base_url), out


def test_a_script_becomes_samples_with_cues_as_speakers(server, tmp_path):
    summary, out = _run(server, tmp_path)
    assert summary["status"] == "ok" and summary["counts"]["book_chunks"] == 4
    turns = [t for p in records(out, "book_extract") for c in p["conversations"] for t in c["turns"]]
    by = {(t["speaker"], t["speech"]): t for t in turns}
    assert (
        by[("Mrs. Pike", "Not since the noon tide. Shut the door, girl. You're letting the weather in.")][
            "action"
        ]
        == "not looking up"
    )  # the parenthetical is the action
    env = [t["environment"] for t in turns if t["speaker"] == "environment"]
    assert any(e.startswith("Rain hammers the shutters.") for e in env)  # an action line is the environment
    samples = [s for s in records(out, "samples") if s["type"] == "book_scene"]
    assert {"Nell", "Owen"} <= {s["character"] for s in samples}
    nell = next(s for s in samples if s["character"] == "Nell")
    assert any(m["name"] == "Mrs. Pike" and m["role"] == "user" for m in nell["messages"])


def _swap_cues(body: dict) -> str:
    """A reply that gives every second line of the script to someone else in it."""
    reply = json.loads(re.search(r"\{.*\}", extract_reply(body), re.S).group(0))
    for plot in reply["plots"]:
        for conv in plot["conversations"]:
            names = sorted({t["speaker"] for t in conv["turns"]})
            for k, t in enumerate(conv["turns"]):
                if k % 2 and len(names) > 1:
                    t["speaker"] = next(n for n in names if n != t["speaker"])
    return json.dumps(reply)


def test_a_line_given_to_someone_other_than_its_cue_is_dropped(server, tmp_path):
    summary, out = _run(server, tmp_path, extract=_swap_cues)
    fails = [f for f in failures(out, "book_extract") if f["reason"] == "speaker_not_cue"]
    assert fails and summary["dropped"]["book_speaker_not_cue"] == len(fails)
    assert "not Nell's" in " ".join(f["detail"] for f in fails) or "not Owen's" in " ".join(
        f["detail"] for f in fails
    )
    for p in records(out, "book_extract"):  # what is kept is said by its cue
        for c in p["conversations"]:
            for t in c["turns"]:
                if t["speaker"] != "environment":
                    cue = next(x for x in find_lines(SCRIPT.read_text(), True) if x.text == t["speech"]).cue
                    assert cue.title() == t["speaker"]


ZH_SCRIPT = BOOKS / "after_the_show.md"


def test_a_chinese_script_is_read_by_its_scene_headings_and_cues(server, tmp_path):
    """内景/外景 headings cut the scenes, `人物：（动作）台词` is a line with its action, and the run
    gives samples whose speakers are the cues."""
    book = read_book(ZH_SCRIPT)
    assert book.script and [c.title for c in book.chapters] == ["第一幕", "第二幕"]
    pieces = chunk_book(book, 700)
    assert all(p.text.lstrip().startswith(("内景", "外景")) for p in pieces)
    first = find_lines(pieces[0].text, script=True)
    assert (first[0].cue, first[0].parenthetical) == ("阿满", "把戏衣搁在箱上")
    assert first[0].text.startswith("师姐") and all("汽灯" not in x.text for x in first)
    for f in ("after_the_show.yaml", ZH_SCRIPT.name):
        shutil.copy(BOOKS / f, tmp_path / f)
    server.responder = book_responder()
    summary = run_cli(tmp_path / "after_the_show.yaml", tmp_path / "run", server.base_url)
    assert summary["status"] == "ok" and summary["counts"]["book_chunks"] == 3
    turns = [
        t for p in records(tmp_path / "run", "book_extract") for c in p["conversations"] for t in c["turns"]
    ]
    assert any(t["speaker"] == "秋棠" and t["action"] == "没回头" for t in turns)
    assert any(t["speaker"] == "environment" and "汽灯" in t["environment"] for t in turns)
    samples = [s for s in records(tmp_path / "run", "samples") if s["type"] == "book_scene"]
    assert "秋棠" in {s["character"] for s in samples}
