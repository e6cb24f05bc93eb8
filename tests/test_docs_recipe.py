"""docs/recipe.md stays true: its YAML is a valid recipe and it names every recipe key."""

import re
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel

from factory.recipe import Recipe

DOC = Path(__file__).resolve().parents[1] / "docs" / "recipe.md"


def _blocks() -> list[dict]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)]


def _models(annotation) -> list[type[BaseModel]]:
    args = typing.get_args(annotation) or (annotation,)
    out = []
    for a in args:
        if isinstance(a, type) and issubclass(a, BaseModel):
            out.append(a)
        elif typing.get_args(a):
            out.extend(_models(a))
    return out


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        key = field.alias or name
        keys.append(prefix + key)
        for sub in _models(field.annotation):
            keys.extend(_keys(sub, f"{prefix}{key}."))
    return keys


def test_the_documented_blocks_make_a_valid_recipe(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doc")
    data: dict = {}
    for block in _blocks():
        data.update(block)
    data["character"]["profile"] = {"file": str(DOC)}  # any existing file will do
    data["backend"]["api_key"] = "sk-doc"
    recipe = Recipe.model_validate(data)
    assert recipe.cards is not None and recipe.quality.dedup.bands == 32


def test_every_recipe_key_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [k for k in _keys(Recipe) if not re.search(rf"(?<![\w]){re.escape(k.rsplit('.', 1)[-1])}:", text)]
    assert not missing, f"docs/recipe.md does not mention: {missing}"
