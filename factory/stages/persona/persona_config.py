"""Recipe blocks of the persona-card route: cards, sessions, reference lines.

Loaded by factory.recipe, so nothing here may import it back; the check that `cards.import`
paths exist lives in factory/stages/persona/card_v2.py (a path hook).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from factory.bounds import MAX_TOKENS

MAX_CARDS = 100_000  # x 20 sessions per card: two million sessions

ARCHETYPES = ("curious_fan", "lonely", "provoker", "flirt", "knowledge_seeker", "homework",
              "character_breaker", "memory_tester")
Detail = Literal["full", "short"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CardsConfig(_Strict):
    count: int = Field(10, ge=0, le=MAX_CARDS)  # synthetic cards from distinct seed tuples
    import_: list[Path] = Field(default_factory=list, alias="import", max_length=10_000)  # CCv2 .json/.png, dirs, cards .jsonl
    from_character: bool = True  # the recipe's own character also gets a card (from its profile)
    detail: Detail = "full"  # short: tight field lengths, for small/local models
    examples: int = Field(2, ge=0, le=4)  # example dialogues per card
    similarity: float = Field(85.0, ge=0, le=100)  # rapidfuzz token_sort_ratio; at or above = too similar
    regenerate: int = Field(1, ge=0, le=5)  # rounds of regenerating too-similar cards before dropping them
    axes: dict[str, list[str]] = Field(default_factory=dict)  # replace/add seed attribute pools
    max_tokens: int | None = Field(None, ge=64, le=MAX_TOKENS)  # beats backend.max_tokens for this stage

    @field_validator("axes")
    @classmethod
    def _pools(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for axis, values in v.items():
            if not values:
                raise ValueError(f"axes.{axis}: give at least one value")
            if len(values) > 10_000:
                raise ValueError(f"axes.{axis}: {len(values)} values, over the 10000 an axis may have")
            if len(set(values)) != len(values):
                raise ValueError(f"axes.{axis}: values repeat")
        return v


class SessionsConfig(_Strict):
    per_card: int = Field(1, ge=1, le=20)
    min_turns: int = Field(4, ge=1, le=40)  # a turn = one user message + the character's reply
    max_turns: int = Field(8, ge=1, le=40)
    archetypes: list[str] = Field(default_factory=lambda: list(ARCHETYPES), min_length=1)
    pushback_share: float = Field(0.2, ge=0, le=1)  # character turns that refuse, tease or get impatient
    probe_share: float = Field(0.25, ge=0, le=1)  # other archetypes' sessions that also carry a memory probe
    system_prompt: Literal["full", "short", "none"] = "full"  # the card in the sample's system prompt
    detail: Detail = "full"
    max_tokens: int | None = Field(None, ge=64, le=MAX_TOKENS)

    @field_validator("archetypes")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for a in v:
            if a not in ARCHETYPES:
                raise ValueError(f"archetypes: unknown archetype {a!r} (use {', '.join(ARCHETYPES)})")
        return v

    @model_validator(mode="after")
    def _range(self) -> SessionsConfig:
        if self.min_turns > self.max_turns:
            raise ValueError(f"min_turns: {self.min_turns} is more than max_turns {self.max_turns}")
        return self


class ReferencesConfig(_Strict):
    k: int = Field(3, ge=1, le=20)
    method: Literal["bm25", "fuzz"] = "bm25"
    sources: list[Literal["sessions", "interactions"]] = Field(
        default_factory=lambda: ["sessions", "interactions"], min_length=1)
    max_chars: int = Field(300, ge=20, le=100_000)  # a longer reference line is cut
