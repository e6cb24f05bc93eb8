"""Chunks never end inside a scene (unless the scene alone is too long: then its plots are joined
again); a profile for chapter 3 is built from chapters 1-2 only, and one that knows more is dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

from factory.sources.book import chunk_book, parse_book
from factory.stages.book.plots import joined_plots
from factory.stages.book.records import BookChunk, Plot
from tests.book_responders import book_responder
from tests.stages.experience_helpers import failures, records, run_cli

BOOKS = Path(__file__).resolve().parents[3] / "recipes" / "books"
TEXT = """# A Book

Chapter 1

First scene, first paragraph. "Hello," said Ann.

First scene, second paragraph.

* * *

Second scene. "Goodbye," said Ben.

CHAPTER TWO

A scene in chapter two.
"""
SCRIPT = """ACT I

INT. KITCHEN - NIGHT

MARA
I won't go.

EXT. HARBOUR - DAWN

TOBIAS: Then the ferry leaves without you.
"""


def test_chapters_scenes_and_chunks_that_keep_scenes_whole():
    book = parse_book(TEXT)
    assert book.title == "A Book" and [c.title for c in book.chapters] == ["Chapter 1", "CHAPTER TWO"]
    assert len(book.chapters[0].scenes) == 2
    small = chunk_book(book, 18)  # each scene fits alone, two do not
    assert [(p.chapter, p.scenes, p.cut) for p in small] == [
        (0, [0], False),
        (0, [1], False),
        (1, [0], False),
    ]
    cut = chunk_book(book, 10)  # the first scene is over the bound: cut at a paragraph, marked
    assert [(p.chapter, p.scenes, p.cut) for p in cut][:2] == [(0, [0], True), (0, [0], False)]
    script = parse_book(SCRIPT)
    assert script.script and [len(c.scenes) for c in script.chapters] == [2]
    assert "第三章" in [c.title for c in parse_book("第三章 桂花号\n\n暴雨来了。").chapters][0]


def test_the_two_halves_of_a_cut_scene_are_one_plot():
    chunks = {
        c.id: c
        for c in [
            BookChunk(id="a", text="x", chapter=0, cut=True, index=0),
            BookChunk(id="b", text="y", chapter=0, index=1),
            BookChunk(id="c", text="z", chapter=0, index=2),
        ]
    }

    def plot(pid, chunk, pos, summary):
        return Plot(
            id=pid,
            chunk_ids=[chunk],
            chapter=0,
            position=pos,
            summary=summary,
            first_sentence="f",
            last_sentence=f"l{pid}",
        )

    plots = [
        plot("p1", "a", 0, "One."),
        plot("p2", "a", 1, "Two begins."),
        plot("p3", "b", 100, "Two ends."),
        plot("p4", "b", 101, "Three."),
        plot("p5", "c", 200, "Four."),
    ]
    out = joined_plots(plots, chunks)
    assert [(p.id, p.summary, p.chunk_ids, p.last_sentence) for p in out][:2] == [
        ("p1", "One.", ["a"], "lp1"),
        ("p2", "Two begins. Two ends.", ["a", "b"], "lp3"),
    ]
    assert [p.id for p in out] == ["p1", "p2", "p4", "p5"]  # b is not cut: p4 and p5 stay apart


def _run(server, tmp_path, leak="", answer_leak=""):
    for f in ("gull_point.yaml", "the_lamp_at_gull_point.md"):
        shutil.copy(BOOKS / f, tmp_path / f)
    server.responder = book_responder(leak=leak, answer_leak=answer_leak)
    out = tmp_path / "run"
    return run_cli(tmp_path / "gull_point.yaml", out, server.base_url), out


def test_a_profile_at_chapter_3_knows_nothing_of_chapter_3(server, tmp_path):
    summary, out = _run(server, tmp_path)
    profiles = {(p["character"], p["chapter"]): p["text"] for p in records(out, "book_profiles")}
    assert ("Mara", 2) in profiles and ("Mara", 1) in profiles
    for (name, chapter), text in profiles.items():
        if chapter <= 2:
            assert "Marigold" not in text and "Hale" not in text and "Inspector" not in text, (name, chapter)
    later = [s for s in records(out, "samples") if s["type"] == "book_scene" and s["labels"]["chapter"] == 2]
    assert later and all(
        "Marigold" in s["system"] or "Marigold" not in s["system"].split("Now, in")[0] for s in later
    )  # the scene itself may name the ship, the profile before it may not
    qa = [s for s in records(out, "samples") if s["type"] == "protection:future_spoiler"]
    assert qa and all(s["labels"]["later_chapter"] > s["labels"]["chapter"] for s in qa)
    assert summary["dropped"]["book_profile_knows_later"] == 0
    assert summary["dropped"]["book_answer_knows_later"] == 0  # "know", "lit": common words, not later terms


def test_a_profile_that_knows_later_events_is_dropped(server, tmp_path):
    summary, out = _run(
        server, tmp_path, leak="Later the brig Marigold is wrecked and Inspector Hale brings a ledger."
    )
    kept = records(out, "book_profiles")
    assert all(p["chapter"] >= 3 for p in kept)  # only the last chapter's profile may know of the wreck
    fails = failures(out, "book_profiles")
    assert fails and all(f["reason"] == "profile_knows_later" for f in fails)
    assert "Marigold" in fails[0]["detail"] or "Hale" in fails[0]["detail"]
    assert summary["dropped"]["book_profile_knows_later"] == len(fails)


def test_a_boundary_answer_naming_a_later_term_is_dropped(server, tmp_path):
    """Jonah, the father's name, is first written in the last chapter: an answer naming him
    earlier has read ahead. Common words a later chapter happens to be first to use do not count."""
    summary, out = _run(server, tmp_path, answer_leak=" Jonah will write from the packet, you'll see.")
    fails = failures(out, "book_boundary")
    assert fails and all(f["reason"] == "answer_knows_later" and "Jonah" in f["detail"] for f in fails)
    assert summary["dropped"]["book_answer_knows_later"] == len(fails)
    kept = [s for s in records(out, "samples") if s["type"] == "protection:future_spoiler"]
    assert not any("Jonah" in m["content"] for s in kept for m in s["messages"])
