"""What every stage gets: the recipe, the run directory, the engine and the run's switches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from factory.engine import Engine
from factory.recipe import Recipe
from factory.run.rundir import RunDir


def _quiet(_: str) -> None:
    pass


@dataclass
class StageOutcome:
    """What a stage's requests came to in this run, so the pipeline can tell a dead stage."""

    requests: int = 0  # asked for, done before included
    done: int = 0  # done now or before
    reasons: Counter = field(default_factory=Counter)  # failures of this run, by reason

    @property
    def failed(self) -> int:
        return sum(self.reasons.values())


@dataclass
class RunContext:
    recipe: Recipe
    run: RunDir
    engine: Engine | None = None
    judge_engine: Engine | None = None  # the recipe's `judge:` endpoint; None: the generation engine judges
    limit: int | None = None  # at most this many requests per stage (demo / smoke runs)
    shard: tuple[int, int] | None = None  # (index, count): this process does one slice
    progress: Any = None  # ProgressDisplay or None
    log: Callable[[str], None] = _quiet
    generator: str = ""  # model name that wrote the data, for the card and run.json
    extra: dict[str, Any] = field(default_factory=dict)
    outcomes: dict[str, StageOutcome] = field(default_factory=dict)  # by execute()'s stage name

    def outcome(self, stage: str) -> StageOutcome:
        return self.outcomes.setdefault(stage, StageOutcome())

    @property
    def judge(self) -> Engine | None:
        """The engine every judge call goes to: a stronger model when the recipe names one."""
        return self.judge_engine or self.engine

    def judge_tokens(self, wanted: int) -> int:
        """A judge request's max_tokens, capped by the judging endpoint's own limit (not the generator's)."""
        cap = self.judge.settings.params.get("max_tokens") if self.judge else None
        return min(wanted, cap or self.recipe.backend.max_tokens)

    @property
    def language(self) -> str:
        return self.recipe.language

    @property
    def character(self) -> str:
        return self.recipe.character.name
