"""Per-stage progress: a live display on a terminal, a plain line every few seconds in a log.

On a terminal, rich draws one bar per stage, and every log line (stage summaries, warnings)
is printed *through* the display, above the bars, so nothing is spliced onto a bar and each
summary appears once. Off a terminal (a pipe, CI, nohup) there are no control codes: a
background thread prints `progress: STAGE done/planned ...` for each running stage every
`interval` seconds, so a long stage is never silent.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factory.engine import Accounting, CombinedAccounting, Result

if TYPE_CHECKING:
    from rich.console import Console

INTERVAL_ENV = "FACTORY_PROGRESS_INTERVAL"  # seconds between plain progress lines (default 5)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class _Stage:
    total: int
    started: float
    done: int = 0
    skipped: int = 0


class ProgressDisplay:
    """Callable as the engine's progress hook; one bar (or one periodic line) per stage."""

    def __init__(
        self,
        accounting: Accounting | CombinedAccounting,
        enabled: bool | None = None,
        console: Console | None = None,
        log: Callable[[str], None] | None = None,
        interval: float | None = None,
    ):
        """`enabled`: True draws live bars, False is silent, None picks bars on a terminal and plain
        lines elsewhere. `console`: where bars go (stderr by default). `log`: where plain lines and
        passed-through messages go."""
        self.accounting = accounting
        tty = sys.stderr.isatty()
        self.mode = "off" if enabled is False else ("live" if enabled or tty else "lines")
        self.enabled = self.mode == "live"
        self.console = console
        self._log = log or _stderr
        self.interval = interval if interval is not None else float(os.environ.get(INTERVAL_ENV, "5"))
        self._progress = None
        self._tasks: dict[str, int] = {}
        self._stages: dict[str, _Stage] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------
    def __enter__(self) -> ProgressDisplay:
        if self.mode == "live":
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("[bold]{task.description:<14}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>7} req/s"),
                TextColumn("tok {task.fields[tokens]:>9}"),
                TextColumn("cache {task.fields[cache]:>5}"),
                TextColumn("fail {task.fields[fail]:>3}"),
                TimeRemainingColumn(),
                console=self.console or Console(stderr=True),
                transient=False,
            )
            self._progress.__enter__()
        elif self.mode == "lines" and self.interval > 0:
            self._ticker = threading.Thread(target=self._tick, name="progress-lines", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        if self._progress is not None:
            self._progress.__exit__(*exc)

    # -- messages -------------------------------------------------------
    def log(self, message: str) -> None:
        """Print a message without breaking the display: above the bars when they are live."""
        if self._progress is not None:
            self._progress.console.print(message, markup=False, highlight=False, soft_wrap=True)
        else:
            self._log(message)

    # -- the engine's hook ----------------------------------------------
    def begin(self, stage: str, total: int) -> None:
        with self._lock:
            self._stages[stage] = _Stage(total=total, started=time.monotonic())
        if self._progress is not None:
            self._tasks[stage] = self._progress.add_task(
                stage, total=total, rate="0.0", tokens=0, cache=0, fail=0
            )

    def grow(self, stage: str, n: int) -> None:
        """More requests for a stage begun with a partial total (asked per upstream record)."""
        if not n:
            return
        with self._lock:
            st = self._stages.get(stage)
            if st is not None:
                st.total += n
        if self._progress is not None and stage in self._tasks:
            self._progress.update(self._tasks[stage], total=self._stages[stage].total)

    def __call__(self, stage: str, result: Result) -> None:
        with self._lock:
            st = self._stages.get(stage)
            if st is not None:
                st.done += 1
        if self._progress is None or stage not in self._tasks:
            return
        s = self.accounting.stage(stage)
        elapsed = max(time.monotonic() - self._stages[stage].started, 1e-6)
        self._progress.update(
            self._tasks[stage],
            advance=1,
            rate=f"{s.requests / elapsed:.1f}",
            tokens=s.tokens_in + s.tokens_out,
            cache=s.cache_hits,
            fail=sum(s.failures.values()),
        )

    def skip(self, stage: str, n: int) -> None:
        """Count work found already done on disk."""
        with self._lock:
            st = self._stages.get(stage)
            if st is not None:
                st.skipped += n
        if self._progress is not None and stage in self._tasks and n:
            self._progress.update(self._tasks[stage], advance=n)

    # -- plain lines ----------------------------------------------------
    def line(self, stage: str) -> str | None:
        """`progress: scenes 12/40, 3.1 req/s, tokens 15,230, failed 0, ETA 9s` (None once finished)."""
        with self._lock:
            st = self._stages.get(stage)
            if st is None or st.done + st.skipped >= st.total:
                return None
            done, skipped, total, started = st.done, st.skipped, st.total, st.started
        s = self.accounting.stage(stage)
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = done / elapsed
        left = total - done - skipped
        eta = f"{left / rate:.0f}s" if rate > 0 else "?"
        return (
            f"progress: {stage} {done + skipped}/{total}, {rate:.2f} req/s, tokens "
            f"{s.tokens_in + s.tokens_out:,}, failed {sum(s.failures.values())}, ETA {eta}"
        )

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            for stage in list(self._stages):
                text = self.line(stage)
                if text is not None:
                    self._log(text)
