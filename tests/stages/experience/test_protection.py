"""Protection scenes: labelled taxonomy, quotas, shard-stable plan, in-character refusals only."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from factory.recipe import RecipeError, load_recipe
from factory.records import Chunk
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.stages.experience.protection import SUBTYPES, plan, weighted_cycle
from tests.responders import route
from tests.stages.experience_helpers import en_recipe, failures, records, run_cli, zh_recipe

MATCH = "Early in the scene someone says to"


def test_weighted_cycle_holds_quotas_in_every_prefix():
    weights = {"anachronism": 3, "false_relation": 1, "break_character": 2}
    cycle = weighted_cycle(weights, 120)
    for n in (6, 13, 60, 120):
        counts = Counter(cycle[:n])
        for s, w in weights.items():
            assert abs(counts[s] - n * w / 6) <= 1
    assert set(cycle) == set(weights) and weighted_cycle(dict.fromkeys(SUBTYPES, 1), 6) == list(SUBTYPES)


def _ctx(write_recipe, tmp_path, body: str) -> RunContext:
    recipe = load_recipe(write_recipe(body))
    return RunContext(recipe=recipe, run=RunDir(tmp_path / "run").prepare())


def _chunks(n: int) -> list[Chunk]:
    return [
        Chunk(id=f"chk-{i:04d}", character="A", text=f"text {i}", period=f"P{i}", source="file:x", index=i)
        for i in range(n)
    ]


BASE = "name: a\ncharacter:\n  name: A\n  profile: {file: profile.md}\nscenes: {per_chunk: 20}\n"


def test_plan_share_quotas_and_shards_agree_with_the_whole_run(write_recipe, tmp_path):
    ctx = _ctx(write_recipe, tmp_path, BASE + "protection: {share: 0.1}\n")
    chunks = _chunks(12)
    slots = plan(ctx, chunks)
    assert len(slots) == 24  # 10 % of 12 chunks x 20 planned scenes
    counts = Counter(s.subtype for s in slots)
    # four of each, except that the last chunk's future_spoiler slot (nothing later to spoil) moves on
    assert counts == {**dict.fromkeys(SUBTYPES, 4), "future_spoiler": 3, "anachronism": 5}
    assert [s.chunk.index for s in slots[:3]] == [0, 1, 2]  # --limit 3 spreads over chunks and subtypes
    assert len({s.subtype for s in slots[:3]}) == 3
    last = [s for s in slots if s.chunk.index == 11]
    assert all(s.subtype != "future_spoiler" for s in last)  # nothing later in life to spoil
    shard = plan(ctx, chunks[::2])
    whole = {(s.chunk.id, s.m): s.subtype for s in slots}
    assert all(whole[(s.chunk.id, s.m)] == s.subtype for s in shard if s.chunk.index != 10)


def test_quota_weights_and_zero_share(write_recipe, tmp_path):
    ctx = _ctx(
        write_recipe,
        tmp_path,
        BASE + "protection: {share: 0.5, quotas: {break_character: 1, anachronism: 3}}\n",
    )
    counts = Counter(s.subtype for s in plan(ctx, _chunks(4)))
    assert counts == {"anachronism": 30, "break_character": 10}
    assert plan(_ctx(write_recipe, tmp_path, BASE + "protection: {share: 0}\n"), _chunks(4)) == []


def test_unknown_subtype_is_a_recipe_error(write_recipe):
    with pytest.raises(RecipeError, match="protection.quotas"):
        load_recipe(write_recipe(BASE + "protection: {quotas: {time_travel: 1}}\n"))


def test_run_writes_labelled_scenes_scripts_and_samples(server, write_recipe, tmp_path):
    server.responder = route
    out = tmp_path / "r"
    summary = run_cli(en_recipe(write_recipe, per_chunk=10, protection="{share: 0.6}"), out, server.base_url)
    scenes = records(out, "protection_scenes")
    assert summary["report_protection"]["planned"] == 12
    assert (
        len(scenes) == 12 - summary["dropped"]["protection_near_duplicate"] >= 10
    )  # the fake repeats itself
    assert all(s["kind"] == "protection" and s["subtype"] in SUBTYPES and s["question"] for s in scenes)
    assert Counter(s["subtype"] for s in scenes) == summary["report_protection"]["scenes_by_subtype"]
    inters = records(out, "protection")
    assert summary["counts"]["protection"] == len(inters) == len(scenes)
    samples = [s for s in records(out, "samples") if s["type"].startswith("protection:")]
    by_id = {s["id"]: s for s in scenes}
    assert len(samples) == len(scenes)
    for s in samples:
        scene = by_id[s["labels"]["scene_id"]]
        assert s["type"] == f"protection:{scene['subtype']}" == f"protection:{s['labels']['subtype']}"
        assert scene["id"] in s["source_ids"] and scene["chunk_ids"][0] in s["source_ids"]
        assert s["messages"][0]["content"] == scene["question"] and s["messages"][0]["role"] == "user"
    anachronism = next(s for s in scenes if s["subtype"] == "anachronism")
    prompt = next(
        b["messages"][-1]["content"]
        for b in server.requests
        if anachronism["question"] in b["messages"][-1]["content"]
    )
    assert MATCH in prompt and "never step out of the role" in prompt


def test_assistant_disclaimer_is_rejected_not_kept(server, write_recipe, tmp_path):
    server.responder = route
    bad = {
        "turns": [
            {"speaker": "a visitor", "text": "Are you an AI?"},
            {"speaker": "Anna Keller", "text": "As an AI language model, I do not have a workshop."},
            {"speaker": "a visitor", "text": "I see."},
        ]
    }
    server.script(*[{"match": MATCH, "content": json.dumps(bad)}] * 3)
    out = tmp_path / "r"
    run_cli(
        en_recipe(write_recipe, per_chunk=10, protection="{share: 0.1, quotas: {break_character: 1}}"),
        out,
        server.base_url,
        "--concurrency",
        "1",
    )
    (fail,) = failures(out, "protection")
    assert fail["reason"] == "parse" and "assistant disclaimer" in fail["detail"]
    assert len(records(out, "protection_scenes")) == 2 and len(records(out, "protection")) == 1


def test_zh_protection_prompts_are_chinese_and_future_spoiler_uses_later_periods(
    server, write_recipe, tmp_path
):
    server.responder = route
    out = tmp_path / "r"
    run_cli(
        zh_recipe(
            write_recipe,
            per_chunk=10,
            protection="{share: 0.1, quotas: {future_spoiler: 1}}",
            grounding="null",
        ),
        out,
        server.base_url,
    )
    scenes = records(out, "protection_scenes")
    assert [s["subtype"] for s in scenes] == ["future_spoiler"]  # the last period has no future: skipped
    asked = [
        b["messages"][-1]["content"] for b in server.requests if "考验方式" in b["messages"][-1]["content"]
    ]
    assert len(asked) == 1 and "黄州东坡" in asked[0] and "乌台诗案" in asked[0]
    (sample,) = [s for s in records(out, "samples") if s["type"] == "protection:future_spoiler"]
    assert sample["language"] == "zh" and sample["messages"][0]["content"].startswith("「")


def test_protection_scene_reply_is_read_leniently():
    from factory.engine import ParseError
    from factory.stages.experience.protection import parse_protection_scene

    parse = parse_protection_scene("Anna Keller", ["Anna"], ["conversation"])
    reply = (
        'Sure:\n```json\n{"scene": {"Type": "chat", "Place": "Market", "When": "1870", "People": "Anna, a boy",'
        ' "Situation": "A boy runs up to Anna.", "Provocation": "\\"Miss Anna, can I borrow your iPhone?\\""}}\n```'
    )
    scene = parse(reply)
    assert scene["question"] == "Miss Anna, can I borrow your iPhone?"
    assert scene["participants"] == ["Anna Keller", "a boy"] and scene["location"] == "Market"
    with pytest.raises(ParseError, match="question"):
        parse('{"scenes": [{"location": "Market", "background": "A boy runs up."}]}')
