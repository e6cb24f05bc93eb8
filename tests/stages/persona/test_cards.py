"""The cards stage against the scripted server: distinct seeds, messy replies, similarity, imports."""

import json

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import RecipeError
from factory.records import make_id
from factory.stages.persona.seeds import pools, sample_seeds, seed_key
from tests.persona_responders import card_dict, make_route
from tests.stages.persona_helpers import PERSONA_RECIPE, run_scripted

RECIPE = PERSONA_RECIPE
run = run_scripted


def lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_seeds_are_distinct_deterministic_and_prefix_stable():
    axes = pools("en")
    many = sample_seeds(7, 300, axes)
    assert len({tuple(s.items()) for s in many}) == 300
    assert sample_seeds(7, 300, axes) == many
    assert sample_seeds(7, 40, axes) == many[:40]  # raising cards.count keeps the cards already made
    assert sample_seeds(8, 40, axes) != many[:40]
    # every occupation is used before any is used twice
    assert len({s["occupation"] for s in many[:24]}) == 24


def test_small_product_is_exhausted_then_refused():
    axes = {"a": ["x", "y"], "b": ["1", "2"]}
    assert sorted(tuple(s.values()) for s in sample_seeds(0, 4, axes)) == [
        ("x", "1"),
        ("x", "2"),
        ("y", "1"),
        ("y", "2"),
    ]
    with pytest.raises(RecipeError, match=r"^cards.count: 5 is more than the 4 distinct seed tuples"):
        sample_seeds(0, 5, axes)


def test_zh_seeds_use_chinese_values():
    assert sample_seeds(0, 1, pools("zh"))[0]["occupation"] in {
        v[1] for v in __import__("factory.stages.persona.seeds", fromlist=["AXES"]).AXES["occupation"]
    }


def test_cards_stage_writes_cards_and_diversity_figures(server, write_recipe, tmp_path):
    server.responder = make_route()
    recipe = write_recipe(RECIPE + "cards: {count: 6}\n")
    out = tmp_path / "run"
    summary = run(recipe, server, out)
    cards = lines(out / "cards.jsonl")
    assert summary["counts"]["cards"] == len(cards) == 7
    synthetic = [c for c in cards if c["source"] == "synthetic"]
    seeds = sample_seeds(0, 6, pools("en"))
    assert {c["id"] for c in synthetic} == {make_id("card", seed_key(s), "en") for s in seeds}
    assert all(c["seed"] in seeds and c["name"] and c["first_message"] for c in synthetic)
    (own,) = [c for c in cards if c["source"] != "synthetic"]
    assert own["name"] == "Anna Keller" and own["source"] == "profile:persona"
    rep = summary["report_cards"]
    assert rep["distinct_seed_tuples"] == 6 and rep["cards"] == 7 and rep["from_character"] == 1
    assert 0 < rep["max_pairwise_similarity"] < 85 and rep["dropped_too_similar"] == 0
    assert rep["distinct_values_per_axis"]["occupation"] == 6
    before, made = (out / "cards.jsonl").read_bytes(), server.count
    assert run(recipe, server, out)["requests"] == 0 and server.count == made
    assert (out / "cards.jsonl").read_bytes() == before


def test_messy_card_replies_are_read(server, write_recipe, tmp_path):
    server.responder = make_route(card_style="messy")
    out = tmp_path / "run"
    run(write_recipe(RECIPE + "cards: {count: 3, from_character: false}\n"), server, out)
    cards = lines(out / "cards.jsonl")
    assert len(cards) == 3
    for c in cards:
        clean = card_dict(c["seed"])
        assert (
            c["name"] == clean["name"] and c["background"] == clean["background"]
        )  # "Full Name", "Backstory"
        assert (
            c["age"] == clean["age"] and c["first_message"] == clean["first_message"]
        )  # int age, "Greeting"
        assert c["catchphrases"] == clean["catchphrases"]  # one comma-separated string
        assert c["example_dialogues"] == [
            [
                {"role": "user", "text": "Who are you?"},
                {"role": "char", "text": clean["example_dialogues"][0]["char"]},
            ]
        ]


def test_too_similar_cards_are_regenerated(server, write_recipe, tmp_path):
    server.responder = make_route(card_style="same")
    out = tmp_path / "run"
    summary = run(write_recipe(RECIPE + "cards: {count: 4, regenerate: 1}\n"), server, out)
    rep = summary["report_cards"]
    assert rep["synthetic"] == 4 and rep["regenerated"] == 3 and rep["dropped_too_similar"] == 0
    assert rep["max_pairwise_similarity"] < 85
    again = [b for b in server.requests if "clearly different" in b["messages"][-1]["content"]]
    assert len(again) == 3  # each told which kept card it resembled
    first = [c for c in lines(out / "cards.jsonl") if c["extra"]["round"] == 0 and c["source"] == "synthetic"]
    assert len(first) == 1 and all(first[0]["name"] in b["messages"][-1]["content"] for b in again)
    assert len(lines(out / "card_drafts.jsonl")) == 1 + 4 + 3


def test_too_similar_cards_are_dropped_without_regeneration(server, write_recipe, tmp_path):
    server.responder = make_route(card_style="same")
    out = tmp_path / "run"
    summary = run(write_recipe(RECIPE + "cards: {count: 4, regenerate: 0}\n"), server, out)
    assert summary["report_cards"]["synthetic"] == 1
    assert (
        summary["report_cards"]["dropped_too_similar"] == 3 and summary["dropped"]["cards_too_similar"] == 3
    )


def test_imported_cards_join_through_the_recipe(server, write_recipe, tmp_path):
    server.responder = make_route()
    folder = tmp_path / "cards"
    folder.mkdir()
    card = {
        "spec": "chara_card_v2",
        "spec_version": "2.0",
        "data": {
            "name": "Captain Vale",
            "description": "A smuggler with a heart of brass.",
            "personality": "wry",
            "scenario": "A cargo hold.",
            "first_mes": "*leans on a crate* Lost?",
            "mes_example": "",
            "extensions": {},
        },
    }
    (folder / "vale.json").write_text(json.dumps(card))
    recipe = write_recipe(
        RECIPE + "cards: {count: 2, import: [cards]}\nsessions: {min_turns: 2, max_turns: 2}\n"
    )
    out = tmp_path / "run"
    summary = run(recipe, server, out)
    cards = lines(out / "cards.jsonl")
    (vale,) = [c for c in cards if c["name"] == "Captain Vale"]
    assert vale["source"] == "ccv2:vale.json" and summary["report_cards"]["imported"] == 1
    sessions = lines(out / "sessions.jsonl")
    assert len(sessions) == 4 and vale["id"] in {s["card_id"] for s in sessions}


@pytest.mark.parametrize(
    "block,expected",
    [
        ("cards: {import: [nowhere]}", "cards.import[0]: no such file or directory"),
        ("cards: {count: -1}", "cards.count: must be >= 0"),
        ("cards: {similarity: 120}", "cards.similarity: must be <= 100"),
        ("cards: {axes: {mood: []}}", "axes.mood: give at least one value"),
        ("sessions: {min_turns: 5, max_turns: 3}", "min_turns: 5 is more than max_turns 3"),
        ("sessions: {archetypes: [pirate]}", "unknown archetype 'pirate'"),
        ("sessions: {system_prompt: long}", "sessions.system_prompt: must be one of"),
    ],
)
def test_bad_persona_blocks_get_one_line(write_recipe, block, expected):
    res = CliRunner().invoke(main, ["validate", str(write_recipe(RECIPE + block + "\n"))])
    assert res.exit_code == 2 and expected in res.output and len(res.output.strip().splitlines()) == 1


def test_generated_cards_export_to_ccv2_and_import_back(server, write_recipe, tmp_path):
    server.responder = make_route()
    out = tmp_path / "run"
    run(write_recipe(RECIPE + "cards: {count: 3}\n"), server, out)
    res = CliRunner().invoke(main, ["cards", "export", str(out), "--out", str(tmp_path / "ccv2")])
    assert res.exit_code == 0 and "exported 4 cards" in res.output
    files = sorted((tmp_path / "ccv2").glob("*.json"))
    assert len(files) == 4
    data = json.loads(files[0].read_text())
    assert data["spec"] == "chara_card_v2" and data["spec_version"] == "2.0"
    assert set(data["data"]) >= {
        "name",
        "description",
        "personality",
        "scenario",
        "first_mes",
        "mes_example",
        "creator_notes",
        "system_prompt",
        "post_history_instructions",
        "alternate_greetings",
        "tags",
        "creator",
        "character_version",
        "extensions",
    }
    res = CliRunner().invoke(
        main, ["cards", "import", str(tmp_path / "ccv2"), "--out", str(tmp_path / "back.jsonl")]
    )
    assert res.exit_code == 0, res.output
    strip = {"source", "extra"}
    before = {c["id"]: {k: v for k, v in c.items() if k not in strip} for c in lines(out / "cards.jsonl")}
    after = {c["id"]: {k: v for k, v in c.items() if k not in strip} for c in lines(tmp_path / "back.jsonl")}
    assert after == before
