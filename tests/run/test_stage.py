"""The stage declarations alone decide order, enabling, the recipe's blocks and validation errors."""

import pytest
from pydantic import ValidationError

from factory.recipe import Recipe
from factory.run.stage import Stage, _ordered, active, blocks, registry, unmet
from factory.stages.chunks import ChunksConfig

BASE = {"name": "r", "character": {"name": "Anna Keller", "profile": {"file": "p.md"}}}


async def _noop(ctx):
    return None


def _stage(name, needs=(), uses=(), makes=None, order=0):
    return Stage(name, _noop, needs=needs, uses=uses, makes=(name,) if makes is None else makes, order=order)


def test_order_follows_needs_and_uses_then_the_declared_order():
    stages = [
        _stage("c", needs=("b",)),
        _stage("b", needs=("a",), order=5),
        _stage("a", order=9),
        _stage("d", uses=("c",), order=1),
        _stage("e", needs=("a",), order=1),
    ]
    assert [s.name for s in _ordered(stages)] == ["a", "e", "b", "c", "d"]


def test_a_need_nobody_makes_and_a_wait_cycle_are_refused():
    with pytest.raises(RuntimeError, match="needs .*nothing"):
        _ordered([_stage("x", needs=("nothing",))])
    with pytest.raises(RuntimeError, match="wait on each other"):
        _ordered([_stage("x", needs=("y",)), _stage("y", needs=("x",))])


def test_the_shipped_stages_run_in_data_flow_order():
    names = [s.name for s in registry()]
    for before, after in [
        ("chunks", "scenes"),
        ("scenes", "interactions"),
        ("protection", "protection_check"),
        ("interactions", "grounding"),
        ("protection", "grounding"),
        ("cards", "sessions"),
        ("sessions", "samples"),
        ("samples", "quality"),
        ("quality", "preferences"),
        ("preferences", "export"),
    ]:
        assert names.index(before) < names.index(after), (before, after)
    made = [r for s in registry() for r in s.makes]
    assert len(made) == len(set(made))  # each record set has one maker


def test_recipe_blocks_are_the_declared_blocks_in_run_order():
    keys = [b.key for b in blocks()]
    assert keys == [k for k in Recipe.model_fields if k in keys]
    assert Recipe.model_fields["chunks"].annotation is ChunksConfig  # not nullable: always on
    assert Recipe.model_fields["cards"].default is None and Recipe.model_fields["quality"].default_factory


def test_a_stage_is_on_when_its_block_is_there_its_switch_is_on_and_its_needs_are_made():
    default = [s.name for s in active(Recipe.model_validate(BASE))]
    assert default == ["chunks", "scenes", "interactions", "protection", "samples", "quality", "export"]
    more = Recipe.model_validate(
        {
            **BASE,
            "cards": {"count": 2},
            "sessions": {},
            "grounding": {"enabled": False},
            "protection": {"check": "judge"},
            "preferences": {},
            "interactions": None,
        }
    )
    on = [s.name for s in active(more)]
    assert "grounding" not in on and "interactions" not in on
    assert {"protection_check", "cards", "sessions", "preferences"} <= set(on)


def test_unmet_needs_name_the_block_the_missing_maker_and_the_fix():
    recipe = Recipe.model_construct(
        **{
            **Recipe.model_validate(BASE).__dict__,
            "cards": None,
            "sessions": Recipe.model_fields["sessions"].annotation.__args__[0](),
        }
    )
    (line,) = unmet(recipe)
    assert line.startswith("sessions: needs cards (made by stage cards") and "add a `cards:` block" in line


def test_scenes_null_turns_the_experience_route_off_and_names_what_still_reads_it():
    """A persona recipe pays for no scenes; a stage that needs scenes or reads their settings says so."""
    off = {**BASE, "scenes": None, "interactions": None, "protection": None}
    assert "scenes" not in [s.name for s in active(Recipe.model_validate(off))]
    with pytest.raises(
        ValidationError, match=r"protection: reads the settings of the scenes block, which is null"
    ):
        Recipe.model_validate({**off, "protection": {}})
    with pytest.raises(ValidationError, match=r"interactions: needs scenes .*: remove `scenes: null`"):
        Recipe.model_validate({**off, "interactions": {}})
