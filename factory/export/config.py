"""Recipe blocks of export, preference pairs, data mixing and splits.

Loaded by factory.recipe (so nothing here may import it back); every limit that protects the
data (ratios, shares) is checked here, where a typo in the YAML first meets the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from factory.bounds import MAX_COUNT, MAX_TOKENS
from factory.urls import check_base_url

FORMATS = ("sharegpt", "alpaca", "openai", "dpo")
Format = Literal["sharegpt", "alpaca", "openai", "dpo", "all"]
RejectedKind = Literal["assistant_tone", "out_of_character", "self_sampled"]
OocVariant = Literal["knowledge_leak", "modern_knowledge", "flat_style"]
MAX_GENERAL_SHARE = 0.5
GENERAL_SHARE_WHY = ("role-play must stay the majority of the set: general data only keeps the model's "
                     f"general skills, so use at most {MAX_GENERAL_SHARE}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportConfig(_Strict):
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


class SelfSampledConfig(_Strict):
    """The endpoint serving the model being trained; its own replies become `rejected`."""

    base_url: str
    model: str
    api_key: SecretStr | None = None
    samples: int = Field(4, ge=1, le=16)  # candidates per prompt, ranked by the judge
    temperature: float = Field(1.0, ge=0, le=2)
    max_tokens: int = Field(400, ge=16, le=MAX_TOKENS)
    concurrency: int = Field(8, ge=1, le=1024)
    timeout: float = Field(120.0, gt=0, le=86_400)

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return check_base_url(v)


class PreferencesConfig(_Strict):
    enabled: bool = True
    kinds: list[RejectedKind] = Field(default_factory=lambda: ["assistant_tone", "out_of_character"])
    per_sample: int = Field(1, ge=1, le=50)  # chosen turns per sample; each gets one pair per kind
    max_pairs: int | None = Field(None, ge=1, le=10 * MAX_COUNT)
    variants: list[OocVariant] = Field(
        default_factory=lambda: ["knowledge_leak", "modern_knowledge", "flat_style"], min_length=1)
    self_sampled: SelfSampledConfig | None = None

    @model_validator(mode="after")
    def _endpoint_for_self_sampled(self) -> PreferencesConfig:
        if "self_sampled" in self.kinds and self.self_sampled is None:
            raise ValueError("self_sampled: required when kinds include self_sampled "
                             "(base_url and model of the endpoint serving the model being trained)")
        if not self.kinds:
            raise ValueError("kinds: name at least one source of rejected replies")
        return self


class GeneralSource(_Strict):
    path: Path  # Alpaca / ShareGPT / OpenAI-messages JSONL; relative to the recipe's folder
    ratio: float = Field(gt=0, le=1)  # share of the final training set

    @field_validator("ratio")
    @classmethod
    def _minority(cls, v: float) -> float:
        if v > MAX_GENERAL_SHARE:
            raise ValueError(f"{v} is over {MAX_GENERAL_SHARE}: {GENERAL_SHARE_WHY}")
        return v


class MixConfig(_Strict):
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


class SplitConfig(_Strict):
    eval_share: float = Field(0.05, ge=0, lt=1)
    min_train: int = Field(20, ge=0, description="No sample goes to eval unless train keeps at least this "
                           "many: a tiny run stays whole for training (held-out characters still go to eval)")
    held_out_characters: list[str] = Field(default_factory=list)  # whole characters only in eval
    seed: int | None = None  # default: the recipe's seed
