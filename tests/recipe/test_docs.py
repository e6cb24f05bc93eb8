"""docs/recipe.md stays true: generated from the models, help on every key, a valid example."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field

from factory.recipe import Recipe
from factory.recipe import docs as recipe_docs
from factory.recipe.errors import Strict
from factory.run import stage as stages

DOC = Path(__file__).resolve().parents[2] / "docs" / "recipe.md"


def test_the_page_is_what_the_generator_writes_now():
    assert DOC.read_text(encoding="utf-8") == recipe_docs.render(), recipe_docs.STALE


def test_every_field_of_every_recipe_model_has_help():
    missing = [
        f"{m.__module__}.{m.__name__}.{name}"
        for m in recipe_docs.all_models(Recipe)
        for name, field in m.model_fields.items()
        if not (field.description or "").strip()
    ]
    assert not missing, f"fields without a description=: {missing}"


def test_every_block_model_has_a_one_line_help():
    undocumented = [m.__name__ for m in recipe_docs.all_models(Recipe)[1:] if not recipe_docs.help_line(m)]
    assert not undocumented, f"models without a docstring: {undocumented}"


def test_the_walk_reaches_nested_list_and_union_models():
    names = {m.__name__ for m in recipe_docs.all_models(Recipe)}
    # blacklist.add is list[BlacklistEntry | str]; mix.general is list[GeneralSource]; judge is Optional
    assert {
        "BlacklistEntry",
        "GeneralSource",
        "SelfSampledConfig",
        "WikipediaSource",
        "PricesConfig",
    } <= names


def _documented_keys() -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", DOC.read_text(encoding="utf-8"), re.M))


def test_every_recipe_key_has_a_row_with_its_dotted_key():
    rows = _documented_keys()
    keys = {k for k, *_ in recipe_docs.rows(Recipe) if "." in k}  # block keys have a section, not a row
    # the judge is a BackendConfig: its section points at backend's rows instead of repeating them
    assert keys - rows == {k for k in keys if k.startswith("judge.")}
    assert {k.replace("judge.", "backend.", 1) for k in keys if k.startswith("judge.")} <= rows
    assert (
        "The same keys as `backend` (see there)." in DOC.read_text(encoding="utf-8").split("\n## judge\n")[1]
    )
    assert {
        "quality.blacklist.defaults",
        "mix.general[].ratio",
        "cards.import",
        "backend.local.n_ctx",
        "quality.blacklist.add[].pattern",
        "preferences.self_sampled.base_url",
    } <= rows
    assert "source_path" not in rows and not any(k.endswith(".source") for k in rows)  # not recipe keys


def test_every_stage_block_has_a_section_naming_its_stage():
    text = DOC.read_text(encoding="utf-8")
    for stage in stages.registry():
        for block in stage.blocks:
            section = text.split(f"\n## {block.key}\n", 1)[1].split("\n## ", 1)[0]
            assert f"Read by stage `{stage.name}`: {stage.help}." in section
            assert f"| `{block.key}." in section


class _Inner(Strict):
    """An inner block."""

    ratio: float = Field(gt=0, le=1, description="A share.")


class _Sample(Strict):
    """A block to render."""

    mode: Literal["a", "b"] = Field("a", description="A choice.")
    size: int | None = Field(None, ge=1, le=10, description="A bound.")
    names: list[Annotated[str, Field(min_length=1, max_length=9)]] = Field(
        default_factory=lambda: ["x"], max_length=3, description="Short names."
    )
    weights: dict[Literal["p", "q"], float] = Field(
        default_factory=lambda: {"q": 1.0, "p": 2.0}, description="W."
    )
    parts: list[_Inner] = Field(default_factory=list, description="Parts.")
    split: float = Field(0.5, ge=0, lt=1, description="Half-open.")


def test_types_bounds_choices_and_defaults_are_rendered():
    got = {k: (t, d) for k, t, d, _ in recipe_docs.rows(_Sample, "s.")}
    assert got["s.mode"] == ("`a | b`", "`a`")
    assert got["s.size"] == ("`int | null` (1 to 10)", "`null`")
    assert got["s.names"] == ("`list[str]` (at most 3 items, each 1 to 9 chars)", "`[x]`")
    assert got["s.weights"] == ("`dict[p | q, float]`", "`{q: 1.0, p: 2.0}`")  # the code's order, not sorted
    assert got["s.parts"] == ("`list[mapping]`", "`[]`")
    assert got["s.parts[].ratio"] == ("`float` (> 0, <= 1)", "required")
    assert got["s.split"] == ("`float` (>= 0, < 1)", "`0.5`")
    table = "\n".join(recipe_docs.table(_Sample, "s."))
    assert "| `s.mode` | `a \\| b` | `a` | A choice. |" in table  # a pipe in a cell is escaped


def _check(page: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "factory.recipe.docs", "--check", "--page", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_fails_on_a_stale_page_and_passes_on_a_fresh_one(tmp_path):
    fresh = tmp_path / "fresh.md"
    fresh.write_text(recipe_docs.render(), encoding="utf-8")
    assert _check(fresh).returncode == 0
    stale = tmp_path / "stale.md"
    stale.write_text(
        recipe_docs.render().replace("| `chunks.max_tokens` |", "| `chunks.max_tokenz` |"), encoding="utf-8"
    )
    res = _check(stale)
    assert res.returncode == 1 and res.stderr.strip() == "error: docs/recipe.md is stale: run make docs"
    assert _check(tmp_path / "missing.md").returncode == 1


def test_write_then_check_round_trips(tmp_path):
    page = tmp_path / "recipe.md"
    subprocess.run(
        [sys.executable, "-m", "factory.recipe.docs", "--write", "--page", str(page)], check=True, timeout=120
    )
    assert page.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    assert _check(page).returncode == 0


def _example() -> dict:
    data: dict = {}
    for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        data.update(yaml.safe_load(block))
    return data


def test_the_documented_example_is_a_valid_recipe(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doc")
    data = _example()
    data["character"]["profile"] = {"file": str(DOC)}  # any existing file will do
    data["backend"]["api_key"] = "sk-doc"
    recipe = Recipe.model_validate(data)
    assert recipe.cards is not None and recipe.quality.dedup.bands == 32


def test_the_example_names_every_block_and_top_level_key():
    data = _example()
    keys = [k for k, f in Recipe.model_fields.items() if not f.exclude]
    assert [k for k in keys if k not in data] == []
