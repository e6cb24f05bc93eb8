"""What every recipe block shares: strict parsing, and one kind of user-facing error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RecipeError(ValueError):
    """A one-line, user-facing problem with a recipe or its inputs.

    `also`: further problems found at the same time (pydantic reports every bad field at once);
    the CLI prints each on its own `error:` line, everything else sees the first one only.
    """

    def __init__(self, message: str = "", also: list[str] | None = None) -> None:
        super().__init__(message)
        self.also = list(also or [])


class Strict(BaseModel):
    """Every recipe block: an unknown key is an error, not silently ignored (a typo fails loudly)."""

    model_config = ConfigDict(extra="forbid")
