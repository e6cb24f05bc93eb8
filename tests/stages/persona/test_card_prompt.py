"""A card's own prompt material in the samples, as SillyTavern assembles it: lorebook entries by key
within scan depth, selective secondary keys, case sensitivity, constant entries, the seeded
alternate greeting, system prompt with {{original}}, depth prompt, post-history instructions, and
each switch off removing its effect and its label."""

import pytest

from factory.records import Card, Session, Turn
from factory.stages.persona.card_prompt import CardPromptConfig, pick_greeting
from factory.stages.persona.card_render import head_text, macros, render_card
from factory.stages.persona.lorebook import activate, read_book
from factory.stages.persona.persona_samples import build_sample
from factory.stages.persona.session_plan import SessionPlan


def book(*entries, **settings):
    return {"entries": [{"enabled": True, "insertion_order": 10, **e} for e in entries], **settings}


def on(bk, messages, greeting=0):
    entries, b = read_book(bk)
    return [e.id for e in activate(entries, messages, b, greeting)]


def test_entry_is_injected_exactly_when_its_key_is_within_scan_depth():
    bk = book({"id": "harbour", "keys": ["harbour"], "content": "The harbour froze in 1902."}, scan_depth=2)
    assert on(bk, ["Tell me of the harbour.", "What?", "Never mind."]) == []  # 3 back: outside
    assert on(bk, ["hello", "Tell me of the harbour.", "Never mind."]) == ["harbour"]
    assert on(bk, ["nothing", "here"]) == []
    # SillyTavern's default scan depth (2) when the book names none
    bk = book({"id": 1, "keys": ["harbour"], "content": "x"})
    assert on(bk, ["harbour", "a", "b"]) == [] and on(bk, ["harbour", "b"]) == [1]


def test_whole_words_case_and_chinese():
    bk = book(
        {"id": "cat", "keys": ["cat"], "content": "The cat is called Pepper."},
        {"id": "Mira", "keys": ["Mira"], "content": "Mira is the sister.", "case_sensitive": True},
        {"id": "zh", "keys": ["灯塔"], "content": "灯塔已经废弃。"},
    )
    assert on(bk, ["We concatenate strings."]) == []  # a one-word key is a whole word
    assert on(bk, ["Is the CAT home?"]) == ["cat"]  # case-insensitive by default
    assert on(bk, ["mira came by"]) == [] and on(bk, ["Mira came by"]) == ["Mira"]
    assert on(bk, ["你去过那座灯塔吗？"]) == ["zh"]  # Chinese: no word breaks, found inside the text


def test_selective_secondary_keys_logic():
    base = {"keys": ["sword"], "secondary_keys": ["king", "oath"], "selective": True, "content": "x"}
    bk = book({"id": "any", **base})
    assert on(bk, ["The sword."]) == [] and on(bk, ["The king's sword."]) == ["any"]
    not_selective = book({"id": "plain", **base, "selective": False})
    assert on(not_selective, ["The sword."]) == ["plain"]  # secondary keys ignored unless selective
    all_ = book({"id": "all", **base, "extensions": {"selectiveLogic": 3}})
    assert on(all_, ["The king's sword."]) == [] and on(all_, ["sword, king, oath"]) == ["all"]
    not_any = book({"id": "notany", **base, "extensions": {"selectiveLogic": 2}})
    assert on(not_any, ["The sword."]) == ["notany"] and on(not_any, ["The king's sword."]) == []


def test_constant_disabled_regex_order_and_budget():
    bk = book(
        {"id": "always", "keys": [], "constant": True, "content": "Always here.", "insertion_order": 50},
        {"id": "off", "keys": ["sword"], "enabled": False, "content": "never"},
        {"id": "rx", "keys": ["/swor[dt]s?/i"], "content": "By regex.", "insertion_order": 1},
        {"id": "bad", "keys": ["(unclosed"], "use_regex": True, "content": "never"},
    )
    assert on(bk, ["nothing relevant"]) == ["always"]
    assert on(bk, ["SWORDS!"]) == ["rx", "always"]  # insertion order: lower first
    budget = book(
        {"id": "low", "keys": ["a"], "content": "one two three four five six", "priority": 1},
        {"id": "high", "keys": ["a"], "content": "one two three four five six", "priority": 9},
        token_budget=10,
    )
    assert on(budget, ["a"]) == ["high"]  # over budget: the lowest priority goes


def test_recursive_scanning_and_decorators():
    entries = (
        {"id": "a", "keys": ["tower"], "content": "The tower belongs to the guild."},
        {"id": "b", "keys": ["guild"], "content": "The guild meets at dusk."},
    )
    assert on(book(*entries), ["the tower"]) == ["a"]
    assert on(book(*entries, recursive_scanning=True), ["the tower"]) == ["a", "b"]
    greet = book({"id": "g", "keys": [], "constant": True, "content": "@@is_greeting 1\nOnly after swipe 1."})
    assert on(greet, ["x"], greeting=0) == [] and on(greet, ["x"], greeting=1) == ["g"]
    entries, _ = read_book(greet)
    assert entries[0].content == "Only after swipe 1."  # decorators never reach the prompt


def test_alternate_greeting_is_a_seeded_pick():
    picks = [pick_greeting(7, "card-x", i, 3) for i in range(40)]
    assert picks == [pick_greeting(7, "card-x", i, 3) for i in range(40)]  # deterministic for a seed
    assert set(picks) == {0, 1, 2, 3}  # first_mes and every alternate get used
    assert picks != [pick_greeting(8, "card-x", i, 3) for i in range(40)]
    assert pick_greeting(7, "card-x", 0, 0) is None


def test_macros():
    card = Card(id="c", name="Mira Holt", language="en")
    text = "{{Char}} greets {{user}} (<BOT>, <user>).{{// a note}} {{original}}"
    assert macros(text, card, original="ORIG") == "Mira Holt greets the user (Mira Holt, the user). ORIG"
    v3 = card.model_copy(update={"extra": {"spec": "chara_card_v3", "ccv2": {"nickname": "Mimi"}}})
    assert macros("{{char}}", v3) == "Mimi"  # V3: the nickname stands for {{char}}
    assert macros("{{random:a,b,c}}", card) == macros("{{random:a,b,c}}", card) in ("a", "b", "c")


DATA = {
    "name": "Mira Holt",
    "system_prompt": "{{original}} You write as {{char}} for {{user}}; keep answers short.",
    "post_history_instructions": "Stay terse, {{char}}.",
    "alternate_greetings": ["*waves* Back already?", "*yawns* Morning."],
    "extensions": {"depth_prompt": {"prompt": "Mira hides a secret.", "depth": 2, "role": "system"}},
    "character_book": book(
        {"id": 0, "keys": ["lighthouse"], "content": "The lighthouse has been dark since the storm."},
        {"id": 1, "keys": ["sister"], "content": "Mira's sister left for Lisbon."},
        {
            "id": 2,
            "keys": [],
            "constant": True,
            "content": "Mira lives above the bakery.",
            "position": "after_char",
        },
    ),
}
CARD = Card(
    id="card-mira",
    name="Mira Holt",
    personality="Dry.",
    background="Keeps the lamp.",
    first_message="*looks up* Oh. You.",
    extra={"ccv2": DATA},
)
SESSION = Session(
    id="ses-1",
    card_id="card-mira",
    user_archetype="curious_fan",
    turns=[
        Turn(speaker="user", mode="speech", text="Do you have a sister?"),
        Turn(speaker="Mira Holt", mode="speech", text="Had one."),
        Turn(speaker="user", mode="speech", text="And the lighthouse?"),
        Turn(speaker="Mira Holt", mode="speech", text="Dark now."),
    ],
)


def sample(greeting=2, **switches):
    plan = SessionPlan("card-mira", 0, "curious_fan", 2, greeting=greeting)
    return build_sample(CARD, SESSION, plan, "full", CardPromptConfig(**switches))


def test_everything_on_assembles_like_a_front_end():
    s = sample()
    head = head_text(CARD, "full")
    assert s.system.startswith(f"{head} You write as Mira Holt for the user; keep answers short.")
    assert "Mira lives above the bakery." in s.system  # constant entry, after the card
    assert s.system.index("Background") < s.system.index("Mira lives above the bakery.")
    # scan depth 2 before the final reply: "And the lighthouse?" and "Had one." -> entry 0, not 1
    assert "The lighthouse has been dark" in s.system and "sister left" not in s.system
    roles = [(m.role, m.content) for m in s.messages]
    assert roles[0] == ("assistant", "*yawns* Morning.")  # alternate greeting 2 = alternate_greetings[1]
    assert roles[-2] == ("system", "Stay terse, Mira Holt.") and roles[-1][0] == "assistant"
    at = next(i for i, m in enumerate(s.messages) if m.content == "Mira hides a secret.")
    between = [m.content for m in s.messages[at + 1 : -1] if m.role != "system"]
    assert between == ["Had one.", "And the lighthouse?"]  # depth 2: two messages before the final reply
    assert s.labels["card"] == {
        "system_prompt": True,
        "post_history": True,
        "depth_prompt": True,
        "lorebook_entries": [0, 2],
        "greeting": "alternate:1",
    }
    assert [s.messages[i].role for i in s.labels["refusal_turns"]] == []  # no plan pushback
    assert all(m.train for m in s.messages if m.role == "assistant" and m.content == "Dark now.")


@pytest.mark.parametrize(
    "switch, gone",
    [
        ("system_prompt", "keep answers short"),
        ("post_history_instructions", "Stay terse"),
        ("lorebook", "The lighthouse has been dark"),
        ("depth_prompt", "Mira hides a secret."),
    ],
)
def test_each_switch_off_removes_its_effect_and_label(switch, gone):
    full, off = sample(), sample(**{switch: False})
    text = lambda s: s.system + "\n".join(m.content for m in s.messages)  # noqa: E731
    assert gone in text(full) and gone not in text(off)
    label = {"system_prompt": "system_prompt", "post_history_instructions": "post_history"}.get(switch)
    if switch == "lorebook":
        assert off.labels["card"]["lorebook_entries"] == []
    else:
        key = label or "depth_prompt"
        assert full.labels["card"][key] is True and off.labels["card"][key] is False
    others = {
        k: v for k, v in off.labels["card"].items() if k not in (label, "lorebook_entries", "depth_prompt")
    }
    assert others["greeting"] == "alternate:1"


def test_no_greeting_pick_and_plain_cards_are_unchanged():
    s = sample(greeting=None)
    assert s.messages[0].content == "*looks up* Oh. You." and s.labels["card"]["greeting"] == "first_mes"
    plain = Card(id="c2", name="Anna", personality="Calm.", background="Smith.", first_message="Hi.")
    out = build_sample(plain, SESSION.model_copy(update={"card_id": "c2"}), None, "full")
    assert out.system == render_card(plain, "full")
    assert out.labels["card"] == {
        "system_prompt": False,
        "post_history": False,
        "depth_prompt": False,
        "lorebook_entries": [],
        "greeting": "first_mes",
    }
    none = build_sample(CARD, SESSION, None, "none")
    assert none.system == "" and not any(m.role == "system" for m in none.messages)


RUN_CARD = {
    "spec": "chara_card_v3",
    "spec_version": "3.0",
    "data": {
        **{k: "" for k in ("description", "personality", "scenario", "mes_example", "creator_notes")},
        "name": "Mira Holt",
        "description": "Keeper of the north light.",
        "personality": "Dry and watchful.",
        "first_mes": "*looks up* Oh. You.",
        "system_prompt": "{{original}} Never break the fourth wall, {{char}}.",
        "post_history_instructions": "Answer {{user}} in under three sentences.",
        "alternate_greetings": ["*waves* Back already?", "*yawns* Morning."],
        "tags": [],
        "creator": "test",
        "character_version": "1",
        "group_only_greetings": [],
        "extensions": {"depth_prompt": {"prompt": "Mira is hiding a letter.", "depth": 1, "role": "system"}},
        "character_book": book(
            {"id": "t1", "keys": ["turn 1"], "content": "LORE-ONE: the second question."},
            {"id": "t0", "keys": ["turn 0"], "content": "LORE-ZERO: the first question."},
        ),
    },
}


def test_a_run_carries_the_card_prompt_into_samples_and_exports(server, write_recipe, tmp_path):
    import json

    from factory.export.exporter import export_run
    from tests.persona_responders import make_route
    from tests.stages.persona_helpers import PERSONA_RECIPE, run_scripted

    (tmp_path / "mira.json").write_text(json.dumps(RUN_CARD), encoding="utf-8")
    server.responder = make_route()
    recipe = write_recipe(
        PERSONA_RECIPE
        + "cards: {count: 0, from_character: false, import: [mira.json]}\n"
        + "sessions: {per_card: 6, min_turns: 2, max_turns: 2, probe_share: 0, pushback_share: 0}\n"
    )
    out = tmp_path / "run"
    run_scripted(recipe, server, out)
    asked = [" ".join(m["content"] for m in r["messages"]) for r in server.requests]
    sessions = [a for a in asked if "Write a session of exactly" in a]
    assert all("LORE-ONE" in a and "World notes" in a for a in sessions)  # the writer knows the lore
    assert all("The chat opens with the character's greeting" in a for a in sessions)
    samples = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert len(samples) == 6
    greetings = {s["labels"]["card"]["greeting"] for s in samples}
    assert len(greetings) > 1  # seeded picks across the card's sessions
    for s in samples:
        label = s["labels"]["card"]
        opening = s["messages"][0]["content"]
        expected = {"first_mes": "*looks up* Oh. You.", "alternate:0": "*waves* Back already?"}
        assert opening == expected.get(label["greeting"], "*yawns* Morning.")
        # the user's turn-1 line is within scan depth 2 of the final reply, turn 0 is not
        assert (
            label["lorebook_entries"] == ["t1"]
            and "LORE-ONE" in s["system"]
            and "LORE-ZERO" not in s["system"]
        )
        assert label["system_prompt"] and "Never break the fourth wall, Mira Holt." in s["system"]
        assert s["messages"][-2] == {
            "role": "system",
            "content": "Answer the user in under three sentences.",
            "train": False,
            "name": None,
        }
        assert any(m["content"] == "Mira is hiding a letter." for m in s["messages"])
    manifest = export_run(out, out=tmp_path / "export", ungated=True, log=lambda _: None)
    assert manifest["counts"]["card_prompt"]["lorebook"] == 6
    rows = [json.loads(line) for line in (tmp_path / "export" / "openai.jsonl").read_text().splitlines()]
    row = rows[0]["messages"]
    assert "LORE-ONE" in row[0]["content"]  # the system prompt as assembled
    assert row[-2]["role"] == "user" and row[-2]["content"].endswith(
        "Answer the user in under three sentences."
    )


def test_probe_and_pushback_labels_point_past_inserted_card_text():
    """The post-history instructions sit between the last user turn and its reply: the probe's
    answer and the pushback turn are still the character's reply, not the inserted message."""
    from factory.records import Probe

    session = SESSION.model_copy(
        update={"probes": [Probe(fact="my sister", planted_turn=0, asked_turn=2, answer_hint="Dark")]}
    )
    plan = SessionPlan("card-mira", 0, "memory_tester", 2, pushback={1: "refuse"}, greeting=2)
    s = build_sample(CARD, session, plan, "full", CardPromptConfig())
    probe = s.labels["probes"][0]
    assert s.messages[probe["asked_turn"]].content == "And the lighthouse?"
    assert probe["recalled"] is True  # "Dark now." names the hint
    assert s.labels["refusal_turns"] == [len(s.messages) - 1]
    assert s.messages[s.labels["refusal_turns"][0]].role == "assistant"
