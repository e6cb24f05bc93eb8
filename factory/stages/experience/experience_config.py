"""Recipe blocks of the Character-LLM stages: interactions, protection scenes, grounding.

Every model-facing bound lives here (turns, characters per turn, max_tokens) because
llama.cpp's grammar needs bounded schemas and the demo needs bounded time.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from factory.bounds import MAX_TOKENS
from factory.lang import is_zh

Subtype = Literal["anachronism", "false_relation", "out_of_expertise", "other_character",
                  "break_character", "future_spoiler"]
SUBTYPES: tuple[str, ...] = ("anachronism", "false_relation", "out_of_expertise", "other_character",
                             "break_character", "future_spoiler")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def default_turn_chars(language: str) -> int:
    """One turn's text bound: a CJK character carries about as much as four Latin ones."""
    return 100 if is_zh(language) else 300


class InteractionsConfig(_Strict):
    min_turns: int = Field(4, ge=2, le=40)
    max_turns: int = Field(12, ge=2, le=40)
    max_turn_chars: int | None = Field(None, ge=20, le=2000)  # default: 300 (en) / 100 (zh)
    per_scene: int = Field(1, ge=1, le=20)  # scripts per scene (sample_index separates them)
    max_tokens: int = Field(1536, ge=64, le=MAX_TOKENS)  # per request; never above backend.max_tokens

    @model_validator(mode="after")
    def _order(self) -> InteractionsConfig:
        if self.min_turns > self.max_turns:
            raise ValueError("interactions.min_turns: must be <= max_turns")
        return self


class ProtectionConfig(_Strict):
    share: float = Field(0.1, ge=0, le=1)  # of the planned experience scenes, chunk by chunk
    # relative weights per subtype (normalised); a subtype left out gets none
    quotas: dict[Subtype, float] = Field(default_factory=lambda: dict.fromkeys(SUBTYPES, 1.0))
    min_turns: int = Field(3, ge=2, le=40)
    max_turns: int = Field(8, ge=2, le=40)
    max_tokens: int = Field(1024, ge=64, le=MAX_TOKENS)
    # judge: one more request per script asks whether the character reacted as someone who cannot
    # know (kept) or played along / answered as an assistant (left out of the samples)
    check: Literal["none", "judge"] = "none"

    @field_validator("quotas")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in v.values()):
            raise ValueError("weights must be >= 0")
        if v and sum(v.values()) <= 0:
            raise ValueError("at least one weight must be > 0")
        return v

    @model_validator(mode="after")
    def _order(self) -> ProtectionConfig:
        if self.min_turns > self.max_turns:
            raise ValueError("protection.min_turns: must be <= max_turns")
        return self


class GroundingConfig(_Strict):
    enabled: bool = True
    include_protection: bool = False  # protection replies are refusals; checking them adds little
    max_claims: int = Field(6, ge=1, le=20)
    max_tokens: int = Field(512, ge=64, le=MAX_TOKENS)
