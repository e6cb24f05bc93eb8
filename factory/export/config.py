"""Recipe blocks of export, preference pairs, data mixing and splits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportConfig(_Strict):
    formats: list[str] = Field(default_factory=lambda: ["sharegpt", "alpaca", "openai", "dpo"])


class PreferencesConfig(_Strict):
    enabled: bool = True


class MixConfig(_Strict):
    general: list[dict] = Field(default_factory=list)


class SplitConfig(_Strict):
    eval_share: float = Field(0.05, ge=0, lt=1)
