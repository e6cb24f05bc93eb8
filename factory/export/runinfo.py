"""Find the recipe behind a run directory, for commands that start from the run (export, push).

The recipe is the one that ran: run.json's `cli.set` (the `--set` items) are applied again, and
the copy published as export/recipe.yaml is the file with them applied. It is only needed for
its export / mix / split blocks and provenance, so an unset
`${ENV}` (an API key of a machine that is not this one) must not stop an export: such
references are filled with a placeholder here, never with a real value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from factory import secrets
from factory.recipe import Recipe, RecipeError, apply_overrides, parse_recipe, read_recipe_data

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_SECRET_KEY = re.compile(r"(?:api_key|apikey|api-key|token|hf_token|secret|password)$", re.I)


def shown_set(item: str) -> str:
    """A `--set` item as it may be written down: a literal key under a secret-looking name is blanked."""
    key, sep, value = item.partition("=")
    if sep and _SECRET_KEY.search(key.strip()) and not value.strip().startswith("${"):
        return f"{key}=<redacted>"
    return secrets.scrub(item)


def cli_record(sets: list[str], limit: int | None, shard: tuple[int, int] | None, overrides) -> dict:
    """run.json `cli`: the command-line options that changed what was made (unset ones left out)."""
    from factory.secrets import strip_credentials

    record = {
        "set": [shown_set(s) for s in sets] or None,
        "limit": limit,
        "shard": f"{shard[0]}/{shard[1]}" if shard else None,
        "base_url": strip_credentials(overrides.base_url) if overrides.base_url else None,
        "model": overrides.model,
        "local_model": str(overrides.local_model) if overrides.local_model else None,
        "concurrency": overrides.concurrency,
    }
    return {k: v for k, v in record.items() if v is not None}


def recipe_as_run(src: Path, sets: list[str]) -> str:
    """The recipe file's text, or, after `--set`, its data with them applied (comments are lost then)."""
    text = src.read_text(encoding="utf-8")
    if not sets:
        return text
    import yaml

    data = apply_overrides(read_recipe_data(src), list(sets))  # `${ENV}` references stay references
    head = [f"# {src.name} as run, with these command-line overrides applied:"]
    head += [f"#   --set {shown_set(s)}" for s in sets]
    return "\n".join(head) + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


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
        return _ENV.sub(
            lambda m: m.group(0) if m.group(1) in env or m.group(2) is not None else "unset", value
        )
    return value


def load_lenient(path: Path, sets: list[str] | None = None) -> Recipe:
    import os

    data = read_recipe_data(path)  # no aliases, no duplicate keys: the same reader as `factory run`
    data = apply_overrides(data, list(sets or []))
    user_keys = {item.partition("=")[0].strip() for item in sets or []}
    recipe = parse_recipe(
        _placeholders(data, dict(os.environ)), path.parent.resolve(), path.resolve(), user_keys
    )
    recipe._sets = list(sets or [])
    return recipe


def recipe_for_run(run_dir: Path, explicit: Path | None = None, log=None) -> Recipe | None:
    """--recipe if given (errors are errors); else the one run.json names, if it still loads."""
    if explicit is not None:
        return load_lenient(Path(explicit))
    info = read_run_json(run_dir)
    named = info.get("recipe")
    if not named or not Path(named).is_file():
        return None
    sets = (info.get("cli") or {}).get("set") or []
    if any(s.endswith("=<redacted>") for s in sets):  # a blanked key cannot be applied again
        sets = [s for s in sets if not s.endswith("=<redacted>")]
    try:
        return load_lenient(Path(named), sets)
    except RecipeError as exc:
        if log:
            log(f"note: recipe {named} no longer loads ({exc}); exporting with defaults")
        return None
