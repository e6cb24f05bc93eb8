"""Preference pairs from a scripted model: labelled rejected kinds, the gate on chosen, self-sampling."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from factory.engine import EndpointSettings, Engine, ParseError, RequestCache
from factory.recipe import load_recipe
from factory.records import Message, Pair, Sample, append_jsonl, read_jsonl
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.stages import preference_pairs, preferences
from factory.testing.openai_server import ScriptedServer

from .conftest import samples

TONE = "Great question! As an AI assistant, I'd be happy to help."
OOC = "I read all about it on the internet last week."


def rank_gold_first(body: dict) -> str:
    """Judge: the kept reply (known to the fixture) first, samples after in their order."""
    user = body["messages"][-1]["content"]
    options = re.findall(r"^\[([A-Z])\]\n(.*)$", user, re.M)
    gold = [
        a
        for a, text in options
        if "spring holds" in text
        or "song about the sea" in text
        or "springs and gears" in text
        or "Close it" in text
        or "escapement" in text
    ]
    rest = [a for a, _ in options if a not in gold]
    return json.dumps({"ranking": gold + rest})


def main_responder(body: dict) -> str:
    system = body["messages"][0]["content"]
    if "generic AI assistant" in system:
        return TONE
    if "breaks character" in system:
        return f'"{OOC}"'
    if "judge of role-play" in system:
        return rank_gold_first(body)
    return "?"


def _ctx(tmp_path, server, recipe_path) -> RunContext:
    run = RunDir(tmp_path / "run").prepare()
    if not (run.path / "kept.jsonl").exists():
        append_jsonl(run.path / "kept.jsonl", samples())
    settings = EndpointSettings(
        base_url=server.base_url, model="main-model", kind="other", max_retries=0, concurrency=4
    )
    return RunContext(
        recipe=load_recipe(recipe_path),
        run=run,
        engine=Engine(settings, cache=RequestCache(run.cache_file)),
        log=print,
    )


def _run(ctx: RunContext) -> list[Pair]:
    async def go():
        try:
            await preferences.run(ctx)
        finally:
            await ctx.engine.close()

    asyncio.run(go())
    ctx.engine.cache.close()
    return read_jsonl(ctx.run.stage_file("preferences"), Pair)


RECIPE = """\
    name: anna
    character: {{name: Anna Keller, timeline_point: "1880", profile: {{file: profile.md}}}}
    preferences: {body}
    """


def test_rewrites_are_labelled_and_a_rerun_is_free(tmp_path, server, write_recipe):
    server.responder = main_responder
    path = write_recipe(RECIPE.format(body="{kinds: [assistant_tone, out_of_character]}"))
    pairs = _run(_ctx(tmp_path, server, path))
    kept = {s.id: s for s in samples()}
    assert {p.rejected_kind for p in pairs} == {"assistant_tone", "out_of_character"}
    for p in pairs:
        s = kept[p.labels["sample_id"]]
        assert p.chosen.content == s.messages[p.labels["turn"]].content and p.chosen.train
        assert p.prompt[0].role == "system" and p.prompt[1:] == s.messages[: p.labels["turn"]]
        assert p.rejected.content == (TONE if p.rejected_kind == "assistant_tone" else OOC)  # quotes stripped
        assert p.labels["generator"] == "main-model"
        if p.rejected_kind == "out_of_character":
            assert p.labels["variant"] in ("knowledge_leak", "modern_knowledge", "flat_style")
        if s.labels.get("scene_id"):
            assert p.labels["scene_id"] == s.labels["scene_id"]
    # the character-first sample's second reply follows its own line: never a target
    assert all(not (p.labels["sample_id"] == "smp-first-speaker" and p.labels["turn"] == 3) for p in pairs)
    ooc = [r for r in server.requests if "breaks character" in r["messages"][0]["content"]]
    eras = {re.search(r"^(.*?) \((.*?)\) is speaking", r["messages"][1]["content"]).groups() for r in ooc}
    assert eras == {
        ("Anna Keller", "as of 1880"),
        ("Mira", "in their own time"),
    }  # the timeline is Anna's only
    n = server.count
    assert len(_run(_ctx(tmp_path, server, path))) == len(pairs) and server.count == n


def test_gate_runs_on_chosen_as_the_recipe_configures_it(tmp_path, server, write_recipe):
    """The real gate, with a recipe-added blacklist entry: every reply containing it is dropped."""
    server.responder = main_responder
    path = write_recipe(
        RECIPE.format(
            body="{kinds: [assistant_tone], per_sample: 5}\n    quality: {blacklist: {add: [escapement]}}"
        )
    )
    ctx = _ctx(tmp_path, server, path)
    pairs = _run(ctx)
    assert pairs and all("escapement" not in p.chosen.content for p in pairs)
    assert ctx.dropped["preferences_chosen_gate"] == 24


def test_gate_disabled_in_the_recipe_says_so(tmp_path, server, write_recipe, capsys):
    server.responder = main_responder
    path = write_recipe(
        RECIPE.format(
            body="{kinds: [assistant_tone], max_pairs: 2}\n"
            "    quality: {enabled: false, blacklist: {add: [escapement]}}"
        )
    )
    ctx = _ctx(tmp_path, server, path)
    _run(ctx)
    assert "chosen replies are not gated" in capsys.readouterr().out
    assert ctx.dropped["preferences_chosen_gate"] == 0


ZH_RECIPE = """\
    name: beethoven
    language: zh
    character: {name: 贝多芬, timeline_point: "1824年", profile: {file: profile.md}}
    preferences: {kinds: [assistant_tone, out_of_character]}
    """
ZH_TONE = "作为一个AI助手，我很乐意为您提供帮助！"
ZH_OOC = "我在网上查过，这首交响曲后来成了欧盟的盟歌。"


def zh_sample() -> Sample:
    msgs = [
        Message(role="user", content="老师，第九交响曲写完了吗？", name="卡尔"),
        Message(
            role="assistant", content="（放下羽毛笔）还差最后一个乐章，合唱的部分让我睡不着觉。", train=True
        ),
    ]
    return Sample(
        id="smp-zh-1",
        type="experience",
        character="贝多芬",
        language="zh",
        system="你要扮演1824年的贝多芬。",
        messages=msgs,
        source_ids=["scn-zh"],
        labels={"scene_id": "scn-zh"},
    )


def zh_responder(body: dict) -> str:
    """A labelled, 「」-quoted rewrite: what zh models answer despite being told not to."""
    if "AI 助手的口吻" in body["messages"][0]["content"]:
        return f"改写：「{ZH_TONE}」"
    return f"改写后的台词：「{ZH_OOC}」"


def test_chinese_rewrites_lose_their_label_and_quotes(tmp_path, server, write_recipe):
    server.responder = zh_responder
    run = RunDir(tmp_path / "run").prepare()
    append_jsonl(run.path / "kept.jsonl", [zh_sample()])
    pairs = _run(_ctx(tmp_path, server, write_recipe(ZH_RECIPE)))
    by_kind = {p.rejected_kind: p for p in pairs}
    assert by_kind["assistant_tone"].rejected.content == ZH_TONE
    assert by_kind["out_of_character"].rejected.content == ZH_OOC
    assert by_kind["assistant_tone"].chosen.content == zh_sample().messages[1].content
    users = [r["messages"][-1]["content"] for r in server.requests]
    assert all("卡尔: 老师，第九交响曲写完了吗？" in u for u in users)  # the zh prompt, with the context
    assert any("时间点：1824年" in u for u in users)  # the zh era line for the recipe's character


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("改写：「很高兴为您提供帮助！」", "很高兴为您提供帮助！"),
        ("改写后的回答：“这是个好问题！”", "这是个好问题！"),
        ("```\n改写台词： 「作为一个AI，我没有感情。」\n```", "作为一个AI，我没有感情。"),
        ("「一句。」他停了停，「两句。」", "「一句。」他停了停，「两句。」"),  # two quoted parts: left whole
    ],
)
def test_clean_reply_strips_zh_labels_and_corner_quotes(raw, clean):
    assert preference_pairs.clean_reply("原句。")(raw) == clean


def test_clean_reply_refuses_an_unchanged_zh_reply():
    with pytest.raises(ParseError):
        preference_pairs.clean_reply("还差最后一个乐章。")("改写：「还差最后一个乐章。」")


@pytest.fixture
def sampler():
    n = {"i": 0}

    def reply(body):
        n["i"] += 1
        return f"Certainly! How can I assist you today? (sample {n['i']})"

    with ScriptedServer(responder=reply, model="policy") as srv:
        yield srv


def test_self_sampled_rejects_the_worst_sample_below_the_kept_reply(
    tmp_path, server, sampler, write_recipe, monkeypatch
):
    monkeypatch.setenv("POLICY_KEY", "pk-123")
    server.responder = main_responder
    body = (
        f"{{kinds: [self_sampled], max_pairs: 4, self_sampled: {{base_url: '{sampler.base_url}', "
        "model: policy, api_key: '${POLICY_KEY}', samples: 3}}"
    )
    pairs = _run(_ctx(tmp_path, server, write_recipe(RECIPE.format(body=body))))
    assert len(pairs) == 4 and sampler.count == 12
    assert all(r["model"] == "policy" and r["messages"][-1]["role"] == "user" for r in sampler.requests)
    for p in pairs:
        assert p.rejected_kind == "self_sampled" and p.labels["generator"] == "policy"
        assert p.labels["judge"] == "main-model" and p.labels["rank_of_kept"] == 1
        assert p.rejected.content.startswith("Certainly!")
    judged = [r for r in server.requests if "judge of role-play" in r["messages"][0]["content"]]
    assert len(judged) == 4 and all(r.get("response_format") for r in judged)
    samples_file = tmp_path / "run" / "preferences_samples.jsonl"
    assert len(samples_file.read_text().splitlines()) == 12
    seen = (server.count, sampler.count)
    assert len(_run(_ctx(tmp_path, server, write_recipe(RECIPE.format(body=body))))) == 4
    assert (server.count, sampler.count) == seen  # resumed from disk: nothing sampled or judged twice


def test_self_sampling_speaks_the_quote_style_the_model_is_trained_in(tmp_path, server, write_recipe):
    with ScriptedServer(
        responder=lambda body: 'Anna Keller: "Whatever you like, dear user." and more', model="policy"
    ) as policy:
        server.responder = main_responder
        body = (
            f"{{kinds: [self_sampled], max_pairs: 2, self_sampled: {{base_url: '{policy.base_url}', "
            "model: policy, samples: 1}}\n    export: {style: quote}"
        )
        pairs = _run(_ctx(tmp_path, server, write_recipe(RECIPE.format(body=body))))
        users = [r["messages"][-1]["content"] for r in policy.requests]
    assert all(len([m for m in r["messages"] if m["role"] == "user"]) == 1 for r in policy.requests)
    assert all(re.search(r'^\w+: ".*"$', u.splitlines()[-1]) for u in users)
    assert [p.rejected.content for p in pairs] == ["Whatever you like, dear user."] * 2


def test_no_pair_when_the_judge_prefers_every_sample(tmp_path, server, sampler, write_recipe):
    def judge_kept_last(body):
        ranking = json.loads(rank_gold_first(body))["ranking"]
        return json.dumps({"ranking": ranking[1:] + ranking[:1]})

    server.responder = judge_kept_last
    body = (
        f"{{kinds: [self_sampled], max_pairs: 2, self_sampled: {{base_url: '{sampler.base_url}', "
        "model: policy, samples: 2}}"
    )
    assert _run(_ctx(tmp_path, server, write_recipe(RECIPE.format(body=body)))) == []


def test_a_self_sampled_block_adds_its_kind_when_kinds_are_not_written(
    tmp_path, server, sampler, write_recipe
):
    server.responder = main_responder
    body = f"{{self_sampled: {{base_url: '{sampler.base_url}', model: policy, samples: 2}}}}"
    pairs = _run(_ctx(tmp_path, server, write_recipe(RECIPE.format(body=body))))
    assert {p.rejected_kind for p in pairs} == {"assistant_tone", "out_of_character", "self_sampled"}
    assert sampler.count > 0


def test_written_kinds_win_over_the_self_sampled_block():
    from factory.stages.preferences import PreferencesConfig

    block = {"base_url": "http://127.0.0.1:9/v1", "model": "policy"}
    assert preferences.kinds(PreferencesConfig(self_sampled=block)) == [
        "assistant_tone",
        "out_of_character",
        "self_sampled",
    ]
    assert preferences.kinds(PreferencesConfig(kinds=["assistant_tone"], self_sampled=block)) == [
        "assistant_tone"
    ]
    assert preferences.kinds(PreferencesConfig()) == ["assistant_tone", "out_of_character"]


def test_every_shipped_recipe_makes_preference_pairs():
    from pathlib import Path

    from factory.run.stage import active

    for path in sorted(Path(__file__).resolve().parents[2].glob("recipes/*.yaml")):
        recipe = load_recipe(path)
        assert "preferences" in [s.name for s in active(recipe)], path.name
        assert {"assistant_tone", "out_of_character"} <= set(preferences.kinds(recipe.preferences)), path.name
