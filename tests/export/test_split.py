"""Leakage-free splits: scenes, sessions and cards each live on one side."""

from __future__ import annotations

import json

from factory.export.exporter import export_run
from factory.export.split import group_keys, split_samples
from factory.recipe import parse_recipe
from factory.records import Sample

from .conftest import M, samples


def _sides(split, ss):
    return {s.id: split.side(s.id) for s in ss}


def test_no_group_straddles_the_split():
    ss = samples()
    for seed in range(20):
        split = split_samples(ss, 0.3, seed)
        side = _sides(split, ss)
        for key in {k for s in ss for k in group_keys(s)}:
            assert len({side[s.id] for s in ss if key in group_keys(s)}) == 1, (seed, key)
        assert 0 < len(split.eval_ids) < len(ss)


def test_sessions_of_one_card_stay_together():
    ss = [s for s in samples() if s.type == "persona_session"]
    for seed in range(20):
        side = _sides(split_samples(ss, 0.5, seed), ss)
        assert side["smp-ses-1"] == side["smp-ses-2"]


def test_source_ids_link_samples_without_labels_but_chunks_do_not():
    def s(i, sources):
        return Sample(
            id=f"s{i}",
            type="experience",
            character="A",
            language="en",
            system="",
            messages=[M("user", "x"), M("assistant", "y", True)],
            source_ids=sources,
        )

    ss = [
        s(0, ["itr-1", "chk-1"]),
        s(1, ["itr-1", "chk-2"]),
        s(2, ["itr-2", "chk-1"]),
        s(3, ["itr-3", "chk-1"]),
    ]
    split = split_samples(ss, 0.25, 0)
    assert split.groups == 3
    assert split.side("s0") == split.side("s1")


def test_share_is_met_and_the_split_is_stable():
    ss = samples()
    a, b = split_samples(ss, 0.2, 7), split_samples(ss, 0.2, 7)
    assert a.eval_ids == b.eval_ids
    assert abs(len(a.eval_ids) - 0.2 * len(ss)) <= 2
    assert split_samples(ss, 0.0, 7).eval_ids == set()


def test_held_out_characters_are_eval_only():
    ss = samples()
    split = split_samples(ss, 0.0, 0, held_out_characters=["Mira"])
    assert {s.id for s in ss if s.character == "Mira"} == split.eval_ids


def test_export_puts_pairs_with_their_samples(run_dir, write_recipe):
    recipe_path = write_recipe("""\
        name: anna
        character: {name: Anna Keller, profile: {file: profile.md}}
        split: {eval_share: 0.5, seed: 3}
        """)
    import yaml

    recipe = parse_recipe(yaml.safe_load(recipe_path.read_text()), recipe_path.parent, recipe_path)
    export_run(run_dir, recipe=recipe, log=lambda m: None)
    doc = json.loads((run_dir / "export" / "split.json").read_text())
    assert set(doc["train"]).isdisjoint(doc["eval"]) and doc["eval"]
    pairs = {
        json.loads(x)["id"]: json.loads(x) for x in (run_dir / "preferences.jsonl").read_text().splitlines()
    }
    for side in ("train", "eval"):
        for pid in doc["pairs"][side]:
            assert pairs[pid]["labels"]["sample_id"] in doc[side]
