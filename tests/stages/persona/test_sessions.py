"""Sessions and persona samples: archetypes, pushback turns and memory probes reach the data and
its labels; messy replies are read; the system prompt follows `sessions.system_prompt`."""

import json

import pytest

from factory.engine import ParseError
from factory.recipe import load_recipe
from factory.records import Card, Session
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.stages.persona.persona_samples import persona_samples
from factory.stages.persona.session_plan import ARCHETYPES, plan_session
from factory.stages.persona.session_reply import parse_session
from factory.stages.persona.sessions import SessionsConfig
from tests.persona_responders import make_route
from tests.stages.persona_helpers import PERSONA_RECIPE, run_scripted

RECIPE = PERSONA_RECIPE + "cards: {count: 4}\n"
run = run_scripted


@pytest.fixture
def persona_run(server, write_recipe, tmp_path):
    """A run with 5 cards x 2 sessions where every session has a probe and pushback is common."""
    server.responder = make_route()
    recipe = write_recipe(
        RECIPE + "sessions: {per_card: 2, min_turns: 4, max_turns: 6, "
        "archetypes: [memory_tester, provoker], pushback_share: 0.4, probe_share: 1}\n"
    )
    out = tmp_path / "run"
    summary = run(recipe, server, out)
    return recipe, out, summary


def sessions_of(out):
    return [Session.model_validate_json(x) for x in (out / "sessions.jsonl").read_text().splitlines()]


def test_sessions_follow_the_plan(persona_run):
    recipe, out, summary = persona_run
    sessions = sessions_of(out)
    assert len(sessions) == 10 and summary["counts"]["sessions"] == 10
    assert summary["report_sessions"]["by_archetype"] == {"memory_tester": 5, "provoker": 5}
    cfg = load_recipe(recipe).sessions
    for s in sessions:
        users = [i for i, t in enumerate(s.turns) if t.speaker == "user"]
        assert 4 <= len(users) <= 6
        assert any(t.mode == "action" for t in s.turns) and s.turns[1].speaker != "user"
        plan = plan_session(0, s.card_id, 0, cfg, "en")
        plan = plan if plan.session_id == s.id else plan_session(0, s.card_id, 1, cfg, "en")
        assert plan.session_id == s.id and plan.archetype == s.user_archetype and plan.turns == len(users)
        (probe,) = s.probes
        assert probe.planted_turn < probe.asked_turn and {probe.planted_turn, probe.asked_turn} <= set(users)
        assert probe.fact in s.turns[probe.planted_turn].text
        if s.user_archetype == "provoker":
            assert plan.pushback  # a troll always meets at least one refusal


def test_samples_carry_archetype_probe_and_refusal_labels(persona_run):
    recipe, out, summary = persona_run
    ctx = RunContext(recipe=load_recipe(recipe), run=RunDir(out))
    samples = list(persona_samples(ctx))
    assert len(samples) == 10
    cards = {
        c.id: c for c in (Card.model_validate_json(x) for x in (out / "cards.jsonl").read_text().splitlines())
    }
    refusals = 0
    for s in samples:
        card = cards[s.labels["card_id"]]
        assert (
            s.type == "persona_session"
            and s.character == card.name
            and s.source_ids == [card.id, s.labels["session_id"]]
        )
        assert s.labels["archetype"] in ARCHETYPES and s.labels["system_prompt"] == "full"
        assert s.system.startswith(f"You are {card.name}.") and "Personality: " in s.system
        first, rest = s.messages[0], s.messages[1:]
        assert first.role == "assistant" and not first.train  # the card's greeting opens, untrained
        assert [m.role for m in rest] == ["user", "assistant"] * (len(rest) // 2)
        assert all(m.train == (m.role == "assistant") for m in rest)
        assert all(m.content.startswith("*") for m in rest if m.role == "assistant")  # action channel
        (probe,) = s.labels["probes"]
        assert (
            s.messages[probe["planted_turn"]].role == "user"
            and probe["fact"] in s.messages[probe["planted_turn"]].content
        )
        assert s.messages[probe["asked_turn"]].role == "user" and probe["recalled"] is True
        for i in s.labels["refusal_turns"]:
            assert s.messages[i].role == "assistant" and "I won't do that" in s.messages[i].content
            refusals += 1
        assert {p["kind"] for p in s.labels["pushback"]} <= {"refuse", "tease", "impatient"}
        assert all(p["observed"] for p in s.labels["pushback"])  # the scripted character did refuse
    assert refusals >= 5
    report = summary["report_samples"]["pushback_observed"]
    assert report == {"observed": refusals, "planned": refusals}


@pytest.mark.parametrize("mode", ["short", "none"])
def test_system_prompt_modes(persona_run, mode):
    recipe, out, _ = persona_run
    r = load_recipe(recipe)
    r.sessions.system_prompt = mode
    samples = list(persona_samples(RunContext(recipe=r, run=RunDir(out))))
    for s in samples:
        assert s.labels["system_prompt"] == mode
        if mode == "none":
            assert s.system == ""
        else:
            assert (
                s.system.startswith(f"You are {s.character} (")
                and "\n" not in s.system
                and len(s.system) < 300
            )
    full = {
        s.labels["session_id"]: s
        for s in persona_samples(RunContext(recipe=load_recipe(recipe), run=RunDir(out)))
    }
    assert all(
        s.messages == full[s.labels["session_id"]].messages and s.id != full[s.labels["session_id"]].id
        for s in samples
    )


def test_messy_session_replies_are_read(server, write_recipe, tmp_path):
    server.responder = make_route(session_style="messy")
    out = tmp_path / "run"
    run(write_recipe(RECIPE + "sessions: {min_turns: 3, max_turns: 3}\n"), server, out)
    sessions = sessions_of(out)
    assert len(sessions) == 5
    for s in sessions:
        modes = [(t.speaker == "user", t.mode) for t in s.turns]
        assert modes == [(True, "speech"), (False, "action"), (False, "speech")] * 3
        assert all("*" not in t.text for t in s.turns)  # inline *actions* moved to the action channel


def card(name="Mira Holt"):
    return Card(id="card-x", name=name, personality="stoic", first_message="*nods* Hello.")


def test_parse_keeps_a_prefix_and_refuses_too_little():
    plan = plan_session(
        0, "card-x", 0, SessionsConfig(min_turns=4, max_turns=4, pushback_share=0, probe_share=0), "en"
    )
    parse = parse_session(plan, card(), "full")
    good = {"user": "hi", "action": "waves", "reply": "Mira Holt: Hello."}
    gap = {"user": "", "action": "", "reply": "??"}
    got = parse(json.dumps({"turns": [good, good, gap, good, good]}))
    assert len(got) == 2 and got[0]["reply"] == "Hello."  # cut at the gap, so turn k stays plan turn k
    with pytest.raises(ParseError):
        parse(json.dumps({"turns": [good, gap, good]}))
    by_name = parse(json.dumps([{"user": "a", "Mira Holt": "*sighs* Fine."}] * 4))
    assert by_name[0] == {"user": "a", "action": "sighs", "reply": "Fine."}


def test_plans_are_deterministic_and_respect_shares():
    cfg = SessionsConfig(min_turns=6, max_turns=6, pushback_share=0.0)
    plans = [plan_session(3, f"card-{i}", 0, cfg, "en") for i in range(40)]
    assert plans == [plan_session(3, f"card-{i}", 0, cfg, "en") for i in range(40)]
    assert not any(p.pushback for p in plans)
    assert len({p.archetype for p in plans}) == len(ARCHETYPES)
    cfg = SessionsConfig(min_turns=6, max_turns=6, pushback_share=0.5, probe_share=1.0)
    plans = [plan_session(3, f"card-{i}", 0, cfg, "zh") for i in range(200)]
    share = sum(len(p.pushback) for p in plans) / sum(p.turns - 1 for p in plans)
    assert 0.4 < share < 0.6
    assert all(p.probe and p.probe.asked not in p.pushback and p.probe.planted < p.probe.asked for p in plans)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p.probe.fact) for p in plans)


def test_chinese_recipe_gets_chinese_cards_sessions_and_prompts(server, write_recipe, tmp_path):
    server.responder = make_route()
    recipe = write_recipe(
        RECIPE.replace("language: en", "language: zh")
        + "sessions: {min_turns: 2, max_turns: 3, probe_share: 1}\n"
    )
    out = tmp_path / "run"
    summary = run(recipe, server, out)
    # every session plants a Chinese fact, and the planted check finds it without word boundaries
    assert (
        summary["report_sessions"]["with_probe"] == 5
        and summary["dropped"]["sessions_probe_not_planted"] == 0
    )
    card_prompts = [b for b in server.requests if "新角色的种子属性" in b["messages"][-1]["content"]]
    assert len(card_prompts) == 4 and "你是互动小说的角色设计师" in card_prompts[0]["messages"][0]["content"]
    assert any("请写一段正好" in b["messages"][-1]["content"] for b in server.requests)
    samples = list(persona_samples(RunContext(recipe=load_recipe(recipe), run=RunDir(out))))
    assert len(samples) == 5 and all(s.language == "zh" and s.system.startswith("你是") for s in samples)
    assert all("姓名：" in s.system for s in samples)


def test_pipeline_writes_persona_samples_with_reference_lines(server, write_recipe, tmp_path):
    server.responder = make_route()
    recipe = write_recipe(
        RECIPE + "sessions: {per_card: 2, min_turns: 2, max_turns: 3}\nreferences: {k: 2}\n"
    )
    out = tmp_path / "run"
    summary = run(recipe, server, out)
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    persona = [s for s in samples if s["type"] == "persona_session"]
    assert len(persona) == 10 and summary["report_samples"]["persona_session"] == 10
    for s in persona:
        refs = s["labels"]["references"]
        assert len(refs) == 2 and all(r["source"] != s["labels"]["session_id"] for r in refs)
        assert "Reference dialogue: things" in s["system"]
        trained = [m["content"] for m in s["messages"] if m["train"]]
        assert not any(r["text"] in t for r in refs for t in trained)


def test_probe_is_kept_only_where_the_user_planted_the_fact(server, write_recipe, tmp_path):
    """Every session plans a probe; the simulated user plants the fact only for memory testers."""
    server.responder = make_route(plant_if=ARCHETYPES["memory_tester"]["en"])
    recipe = write_recipe(
        RECIPE + "sessions: {per_card: 2, min_turns: 4, max_turns: 6, "
        "archetypes: [memory_tester, provoker], probe_share: 1}\n"
    )
    out = tmp_path / "run"
    summary = run(recipe, server, out)
    sessions = sessions_of(out)
    assert {s.user_archetype for s in sessions} == {"memory_tester", "provoker"}
    for s in sessions:
        if s.user_archetype == "memory_tester":
            (probe,) = s.probes
            assert probe.fact in s.turns[probe.planted_turn].text
        else:
            assert s.probes == []  # planned, but the user never said it: asking about it tests nothing
    assert summary["dropped"]["sessions_probe_not_planted"] == 5
    assert (
        summary["report_sessions"]["with_probe"] == 5 and summary["report_sessions"]["probe_not_planted"] == 5
    )
    samples = list(persona_samples(RunContext(recipe=load_recipe(recipe), run=RunDir(out))))
    assert sorted(len(s.labels["probes"]) for s in samples) == [0] * 5 + [1] * 5


def test_one_session_per_card_still_gets_reference_lines(server, write_recipe, tmp_path):
    """per_card: 1 leaves no other session to quote: the card's example dialogue is the pool."""
    server.responder = make_route()
    recipe = write_recipe(
        RECIPE + "sessions: {per_card: 1, min_turns: 2, max_turns: 2}\nreferences: {k: 2}\n"
    )
    out = tmp_path / "run"
    run(recipe, server, out)
    cards = {
        c.id: c for c in (Card.model_validate_json(x) for x in (out / "cards.jsonl").read_text().splitlines())
    }
    persona = [
        s
        for s in (json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines())
        if s["type"] == "persona_session"
    ]
    assert len(persona) == 5
    for s in persona:
        card = cards[s["labels"]["card_id"]]
        (ref,) = s["labels"]["references"]  # the example reply; the greeting already opens the sample
        assert ref["source"] == f"{card.id}#example" and ref["text"] in card.example_dialogues[0][-1]["text"]
        assert f"{card.name}: {ref['text']}" in s["system"] and "User: Who are you?" in s["system"]
        assert not any(ref["text"] in m["content"] for m in s["messages"])
