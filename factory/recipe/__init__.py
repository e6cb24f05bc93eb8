"""The recipe: one YAML file that says what to generate, from what, with which model.

`from factory.recipe import RecipeError` is cheap; the Recipe model itself is assembled from the
stage declarations (it imports every stage module), so it and the loaders load on first use.
"""

from __future__ import annotations

from typing import Any

from factory.recipe.errors import RecipeError, Strict

_LAZY = {
    "Recipe": "model",
    "recipe_hash": "model",
    "BackendConfig": "blocks",
    "LocalBackend": "blocks",
    "CharacterConfig": "blocks",
    "LANGUAGES": "blocks",
    "load_recipe": "load",
    "parse_recipe": "load",
    "apply_overrides": "load",
    "read_recipe_data": "load",
    "format_validation_error": "errors",
    "format_validation_errors": "errors",
}

__all__ = ["RecipeError", "Strict", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'factory.recipe' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"factory.recipe.{module}"), name)
    globals()[name] = value
    return value
