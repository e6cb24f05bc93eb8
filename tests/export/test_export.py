"""export/ as trainers see it: every file present, loadable with datasets, described for LLaMA-Factory."""

from __future__ import annotations

import json

import pytest

from factory.export.check import check_loadable
from factory.export.exporter import export_run, settings_for
from factory.recipe import load_recipe
from factory.records import iter_jsonl


def rows(path):
    return list(iter_jsonl(path))


@pytest.fixture
def exported(run_dir):
    manifest = export_run(run_dir, log=lambda m: None)
    return run_dir / "export", manifest


def test_every_format_with_split_variants(exported):
    out, m = exported
    for stem in ("sharegpt", "alpaca", "openai", "dpo", "dpo_alpaca", "dpo_sharegpt", "dpo_openai"):
        assert (out / f"{stem}.jsonl").read_bytes() == (out / f"{stem}.train.jsonl").read_bytes()
    for stem in ("sharegpt", "alpaca", "openai"):
        assert (out / f"{stem}.eval.jsonl").exists()
    n = {stem: len(rows(out / f"{stem}.train.jsonl")) for stem in ("sharegpt", "alpaca", "openai")}
    assert len(set(n.values())) == 1 and n["openai"] == m["counts"]["rows"]["train"] > 0
    assert m["counts"]["skipped_no_target"] == 1 and m["counts"]["skipped_pairs"] == 1


def test_every_file_loads_with_datasets(exported):
    out, m = exported
    loaded = check_loadable(out)
    assert set(loaded) == {p.name for p in out.glob("*.jsonl")}
    assert all(loaded[f] == info["rows"] for f, info in m["files"].items())


def test_dataset_info_covers_every_file_llamafactory_reads(exported):
    out, _ = exported
    info = json.loads((out / "dataset_info.json").read_text())
    named = {e["file_name"] for e in info.values()}
    readable = {p.name for p in out.glob("*.jsonl") if not p.name.startswith(("dpo.", "dpo_openai."))}
    assert named == readable
    assert info["run_sharegpt"]["tags"]["user_tag"] == "human"
    assert info["run_dpo_sharegpt_train"]["ranking"] is True
    assert info["run_openai"]["tags"]["system_tag"] == "system"
    assert info["run_dpo_alpaca"]["columns"]["chosen"] == "chosen"


def test_sft_rows_follow_llamafactory_rules(exported):
    out, _ = exported
    for row in rows(out / "sharegpt.jsonl"):
        froms = [c["from"] for c in row["conversations"]]
        assert froms == ["human", "gpt"] * (len(froms) // 2)
    for row in rows(out / "openai.jsonl"):
        roles = [m["role"] for m in row["messages"] if m["role"] != "system"]
        assert roles == ["user", "assistant"] * (len(roles) // 2)
        assert all(m["weight"] in (0, 1) for m in row["messages"] if m["role"] == "assistant")
        assert all("weight" not in m for m in row["messages"] if m["role"] != "assistant")


def test_preference_shapes(exported):
    out, _ = exported
    for row in rows(out / "dpo_sharegpt.jsonl"):
        conv = row["conversations"]
        assert len(conv) % 2 == 1 and conv[-1]["from"] == "human"
        assert row["chosen"]["from"] == row["rejected"]["from"] == "gpt"
    for row in rows(out / "dpo.jsonl"):
        assert row["prompt"][0]["role"] == "system" and row["prompt"][-1]["role"] == "user"
        assert row["chosen"][0]["role"] == row["rejected"][0]["role"] == "assistant"
        assert row["chosen"][0]["content"] != row["rejected"][0]["content"]
    for row in rows(out / "dpo_openai.jsonl"):
        assert row["input"]["messages"][-1]["role"] == "user"
        assert row["preferred_output"][0]["role"] == "assistant" and row["non_preferred_output"]
    for row in rows(out / "dpo_alpaca.jsonl"):
        assert set(row) == {"instruction", "input", "chosen", "rejected", "system", "history"}


def test_quote_style_files_load_and_say_where_to_stop(run_dir):
    m = export_run(run_dir, settings=settings_for(None, ["all"], style="quote"), log=lambda x: None)
    out = run_dir / "export"
    assert m["quote"]["stop"] == '"'
    for row in rows(out / "openai.jsonl"):
        user = [x for x in row["messages"] if x["role"] == "user"]
        assert len(user) == 1
        assert row["messages"][-1]["content"].endswith('"')
    assert check_loadable(out)


def test_only_the_asked_formats_and_a_clear_error_without_pairs(run_dir):
    export_run(run_dir, settings=settings_for(None, ["openai"]), log=lambda x: None)
    assert sorted(p.name for p in (run_dir / "export").glob("*.jsonl")) == [
        "openai.eval.jsonl",
        "openai.jsonl",
        "openai.train.jsonl",
    ]
    (run_dir / "preferences.jsonl").unlink()
    with pytest.raises(ValueError, match="no preference pairs"):
        export_run(run_dir, settings=settings_for(None, ["dpo"]), strict=True, log=lambda x: None)
    m = export_run(run_dir, log=lambda x: None)
    assert "dpo" not in m["formats"] and any("no preference pairs" in n for n in m["notes"])


def test_a_recipe_without_preference_pairs_is_not_told_it_has_none(run_dir, write_recipe):
    """Default formats include DPO; a recipe that makes no pairs did not ask for them, so no note."""
    (run_dir / "preferences.jsonl").unlink()
    base = "name: anna\ncharacter: {name: Anna Keller, profile: {file: profile.md}}\n"
    off = load_recipe(write_recipe(base))
    assert "dpo" not in settings_for(off).formats
    m = export_run(run_dir, recipe=off, settings=settings_for(off), log=lambda x: None)
    assert not any("preference" in n for n in m["notes"])
    on = load_recipe(write_recipe(base + "preferences: {per_sample: 1}\n"))
    m = export_run(run_dir, recipe=on, settings=settings_for(on), log=lambda x: None)
    assert "dpo" not in m["formats"] and any("no preference pairs" in n for n in m["notes"])
    asked = load_recipe(write_recipe(base + "export: {formats: [openai, dpo]}\n"))
    assert "dpo" in settings_for(asked).formats


def test_refuses_to_write_into_a_foreign_folder(run_dir, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="refusing to overwrite"):
        export_run(run_dir, out=foreign, log=lambda x: None)
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_kept_wins_over_samples(run_dir):
    (run_dir / "samples.jsonl").write_text((run_dir / "kept.jsonl").read_text().splitlines()[0] + "\n")
    m = export_run(run_dir, log=lambda x: None)
    assert m["source"] == "kept.jsonl" and m["counts"]["samples"] > 1
    (run_dir / "kept.jsonl").unlink()
    assert export_run(run_dir, ungated=True, log=lambda x: None)["source"] == "samples.jsonl"
