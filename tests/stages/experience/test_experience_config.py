"""Recipe blocks of the experience stages: defaults, bounds, one-line errors."""

from __future__ import annotations

import pytest

from factory.recipe import RecipeError, load_recipe
from factory.stages.experience.interactions import default_turn_chars
from factory.stages.experience.protection import SUBTYPES

BASE = "name: a\ncharacter:\n  name: A\n  profile: {file: profile.md}\n"


def test_defaults_are_on_and_bounded(write_recipe):
    r = load_recipe(write_recipe(BASE))
    assert r.interactions.max_turns == 12 and r.interactions.max_tokens <= 1536
    assert r.protection.share == 0.1 and set(r.protection.quotas) == set(SUBTYPES)
    assert r.grounding is None  # optional: costs one judge request per script
    assert default_turn_chars("en") == 300 and default_turn_chars("zh") == 100


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("interactions: {min_turns: 9, max_turns: 4}", "interactions.min_turns: must be <= max_turns"),
        ("protection: {share: 1.5}", "protection.share: must be <= 1"),
        ("protection: {quotas: {anachronism: -1}}", "protection.quotas"),
        ("grounding: {max_claims: 0}", "grounding.max_claims: must be >= 1"),
    ],
)
def test_bad_values_are_one_line_recipe_errors(write_recipe, block, message):
    with pytest.raises(RecipeError) as err:
        load_recipe(write_recipe(BASE + block + "\n"))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_both_example_recipes_validate():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3] / "recipes"
    zh = load_recipe(root / "sushi.yaml")
    assert zh.language == "zh" and zh.character.name == "苏轼" and zh.grounding.enabled
    assert load_recipe(root / "beethoven.yaml").language == "en"
