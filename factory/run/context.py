"""What every stage gets: the recipe, the run directory, the engines and the run's switches.

Stages hand each other records on disk only (the run directory), never objects in memory, so a
stage can run alone, after a kill, or in another process; what they report goes back to the
pipeline as the typed report `run()` returns, and records they removed are counted in `dropped`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from factory.engine import Engine
from factory.run.feed import Feed
from factory.run.rundir import RunDir

if TYPE_CHECKING:  # the recipe is assembled from the stage modules, which import this one
    from factory.recipe import Recipe


# the pipeline stage the running task belongs to (set by the pipeline in each stage's task), so the
# outcomes of stages running at the same time are told apart
current_stage: ContextVar[str] = ContextVar("current_stage", default="")


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
    dropped: dict[str, int] = field(default_factory=dict)  # records stages removed, by "<stage>_<reason>"
    outcomes: dict[str, StageOutcome] = field(default_factory=dict)  # by execute()'s stage name
    outcomes_of: dict[str, list[str]] = field(default_factory=dict)  # pipeline stage -> its outcomes' names
    # followers start per upstream record as it lands (`executor.stream`; never with --limit, whose
    # "first N requests" needs the whole upstream set)
    streaming: bool = False
    feeds: dict[str, Feed] = field(default_factory=dict)  # record set -> its records as they land

    def drop(self, reason: str, n: int = 1, *, set_to: bool = False) -> None:
        """Count `n` records removed for `reason` (run.json `dropped`); `set_to`: the stage's final figure."""
        self.dropped[reason] = n if set_to else self.dropped.get(reason, 0) + n

    def outcome(self, stage: str) -> StageOutcome:
        mine = self.outcomes_of.setdefault(current_stage.get(), [])
        if stage not in mine:
            mine.append(stage)
        return self.outcomes.setdefault(stage, StageOutcome())

    def open_feed(self, records: str) -> Feed | None:
        """Announce that `records` is being made now and may be followed; None when not streaming."""
        if not self.streaming or self.limit is not None:
            return None
        return self.feeds.setdefault(records, Feed())

    def close_feed(self, records: str) -> None:
        """`records` is final on disk: a follower reads the rest from there."""
        feed = self.feeds.get(records)
        if feed is not None:
            feed.close()

    def publish(self, records: str, recs: list) -> None:
        """Records just appended to `records`, for its followers (nothing when none may follow)."""
        feed = self.feeds.get(records)
        if feed is not None and not feed.closed and recs:
            feed.publish([r.model_dump(mode="json") if hasattr(r, "model_dump") else r for r in recs])

    def feed(self, records: str) -> Feed | None:
        """The live feed of `records`, or None when it is already final (or not followed)."""
        feed = self.feeds.get(records)
        return feed if feed is not None and not feed.closed else None

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
