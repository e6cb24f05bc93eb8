"""Preference pairs from a scripted model: labelled rejected kinds, the gate on chosen, self-sampling."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

import factory.quality
from factory.context import RunContext
from factory.engine import EndpointSettings, Engine, RequestCache
from factory.export import gatecheck
from factory.recipe import load_recipe
from factory.records import Pair, append_jsonl, read_jsonl
from factory.rundir import RunDir
from factory.stages import preferences
from factory.testing.openai_server import ScriptedServer

from .conftest import samples

TONE = "Great question! As an AI assistant, I'd be happy to help."
OOC = "I read all about it on the internet last week."


def rank_gold_first(body: dict) -> str:
    """Judge: the kept reply (known to the fixture) first, samples after in their order."""
    user = body["messages"][-1]["content"]
    options = re.findall(r"^\[([A-Z])\]\n(.*)$", user, re.M)
    gold = [a for a, text in options if "spring holds" in text or "song about the sea" in text
            or "springs and gears" in text or "Close it" in text or "escapement" in text]
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
    settings = EndpointSettings(base_url=server.base_url, model="main-model", kind="other", max_retries=0,
                                concurrency=4)
    return RunContext(recipe=load_recipe(recipe_path), run=run,
                      engine=Engine(settings, cache=RequestCache(run.cache_file)), log=print)


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
    assert eras == {("Anna Keller", "as of 1880"), ("Mira", "in their own time")}  # the timeline is Anna's only
    n = server.count
    assert len(_run(_ctx(tmp_path, server, path))) == len(pairs) and server.count == n


def test_gate_runs_on_chosen(tmp_path, server, write_recipe, monkeypatch):
    server.responder = main_responder
    monkeypatch.setattr(factory.quality, "assistant_tone_hits",
                        lambda text, language: ["escapement"] if "escapement" in text else [], raising=False)
    monkeypatch.setattr(factory.quality, "self_name_violation",
                        lambda text, character, language: "Anna Keller" in text, raising=False)
    path = write_recipe(RECIPE.format(body="{kinds: [assistant_tone], per_sample: 5}"))
    ctx = _ctx(tmp_path, server, path)
    pairs = _run(ctx)
    assert pairs and all("escapement" not in p.chosen.content for p in pairs)
    assert ctx.extra["dropped"]["preferences_chosen_gate"] == 24


def test_without_the_gate_functions_it_says_so(tmp_path, server, write_recipe, monkeypatch, capsys):
    server.responder = main_responder
    monkeypatch.setattr(gatecheck, "load", lambda: gatecheck.GateCheck(None, None))  # a tree without the gate
    _run(_ctx(tmp_path, server, write_recipe(RECIPE.format(body="{kinds: [assistant_tone], max_pairs: 2}"))))
    assert "chosen replies are not filtered" in capsys.readouterr().out


@pytest.fixture
def sampler():
    n = {"i": 0}

    def reply(body):
        n["i"] += 1
        return f"Certainly! How can I assist you today? (sample {n['i']})"

    with ScriptedServer(responder=reply, model="policy") as srv:
        yield srv


def test_self_sampled_rejects_the_worst_sample_below_the_kept_reply(tmp_path, server, sampler, write_recipe,
                                                                    monkeypatch):
    monkeypatch.setenv("POLICY_KEY", "pk-123")
    server.responder = main_responder
    body = (f"{{kinds: [self_sampled], max_pairs: 4, self_sampled: {{base_url: '{sampler.base_url}', "
            "model: policy, api_key: '${POLICY_KEY}', samples: 3}}")
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
    with ScriptedServer(responder=lambda body: 'Anna Keller: "Whatever you like, dear user." and more',
                        model="policy") as policy:
        server.responder = main_responder
        body = (f"{{kinds: [self_sampled], max_pairs: 2, self_sampled: {{base_url: '{policy.base_url}', "
                "model: policy, samples: 1}}\n    export: {style: quote}")
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
    body = (f"{{kinds: [self_sampled], max_pairs: 2, self_sampled: {{base_url: '{sampler.base_url}', "
            "model: policy, samples: 2}}")
    assert _run(_ctx(tmp_path, server, write_recipe(RECIPE.format(body=body)))) == []
