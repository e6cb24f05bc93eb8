"""What eval reads from a run directory, and what it falls back to."""

import json

from factory.evaluate.inputs import load_run
from tests.evaluate.conftest import KNOWLEDGE, _write_jsonl, persona_sample

KNOWN = [k[0] for k in KNOWLEDGE]


def test_probes_prefer_held_out_samples(eval_run):
    inputs = load_run(eval_run)
    assert sorted(p.id for p in inputs.probes) == ["s-far#p0", "s-near#p0"]
    assert any("may have been trained on" in n for n in inputs.notes)
    near = next(p for p in inputs.probes if p.id == "s-near#p0")
    assert near.distance == 4 and near.turns[-1] == ("user", "Do you remember my sister's name?")
    assert near.system == "You are Mira, a baker." and near.character == "Mira"

    (eval_run / "export" / "split.json").write_text(
        json.dumps({"train": ["s-far"], "eval": ["s-near", *KNOWN]})
    )
    inputs = load_run(eval_run)
    assert [p.id for p in inputs.probes] == ["s-near#p0"] and not inputs.notes


def test_sessions_and_cards_are_read_when_samples_carry_no_probes(bare_run):
    sample = persona_sample("sess-1", 2)
    turns = [
        {"speaker": "Mira" if m["role"] == "assistant" else "Tom", "text": m["content"]}
        for m in sample["messages"]
    ]
    _write_jsonl(
        bare_run / "sessions.jsonl",
        [
            {
                "id": "sess-1",
                "card_id": "card-1",
                "user_archetype": "chatty",
                "turns": turns,
                "probes": sample["labels"]["probes"],
            }
        ],
    )
    _write_jsonl(bare_run / "cards.jsonl", [{"id": "card-1", "name": "Mira", "personality": "Warm."}])
    inputs = load_run(bare_run)
    [probe] = inputs.probes
    assert probe.character == "Mira" and probe.system == "You are Mira. Warm." and probe.distance == 6
    assert [r for r, _ in probe.turns] == ["user", "assistant"] * 3 + ["user"]


def test_identity_and_exchanges_fall_back_to_kept_samples(tmp_path):
    run = tmp_path / "r"
    _write_jsonl(
        run / "kept.jsonl",
        [
            {
                "id": "x1",
                "type": "experience",
                "character": "Anna Keller",
                "language": "zh",
                "system": "S",
                "messages": [
                    {"role": "user", "content": "钟修好了吗？", "name": "Karl"},
                    {"role": "assistant", "content": "还没有。", "train": True},
                ],
            }
        ],
    )
    inputs = load_run(run)
    assert (inputs.character, inputs.language) == ("Anna Keller", "zh")
    [ex] = inputs.exchanges
    assert ex.turns == [("user", "Karl: 钟修好了吗？")] and ex.real == "还没有。" and ex.system == "S"
    assert inputs.exchanges_from.startswith("kept samples")


def test_gate_settings_come_from_the_exported_recipe_copy(bare_run):
    assert load_run(bare_run).quality.blacklist.add == []  # no copy: the defaults
    (bare_run / "export").mkdir(exist_ok=True)
    (bare_run / "export" / "recipe.yaml").write_text(
        "name: anna\ncharacter: {name: Anna Keller, aliases: [Annie]}\n"
        "quality: {blacklist: {add: [escapement]}, selfname: {aliases: [Frau Keller]}}\n",
        encoding="utf-8",
    )
    inputs = load_run(bare_run)
    assert inputs.quality.blacklist.add == ["escapement"] and inputs.aliases == ("Annie",)
    assert inputs.quality.selfname.aliases == ["Frau Keller"]

    (bare_run / "export" / "recipe.yaml").write_text("quality: {blacklist: {add: 3}}\n", encoding="utf-8")
    inputs = load_run(bare_run)
    assert inputs.quality.blacklist.add == [] and any("recipe.yaml: unreadable" in n for n in inputs.notes)


def test_knowledge_cases_are_held_out_protection_scenes_about_knowledge(eval_run):
    inputs = load_run(eval_run)
    assert [c.subtype for c in inputs.knowledge] == ["anachronism", "future_spoiler", "out_of_expertise"]
    assert {c.timeline for c in inputs.knowledge} == {"1880, the year Anna opened her workshop"}
    (eval_run / "export" / "split.json").write_text(json.dumps({"train": [], "eval": ["p-expert"]}))
    assert [c.id for c in load_run(eval_run).knowledge] == ["p-expert"]
    (eval_run / "export" / "recipe.yaml").unlink()  # no timeline point: the scene's own time
    assert load_run(eval_run).knowledge[0].timeline == "1879"


def test_knowledge_cases_fall_back_to_protection_scenes(bare_run):
    _write_jsonl(
        bare_run / "protection_scenes.jsonl",
        [
            {
                "id": "pscn-1",
                "kind": "protection",
                "subtype": "future_spoiler",
                "question": "Who rules in 1950?",
                "time": "spring 1885",
                "background": "A fair.",
            },
            {
                "id": "pscn-2",
                "kind": "protection",
                "subtype": "break_character",
                "question": "Are you a bot?",
            },
        ],
    )
    inputs = load_run(bare_run)
    assert [(c.id, c.timeline) for c in inputs.knowledge] == [("pscn-1", "spring 1885")]
    assert any("protection_scenes.jsonl" in n for n in inputs.notes)
