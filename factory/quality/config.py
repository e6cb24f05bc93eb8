"""Recipe block of the quality gate."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QualityConfig(_Strict):
    enabled: bool = True
