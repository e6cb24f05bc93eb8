"""Per-stage progress: a rich live display on a terminal, silence otherwise."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from factory.engine import Accounting, CombinedAccounting, Result

if TYPE_CHECKING:
    from rich.console import Console


class ProgressDisplay:
    """Callable as the engine's progress hook; one bar per stage with req/s, tokens, cache hits, failures."""

    def __init__(self, accounting: Accounting | CombinedAccounting, enabled: bool | None = None, console: Console | None = None):
        """`enabled=None`: only on a terminal, so logs and pipes get no control codes.

        `console` says where to draw (stderr by default; tests pass one writing to a buffer).
        """
        self.accounting = accounting
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.console = console
        self._progress = None
        self._tasks: dict[str, int] = {}
        self._t0: dict[str, float] = {}

    def __enter__(self) -> ProgressDisplay:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("[bold]{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>7} req/s"), TextColumn("tok {task.fields[tokens]:>9}"),
                TextColumn("cache {task.fields[cache]:>5}"), TextColumn("fail {task.fields[fail]:>3}"),
                TimeRemainingColumn(), console=self.console or Console(stderr=True), transient=False)
            self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def begin(self, stage: str, total: int) -> None:
        self._t0[stage] = time.monotonic()
        if self._progress is not None:
            self._tasks[stage] = self._progress.add_task(stage, total=total, rate="0.0", tokens=0, cache=0, fail=0)

    def __call__(self, stage: str, result: Result) -> None:
        if self._progress is None or stage not in self._tasks:
            return
        s = self.accounting.stage(stage)
        elapsed = max(time.monotonic() - self._t0[stage], 1e-6)
        self._progress.update(self._tasks[stage], advance=1, rate=f"{s.requests / elapsed:.1f}",
                              tokens=s.tokens_in + s.tokens_out, cache=s.cache_hits,
                              fail=sum(s.failures.values()))

    def skip(self, stage: str, n: int) -> None:
        """Count work found already done on disk."""
        if self._progress is not None and stage in self._tasks and n:
            self._progress.update(self._tasks[stage], advance=n)
