"""The Recipe model: the character and endpoint blocks, plus one block per stage declaration.

A stage's block comes from its `STAGE` declaration (factory/run/stage.py), so adding a stage
never touches this file. Validation finishes the recipe in one pass (`_finish`): with a
validation context `{"base": recipe folder, "user_keys": --set keys}` every path is resolved
against the recipe's folder, confined to it and checked to exist; then the seeds a block leaves
unset follow the recipe's `seed`; cross-block rules (a stage that needs what a stage that is off
would make) come from the declarations too. After `load_recipe` nothing else fills anything in.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Optional

from pydantic import Field, PrivateAttr, ValidationInfo, create_model, model_validator

from factory.bounds import MAX_SEED
from factory.lang import LANGUAGES
from factory.recipe.blocks import BackendConfig, CharacterConfig, ExecutorConfig
from factory.recipe.errors import RecipeError, Strict
from factory.recipe.paths import PathOutside, confine_paths
from factory.run import stage as stages

# what a recipe's hash leaves out: where it runs and with which model, not what it makes
HASH_EXCLUDES = {"backend", "judge", "source_path", "output_dir", "executor"}


class RecipeBase(Strict):
    name: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$",
        description="The run's name: its folder under outputs/ (letters, digits, `_ - .`).",
    )
    language: str = Field("en", description="Language of the data: `en` or `zh` (prompts, gate, export).")
    character: CharacterConfig = Field(description="Who the data is about, and the profile it comes from.")
    backend: BackendConfig = Field(
        default_factory=BackendConfig,
        description="The generation endpoint (default: flags, environment, embedded).",
    )
    judge: BackendConfig | None = Field(
        None,
        description="A separate (stronger) model for judge calls: the "
        "backend's keys but no `local`, temperature 0 unless set; left out: the "
        "generation model judges.",
    )
    output_dir: Path | None = Field(None, description="The run directory (default outputs/<name>).")
    executor: ExecutorConfig = Field(
        default_factory=ExecutorConfig,
        description="Where the model requests run: this process or Ray workers (`factory run --ray`).",
    )
    seed: int = Field(
        0,
        ge=-MAX_SEED,
        le=MAX_SEED,
        description="One number for every random choice "
        "(cards, sessions, gate samples, split) that a block does not seed itself.",
    )

    # where the recipe came from; set by load_recipe, not by the YAML
    source_path: Path | None = Field(None, exclude=True, description="Set by load_recipe, not by the YAML.")
    # the `--set` items applied on top of the file (not settable from YAML): run.json, export/recipe.yaml
    _sets: list[str] = PrivateAttr(default_factory=list)
    # the hash of the recipe as written (paths resolved, before seeds were filled in)
    _hash: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _language(self) -> RecipeBase:
        if self.language not in LANGUAGES:
            raise ValueError(
                f"language: unknown language {self.language!r} (use one of {', '.join(LANGUAGES)})"
            )
        return self

    @model_validator(mode="after")
    def _has_source(self) -> RecipeBase:
        if self.character.profile is None and getattr(self, "book", None) is None:
            raise ValueError("character.profile: give a profile (`file` or `wikipedia`), or a `book:` block")
        if (
            self.character.profile is None
        ):  # the experience route reads the profile; a book alone cannot feed it
            on = [k for k in ("interactions", "protection") if getattr(self, k, None) is not None]
            if on:
                raise ValueError(
                    f"{on[0]}: needs character.profile (the book route does not use it): set "
                    f"{' and '.join(f'`{k}: null`' for k in on)}, or give character.profile"
                )
        return self

    @model_validator(mode="after")
    def _stage_needs(self) -> RecipeBase:
        problems = stages.unmet(self)
        if problems:
            raise ValueError(problems[0])
        return self

    @model_validator(mode="after")
    def _judge_is_remote(self) -> RecipeBase:
        """A judge is an endpoint: a second llama.cpp server would fight the first one for the CPU."""
        if self.judge is not None and self.judge.local is not None:
            raise ValueError(
                "judge.local: a judge needs an endpoint (base_url); leave judge out to judge "
                "with the local generation model"
            )
        return self

    @model_validator(mode="after")
    def _finish(self, info: ValidationInfo) -> RecipeBase:
        context = info.context or {}
        if "base" in context:
            _check_paths(self, Path(context["base"]), set(context.get("user_keys") or ()))
        self._hash = _digest(self)
        _fill_seeds(self)
        return self

    @property
    def hash(self) -> str:
        """12 hex digits naming what this recipe makes (not where or with which model)."""
        return self._hash or _digest(self)


def _digest(recipe: RecipeBase) -> str:
    data = recipe.model_dump_json(exclude=HASH_EXCLUDES)
    return hashlib.sha256(data.encode()).hexdigest()[:12]


def _check_paths(recipe: Any, base: Path, user_keys: set[str]) -> None:
    """Every path: against the recipe's folder, inside it (unless typed on the command line), existing."""
    try:
        confine_paths(recipe, base, user_keys)
    except PathOutside as exc:
        raise RecipeError(str(exc)) from None
    prof = recipe.character.profile
    if prof is not None and prof.file is not None:
        from factory.sources.chunking import check_file_profile  # it reads the chunks/scenes blocks

        check_file_profile(prof.file, recipe.chunks, recipe.scenes)
    local = recipe.backend.local
    if local is not None and local.model_path is not None and not local.model_path.is_file():
        raise RecipeError(f"backend.local.model_path: no such file: {local.model_path}")
    for block in stages.blocks():  # a block with files of its own checks them (`check_paths`)
        value = getattr(recipe, block.key, None)
        check = getattr(value, "check_paths", None)
        if check is not None:
            check(base, block.key)


def _fill_seeds(recipe: Any) -> None:
    """Blocks with a `seed` of their own that the recipe left unset follow the recipe's `seed`."""
    for block in stages.blocks():
        value = getattr(recipe, block.key, None)
        follow = getattr(value, "follow_seed", None)
        if follow is not None:
            follow(recipe.seed)


def _stage_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for block in stages.blocks():
        doc = (block.model.__doc__ or "").strip().splitlines()
        help_text = doc[0] if doc else block.key
        kind = Optional[block.model] if block.nullable else block.model  # noqa: UP045 - a runtime type
        if block.default_on:
            fields[block.key] = (kind, Field(default_factory=block.model, description=help_text))
        else:
            fields[block.key] = (kind, Field(None, description=help_text))
    return fields


Recipe = create_model("Recipe", __base__=RecipeBase, __module__=__name__, **_stage_fields())
Recipe.__doc__ = "One YAML file: what to generate, from what, with which model (see docs/recipe.md)."


def recipe_hash(recipe: RecipeBase) -> str:
    return recipe.hash
