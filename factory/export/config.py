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
GENERAL_SHARE_WHY = ("role-play must stay the majority of the set: general data only keeps the model's "
                     f"general skills, so use at most {MAX_GENERAL_SHARE}")




class ExportConfig(Strict):
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS))
    system: Literal["full", "short", "none"] = "full"  # the sample's prompt, "You are X.", or none
    style: Literal["standard", "quote"] = "standard"  # quote: EGOS `Me: "..."` / `Name: "..."`
    others: Literal["user", "system"] = "user"  # where the scene's other characters go
    license: str = "cc-by-sa-4.0"  # profiles from Wikipedia are CC BY-SA; change for other sources
    tags: list[str] = Field(default_factory=list, max_length=100)

    def resolved_formats(self) -> list[str]:
        return expand_formats(self.formats)


def expand_formats(formats: list[str]) -> list[str]:
    """`all` means every format; order is fixed so files and cards are stable."""
    wanted = set(FORMATS) if "all" in formats else set(formats)
    unknown = wanted - set(FORMATS)
    if unknown:
        raise ValueError(f"export.formats: unknown format {sorted(unknown)[0]!r} (use {', '.join(FORMATS)} or all)")
    return [f for f in FORMATS if f in wanted]


class GeneralSource(Strict):
    path: Path  # Alpaca / ShareGPT / OpenAI-messages JSONL; relative to the recipe's folder
    ratio: float = Field(gt=0, le=1)  # share of the final training set

    @field_validator("ratio")
    @classmethod
    def _minority(cls, v: float) -> float:
        if v > MAX_GENERAL_SHARE:
            raise ValueError(f"{v} is over {MAX_GENERAL_SHARE}: {GENERAL_SHARE_WHY}")
        return v


class MixConfig(Strict):
    general: list[GeneralSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _total(self) -> MixConfig:
        total = sum(s.ratio for s in self.general)
        if total > MAX_GENERAL_SHARE + 1e-9:
            raise ValueError(f"general: ratios add up to {total:g}, over {MAX_GENERAL_SHARE}: {GENERAL_SHARE_WHY}")
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
    eval_share: float = Field(0.05, ge=0, lt=1)
    min_train: int = Field(20, ge=0, description="No sample goes to eval unless train keeps at least this "
                           "many: a tiny run stays whole for training (held-out characters still go to eval)")
    held_out_characters: list[str] = Field(default_factory=list)  # whole characters only in eval
    seed: int | None = None  # default: the recipe's seed

    def follow_seed(self, seed: int) -> None:
        if self.seed is None:
            self.seed = seed
