"""Recipe blocks of export, preference pairs, data mixing and splits.

Loaded by factory.recipe (so nothing here may import it back); every limit that protects the
data (ratios, shares) is checked here, where a typo in the YAML first meets the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from factory.recipe.errors import Strict

FORMATS = ("sharegpt", "alpaca", "openai", "dpo")
Format = Literal["sharegpt", "alpaca", "openai", "dpo", "all"]
RejectedKind = Literal["assistant_tone", "out_of_character", "self_sampled"]
OocVariant = Literal["knowledge_leak", "modern_knowledge", "flat_style"]
MAX_GENERAL_SHARE = 0.5
GENERAL_SHARE_WHY = (
    "role-play must stay the majority of the set: general data only keeps the model's "
    f"general skills, so use at most {MAX_GENERAL_SHARE}"
)


class ExportConfig(Strict):
    """Which training files are written, in what shape, with what dataset card."""

    formats: list[Format] = Field(
        default_factory=lambda: list(FORMATS),
        description="Files to write "
        "(`all`: every format); dpo is left out when there are no preference pairs.",
    )
    system: Literal["full", "short", "none"] = Field(
        "full", description='The system prompt: the sample\'s own, "You are X.", or none.'
    )
    style: Literal["standard", "quote"] = Field(
        "standard", description='quote: EGOS-style `Me: "..."` / `Name: "..."` turns.'
    )
    others: Literal["user", "system"] = Field(
        "user", description="Where the scene's other characters' lines go."
    )
    license: str = Field(
        "cc-by-sa-4.0",
        description="The dataset card's license: profiles from Wikipedia are "
        "CC BY-SA; change it for other sources.",
    )
    tags: list[str] = Field(default_factory=list, max_length=100, description="Tags on the dataset card.")

    def resolved_formats(self) -> list[str]:
        return expand_formats(self.formats)


def expand_formats(formats: list[str]) -> list[str]:
    """`all` means every format; order is fixed so files and cards are stable."""
    wanted = set(FORMATS) if "all" in formats else set(formats)
    unknown = wanted - set(FORMATS)
    if unknown:
        raise ValueError(
            f"export.formats: unknown format {sorted(unknown)[0]!r} (use {', '.join(FORMATS)} or all)"
        )
    return [f for f in FORMATS if f in wanted]


class GeneralSource(Strict):
    """One file of general (not role-play) chat data and its share of the training set."""

    path: Path = Field(
        description="An Alpaca, ShareGPT or OpenAI-messages JSONL file, relative to the recipe."
    )
    ratio: float = Field(gt=0, le=1, description="Its share of the final training set (at most 0.5).")

    @field_validator("ratio")
    @classmethod
    def _minority(cls, v: float) -> float:
        if v > MAX_GENERAL_SHARE:
            raise ValueError(f"{v} is over {MAX_GENERAL_SHARE}: {GENERAL_SHARE_WHY}")
        return v


class MixConfig(Strict):
    """General chat data mixed into the training split, so the model keeps its general skills."""

    general: list[GeneralSource] = Field(
        default_factory=list, description="The files and their ratios; the ratios add up to at most 0.5."
    )

    @model_validator(mode="after")
    def _total(self) -> MixConfig:
        total = sum(s.ratio for s in self.general)
        if total > MAX_GENERAL_SHARE + 1e-9:
            raise ValueError(
                f"general: ratios add up to {total:g}, over {MAX_GENERAL_SHARE}: {GENERAL_SHARE_WHY}"
            )
        return self

    @property
    def total_ratio(self) -> float:
        return sum(s.ratio for s in self.general)

    def check_paths(self, base: Path, key: str = "mix") -> None:
        from factory.recipe.errors import RecipeError

        for i, src in enumerate(self.general):
            if not src.path.is_absolute():
                src.path = (base / src.path).resolve()
            if not src.path.is_file():
                raise RecipeError(f"{key}.general[{i}].path: no such file: {src.path}")


class SplitConfig(Strict):
    """How the samples are split into train and eval."""

    eval_share: float = Field(0.05, ge=0, lt=1, description="Share of the samples that go to eval.")
    min_train: int = Field(
        20,
        ge=0,
        description="No sample goes to eval unless train keeps at least this "
        "many: a tiny run stays whole for training (held-out characters still go to eval).",
    )
    held_out_characters: list[str] = Field(
        default_factory=list, description="Characters whose samples all go to eval and none to train."
    )
    seed: int | None = Field(None, description="Seed of the split; unset: the recipe's `seed`.")

    def follow_seed(self, seed: int) -> None:
        if self.seed is None:
            self.seed = seed
