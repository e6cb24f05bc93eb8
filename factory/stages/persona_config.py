"""Recipe blocks of the persona-card route: cards, sessions, reference lines."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CardsConfig(_Strict):
    count: int = Field(10, ge=0)


class SessionsConfig(_Strict):
    per_card: int = Field(1, ge=1)


class ReferencesConfig(_Strict):
    k: int = Field(3, ge=1)
