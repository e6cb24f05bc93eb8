"""Validation finishes a recipe: seeds, paths and cross-block rules are settled when it loads."""

import pytest

from factory.recipe import Recipe, RecipeError, load_recipe

BASE = {"name": "r", "character": {"name": "Anna Keller", "profile": {"file": "p.md"}}}


def test_unset_block_seeds_follow_the_recipe_seed():
    r = Recipe.model_validate({**BASE, "seed": 7})
    assert r.quality.patterns.seed == 7 and r.quality.selfname.seed == 7 and r.split.seed == 7
    pinned = Recipe.model_validate(
        {**BASE, "seed": 7, "quality": {"patterns": {"seed": 3}}, "split": {"seed": 5}}
    )
    assert pinned.quality.patterns.seed == 3 and pinned.quality.selfname.seed == 7 and pinned.split.seed == 5


def test_the_hash_names_the_recipe_as_written_not_the_filled_in_seeds():
    """A filled-in seed is not a change of recipe: writing the default out gives the same hash."""
    plain = Recipe.model_validate({**BASE, "seed": 3})
    spelled = Recipe.model_validate({**BASE, "seed": 3, "split": {"seed": None}})
    assert plain.hash == spelled.hash
    assert plain.hash != Recipe.model_validate({**BASE, "seed": 4}).hash


def test_paths_are_resolved_and_checked_while_loading(tmp_path):
    (tmp_path / "p.md").write_text("# Life\n" + "Anna repaired clocks in Basel for forty years. " * 20)
    (tmp_path / "r.yaml").write_text(
        "name: r\ncharacter: {name: Anna, profile: {file: p.md}}\ncards: {count: 1, import: [cards/]}\n"
    )
    with pytest.raises(RecipeError, match=r"cards.import\[0\]: no such file or directory"):
        load_recipe(tmp_path / "r.yaml")
    (tmp_path / "cards").mkdir()
    recipe = load_recipe(tmp_path / "r.yaml")
    assert recipe.cards.import_ == [tmp_path.resolve() / "cards"]
    assert recipe.character.profile.file == tmp_path.resolve() / "p.md"


def test_a_stage_that_needs_what_an_off_stage_makes_is_refused_naming_both():
    with pytest.raises(ValueError, match=r"sessions: needs cards \(made by stage cards, which is off"):
        Recipe.model_validate({**BASE, "sessions": {"per_card": 1}})
