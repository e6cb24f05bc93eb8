"""Find the recipe behind a run directory, for commands that start from the run (export, push).

The recipe is only needed for its export / mix / split blocks and provenance, so an unset
`${ENV}` (an API key of a machine that is not this one) must not stop an export: such
references are filled with a placeholder here, never with a real value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from factory.recipe import Recipe, RecipeError, parse_recipe, read_recipe_data

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def read_run_json(run_dir: Path) -> dict:
    try:
        data = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _placeholders(value, env: dict):
    if isinstance(value, dict):
        return {k: _placeholders(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v, env) for v in value]
    if isinstance(value, str):
        return _ENV.sub(lambda m: m.group(0) if m.group(1) in env or m.group(2) is not None else "unset", value)
    return value


def load_lenient(path: Path) -> Recipe:
    import os

    data = read_recipe_data(path)  # no aliases, no duplicate keys: the same reader as `factory run`
    return parse_recipe(_placeholders(data, dict(os.environ)), path.parent.resolve(), path.resolve())


def recipe_for_run(run_dir: Path, explicit: Path | None = None, log=None) -> Recipe | None:
    """--recipe if given (errors are errors); else the one run.json names, if it still loads."""
    if explicit is not None:
        return load_lenient(Path(explicit))
    named = read_run_json(run_dir).get("recipe")
    if not named or not Path(named).is_file():
        return None
    try:
        return load_lenient(Path(named))
    except RecipeError as exc:
        if log:
            log(f"note: recipe {named} no longer loads ({exc}); exporting with defaults")
        return None
