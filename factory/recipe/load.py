"""Reading a recipe: YAML file -> `--set` overrides -> `${ENV}` -> one validation pass -> Recipe.

pydantic v2 with extra="forbid" everywhere, so a typo fails loudly. A recipe is shared like a
script, so it is read as untrusted: `${ENV}` expands only in endpoint fields (a key must not be
able to reach a prompt), paths stay inside the recipe's folder (factory/recipe/paths.py), every
count has an upper bound, and the YAML reader refuses aliases and duplicate keys
(factory/recipe/yaml_reader.py). Every problem becomes one RecipeError line that names the field path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from factory import secrets
from factory.recipe.env import EnvNotAllowed, interpolate
from factory.recipe.errors import RecipeError, format_validation_error, format_validation_errors  # noqa: F401 - re-exported
from factory.recipe.model import Recipe
from factory.recipe.yaml_reader import RecipeYAMLError, first_content_line, parse_yaml, read_yaml_file


def _register_keys(recipe: Recipe) -> None:
    """Every key the recipe brings is masked in logs and files from here on."""
    secrets.register_environment()
    blocks = [recipe.backend, recipe.judge, recipe.preferences.self_sampled if recipe.preferences else None]
    for block in blocks:
        if block is not None and block.api_key is not None:
            secrets.register(block.api_key.get_secret_value())
    for block in (recipe.backend, recipe.judge):
        for ep in (block.endpoints or []) if block is not None else []:
            if ep.api_key is not None:
                secrets.register(ep.api_key.get_secret_value())


def parse_recipe(
    data: Any, base: Path, source: Path | None = None, user_keys: set[str] = frozenset()
) -> Recipe:
    """`user_keys`: fields set on the command line (`--set`), whose paths may leave `base`."""
    if not isinstance(data, dict):
        raise RecipeError(f"{source or 'recipe'}: top level must be a mapping of keys")
    try:
        data = interpolate(data)
    except EnvNotAllowed as exc:
        raise RecipeError(str(exc)) from None
    try:  # one pass: fields, paths (against `base`), seeds, cross-block rules; see factory/recipe/model.py
        recipe = Recipe.model_validate(data, context={"base": base, "user_keys": set(user_keys)})
    except ValidationError as exc:
        lines = format_validation_errors(exc)
        raise RecipeError(lines[0], also=lines[1:]) from None
    _register_keys(recipe)
    recipe.source_path = source
    return recipe


def apply_overrides(data: Any, overrides: list[str]) -> Any:
    """`--set scenes.per_chunk=3`: dotted path = YAML value, applied before validation."""
    if not overrides:
        return data
    if not isinstance(data, dict):
        return data
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise RecipeError(f"--set {item!r}: expected KEY.PATH=VALUE")
        try:
            value = parse_yaml(raw) if raw.strip() else None
        except RecipeYAMLError as exc:
            raise RecipeError(f"--set {key}: value is not valid YAML ({exc.message})") from None
        node = data
        parts = key.strip().split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[parts[-1]] = value
    return data


def read_recipe_data(path: Path) -> Any:
    """The recipe file's YAML document, read without trusting it (see factory/recipe/yaml_reader.py)."""
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    try:
        return read_yaml_file(path)
    except RecipeYAMLError as exc:
        raise RecipeError(
            f"{path}:{exc.line}: {exc.message}" if exc.line else f"{path}: {exc.message}"
        ) from None


def load_recipe(path: Path | str, overrides: list[str] | None = None) -> Recipe:
    path = Path(path)
    data = read_recipe_data(path)
    if data is None:
        raise RecipeError(f"{path}: top level must be a mapping of keys (the file holds none)")
    if not isinstance(data, dict):
        raise RecipeError(
            f"{path}:{first_content_line(path)}: top level must be a mapping of keys, "
            f"not a {'list' if isinstance(data, list) else 'single value'}"
        )
    user_keys = {item.partition("=")[0].strip() for item in overrides or []}
    recipe = parse_recipe(
        apply_overrides(data, overrides or []), path.parent.resolve(), path.resolve(), user_keys
    )
    recipe._sets = list(overrides or [])
    return recipe
