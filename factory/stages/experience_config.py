"""Recipe blocks of the Character-LLM stages: interactions, protection scenes, grounding."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InteractionsConfig(_Strict):
    min_turns: int = Field(4, ge=2)
    max_turns: int = Field(12, ge=2)


class ProtectionConfig(_Strict):
    share: float = Field(0.1, ge=0, le=1)  # of experience scenes


class GroundingConfig(_Strict):
    enabled: bool = True
