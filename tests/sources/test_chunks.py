"""Life-period chunks: token bound, sources, tiny sections dropped, scene budget spread by length."""

from __future__ import annotations

import asyncio
from pathlib import Path

from factory.recipe import load_recipe
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.sources.chunking import chunk_profile, estimate_tokens, spread_budget
from factory.sources.profile import load_file_profile
from factory.stages import chunks as chunks_stage

LONG = "\n\n".join(
    f"In {1800 + i} the composer wrote piece number {i} and argued with his publisher about the fee."
    for i in range(40)
)


def test_chunks_are_bounded_and_keep_their_source(tmp_path):
    path = tmp_path / "p.md"
    path.write_text(
        f"# Title line\nA note.\n\n# Long years\n{LONG}\n\n# Short\nHe died in 1850 in the city.\n",
        encoding="utf-8",
    )
    prof = load_file_profile("C", path, base=tmp_path)
    chunks = chunk_profile(prof, max_tokens=120, min_tokens=10)
    long = [c for c in chunks if c.period == "Long years"]
    assert len(long) > 3 and all(estimate_tokens(c.text) <= 120 for c in long)
    assert all(c.source == "file:p.md#Long years" for c in long)
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunk_stage_drops_sections_too_small_for_a_scene(write_recipe, tmp_path):
    recipe = load_recipe(
        write_recipe(
            "name: c\ncharacter:\n  name: C\n  profile: {file: profile.md}\nchunks: {max_tokens: 200, min_tokens: 30}\n",
            profile=f"# C\nA profile written for the tests.\n\n# Work\n{LONG}\n",
        )
    )
    ctx = RunContext(recipe=recipe, run=RunDir(tmp_path / "run").prepare())
    asyncio.run(chunks_stage.run(ctx))
    chunks = chunks_stage.load_chunks(ctx)
    assert chunks and {c.period for c in chunks} == {"Work"}


def test_zh_profile_chunks_by_period():
    recipes = Path(__file__).parents[2] / "recipes"
    prof = load_file_profile("苏轼", recipes / "profiles/sushi.md", base=recipes)
    chunks = chunk_profile(prof, 450, 60)
    assert len(prof.sections) >= 8 and len(chunks) >= len(prof.sections)
    assert chunks[0].period.startswith("眉山") and all(estimate_tokens(c.text) <= 450 * 1.25 for c in chunks)
    assert all(c.source.startswith("file:profiles/sushi.md#") for c in chunks)


def test_same_named_profiles_in_different_folders_get_different_sources(tmp_path):
    for folder in ("anna", "ben", "outside"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "profile.md").write_text(f"# Life\n{folder} lived.\n", encoding="utf-8")
    base = tmp_path / "recipes"
    base.mkdir()
    sources = {
        f: load_file_profile("C", tmp_path / f / "profile.md", base=tmp_path).sections[0].source
        for f in ("anna", "ben")
    }
    assert sources == {"anna": "file:anna/profile.md#Life", "ben": "file:ben/profile.md#Life"}
    outside = load_file_profile("C", tmp_path / "outside" / "profile.md", base=base).sections[0].source
    assert outside == f"file:{(tmp_path / 'outside' / 'profile.md').resolve().as_posix()}#Life"


def test_chunk_stage_labels_sources_relative_to_the_recipe(write_recipe, tmp_path):
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "profile.md").write_text(f"# Work\n{LONG}\n", encoding="utf-8")
    recipe = load_recipe(
        write_recipe(
            "name: c\ncharacter:\n  name: C\n  profile: {file: people/profile.md}\nchunks: {max_tokens: 200}\n"
        )
    )
    ctx = RunContext(recipe=recipe, run=RunDir(tmp_path / "run").prepare())
    asyncio.run(chunks_stage.run(ctx))
    chunks = chunks_stage.load_chunks(ctx)
    assert chunks and {c.source for c in chunks} == {"file:people/profile.md#Work"}


def test_scene_budget_follows_length_and_every_chunk_gets_one(tmp_path):
    path = tmp_path / "p.md"
    path.write_text(f"# Long\n{LONG}\n\n# Tiny\nShort.\n", encoding="utf-8")
    chunks = chunk_profile(load_file_profile("C", path), max_tokens=2000, min_tokens=1)
    budget = spread_budget(chunks, 30)
    assert sum(budget) == 30 and budget[0] > 20 and budget[1] == 1
    assert spread_budget(chunks, 1) == [1, 1]  # never below one each
