"""Samples: the conversion convention other stages rely on, labels and source ids, builder hooks."""

from __future__ import annotations

import asyncio

import pytest

from factory.recipe import load_recipe
from factory.records import Chunk, Interaction, Sample, Scene, Turn, append_jsonl, write_jsonl_atomic
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.sources.chunking import estimate_tokens
from factory.stages import samples as samples_stage
from factory.stages.shared.markup import split_markup
from tests.stages.experience_helpers import EN_RECIPE, ZH_RECIPE, en_recipe, records, zh_recipe


def _samples(ctx: RunContext) -> list[Sample]:
    """Run the stage; the samples it wrote (stages hand records on through the run directory)."""
    asyncio.run(samples_stage.run(ctx))
    return [Sample.model_validate(o) for o in ctx.run.records("samples")]


def _ctx(recipe_path, tmp_path) -> RunContext:
    return RunContext(recipe=load_recipe(recipe_path), run=RunDir(tmp_path / "run").prepare())


def _write(ctx: RunContext, character: str, turns: list[Turn], kind: str = "experience") -> None:
    chunks = [
        Chunk(
            id="chk-a",
            character=character,
            text="Early facts.",
            period="Early years",
            source="file:p#E",
            index=0,
        ),
        Chunk(
            id="chk-b",
            character=character,
            text="Late facts.",
            period="Later years",
            source="file:p#L",
            index=1,
        ),
        Chunk(
            id="chk-c",
            character=character,
            text="Death.",
            period="Death and legacy",
            source="file:p#D",
            index=2,
        ),
    ]
    write_jsonl_atomic(ctx.run.stage_file("chunks"), chunks)
    scene = Scene(
        id="scn-1" if kind == "experience" else "pscn-1",
        chunk_ids=["chk-b"],
        kind=kind,
        subtype=None if kind == "experience" else "anachronism",
        type="quarrel",
        location="Workshop",
        time="1881",
        participants=[character, "Karl"],
        background="Karl wants his money back.",
        question=None if kind == "experience" else "Where is your telephone?",
    )
    stage = ("scenes", "interactions") if kind == "experience" else ("protection_scenes", "protection")
    append_jsonl(ctx.run.stage_file(stage[0]), [scene])
    append_jsonl(
        ctx.run.stage_file(stage[1]),
        [Interaction(id="int-1", scene_id=scene.id, chunk_ids=["chk-b"], turns=turns)],
    )


TURNS = [
    Turn(speaker="narrator", mode="narration", text="Rain."),
    Turn(speaker="Karl", mode="speech", text="Pay me."),
    Turn(speaker="Karl", mode="action", text="slams the table"),
    Turn(speaker="Anna Keller", mode="action", text="stands up"),
    Turn(speaker="Anna Keller", mode="speech", text="Never."),
    Turn(speaker="Anna Keller", mode="thought", text="he is bluffing"),
    Turn(speaker="narrator", mode="narration", text="Thunder."),
]


def test_conversion_convention_en(write_recipe, tmp_path):
    ctx = _ctx(en_recipe(write_recipe), tmp_path)
    _write(ctx, "Anna Keller", TURNS)
    (s,) = _samples(ctx)
    assert [(m.role, m.name, m.content, m.train) for m in s.messages] == [
        ("user", "Karl", "Pay me.", False),
        ("user", "Karl", "*slams the table*", False),
        ("assistant", "Anna Keller", "*stands up*", True),
        ("assistant", "Anna Keller", "Never.", True),
        ("assistant", "Anna Keller", "(thinking: he is bluffing)", True),
        ("user", "narrator", "Thunder.", False),
    ]
    assert s.system.endswith("Karl wants his money back.\nRain.")  # opening narration sets the scene
    assert "Workshop, 1881" in s.system and "You are Anna Keller (Anna)." in s.system
    assert "Early years" in s.system and "Death and legacy" not in s.system  # no future in the persona
    assert (
        s.type == "experience" and s.labels["scene_id"] == "scn-1" and s.labels["interaction_id"] == "int-1"
    )
    assert s.source_ids == ["chk-b", "scn-1", "int-1"] and s.language == "en" and s.character == "Anna Keller"
    assert split_markup(" ".join(m.content for m in s.messages if m.role == "assistant"), "en") == [
        ("action", "stands up"),
        ("speech", "Never."),
        ("thought", "he is bluffing"),
    ]


def test_conversion_convention_zh_and_protection_labels(write_recipe, tmp_path):
    ctx = _ctx(zh_recipe(write_recipe), tmp_path)
    turns = [
        Turn(speaker="Karl", mode="speech", text="先生的电话在哪里？"),
        Turn(speaker="苏轼", mode="action", text="皱眉"),
        Turn(speaker="苏轼", mode="speech", text="何为电话？"),
        Turn(speaker="苏轼", mode="thought", text="此人胡言"),
    ]
    _write(ctx, "苏轼", turns, kind="protection")
    (s,) = _samples(ctx)
    assert [m.content for m in s.messages] == [
        "「先生的电话在哪里？」",
        "（皱眉）",
        "「何为电话？」",
        "（心想：此人胡言）",
    ]
    assert s.type == "protection:anachronism" and s.labels["subtype"] == "anachronism"
    assert s.labels["question"] == "Where is your telephone?" and s.source_ids[-2:] == ["pscn-1", "int-1"]
    assert s.system.startswith("你是苏轼（苏东坡、子瞻）。") and "说出的话写在「」里" in s.system


EARLY = "Anna Keller (1850–1921) was a clockmaker. " + " ".join(
    f"In {1851 + i} Anna Keller mended clock number {i} in her father's river-town shop." for i in range(8)
)
EN_PROFILE = (
    f"# Anna Keller\nA note written for the tests.\n\n# Early years (1850–1921)\n{EARLY}\n\n"
    "# Personality\nAnna was stubborn and generous, and she whistled while she worked. She died in 1921. "
    + "She kept every broken spring in a tin. " * 40
    + "\n"
)
ZH_PROFILE = (
    "## 眉山少年\n苏轼生于眉州眉山，父亲苏洵，母亲程氏。" + "兄弟二人自小一同读书，感情极深。" * 6 + "\n\n"
    "## 性情与才艺\n苏轼性情旷达，诙谐好客，上至宰相下至农夫都能谈笑。他病逝于常州。"
    + "他爱吃，也爱下厨。" * 40
    + "\n"
)


def _persona_part(system: str) -> str:
    return system.split("\n\n")[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_system_prompt_summarises_the_profile_within_a_bound(write_recipe, tmp_path, lang):
    body = (EN_RECIPE if lang == "en" else ZH_RECIPE).format(
        per_chunk=10, protection="null", grounding="null"
    )
    ctx = _ctx(write_recipe(body, profile=EN_PROFILE if lang == "en" else ZH_PROFILE), tmp_path)
    _write(
        ctx,
        "Anna Keller" if lang == "en" else "苏轼",
        TURNS if lang == "en" else [Turn(speaker="苏轼", mode="speech", text="何为电话？")],
    )
    (s,) = _samples(ctx)
    persona = _persona_part(s.system)
    bound = samples_stage.INTRO_TOKENS + samples_stage.TRAITS_TOKENS
    if lang == "en":
        assert "she whistled while she worked" in persona and "In 1851 Anna Keller mended clock" in persona
        assert "note written for the tests" not in s.system and "died" not in persona
        assert "1921" not in persona  # neither the life span's end nor her death: she cannot know them
    else:
        assert "苏轼性情旷达" in persona and "苏轼生于眉州眉山" in persona and "病逝" not in persona
    assert estimate_tokens(persona) <= bound + 12  # the bound plus "You are <name> (<aliases>)."
    assert "Later years" in s.system  # the scene's period is still named after the summary


def test_a_script_without_the_character_gives_no_sample(write_recipe, tmp_path):
    ctx = _ctx(en_recipe(write_recipe), tmp_path)
    _write(ctx, "Anna Keller", [t for t in TURNS if t.speaker != "Anna Keller"])
    assert _samples(ctx) == []
    assert ctx.dropped["samples_no_character_turn"] == 1


def test_builders_and_postprocess_hooks(write_recipe, tmp_path, monkeypatch):
    ctx = _ctx(en_recipe(write_recipe), tmp_path)
    _write(ctx, "Anna Keller", TURNS)
    extra = Sample(
        id="smp-extra",
        type="persona_session",
        character="Mira",
        language="en",
        system="You are Mira.",
        messages=[
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello.", "train": True},
        ],
    )
    monkeypatch.setattr(samples_stage, "BUILDERS", [*samples_stage.BUILDERS, lambda ctx: [extra]])
    monkeypatch.setattr(
        samples_stage,
        "POSTPROCESS",
        [lambda ctx, samples: [s.model_copy(update={"system": s.system + "\n[ref]"}) for s in samples]],
    )
    out = _samples(ctx)
    assert sorted(s.type for s in out) == ["experience", "persona_session"]
    assert all(s.system.endswith("[ref]") for s in out)
    assert [o["id"] for o in records(ctx.run.path, "samples")] == sorted(s.id for s in out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_sample_of_a_run_trains_on_the_character_only(server, write_recipe, tmp_path, lang):
    from tests.responders import route
    from tests.stages.experience_helpers import run_cli

    server.responder = route
    recipe = en_recipe(write_recipe, per_chunk=3) if lang == "en" else zh_recipe(write_recipe, per_chunk=3)
    out = tmp_path / "r"
    summary = run_cli(recipe, out, server.base_url)
    samples = records(out, "samples")
    assert (
        len(samples)
        == summary["counts"]["samples"]
        == summary["counts"]["interactions"]
        + summary["counts"]["protection"]
        - summary["dropped"].get("samples_unsupported_claim", 0)
    )
    character = "Anna Keller" if lang == "en" else "苏轼"
    for s in samples:
        assert any(m["train"] and m["role"] == "assistant" for m in s["messages"])
        assert all(
            (m["role"] == "assistant") == m["train"] == (m["name"] == character) for m in s["messages"]
        )
        assert s["labels"]["scene_id"] in s["source_ids"] and s["language"] == lang
