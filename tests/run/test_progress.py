"""The progress display: silent off a terminal, one row per stage with live counts on one."""

from __future__ import annotations

import io
import re
import sys

from rich.console import Console

from factory.engine import Accounting, Request, Result
from factory.run.progress import ProgressDisplay


def feed(display: ProgressDisplay, accounting: Accounting) -> None:
    """Two stages: scenes 3 of 4 done (one found on disk), one failure; samples 1 of 2."""
    display.begin("scenes", 4)
    display.skip("scenes", 1)
    st = accounting.stage("scenes")
    for i, ok in enumerate([True, False]):
        st.requests += 1
        st.tokens_in, st.tokens_out = st.tokens_in + 100, st.tokens_out + 20
        if not ok:
            st.failures["parse"] += 1
        display("scenes", Result(Request(id=f"s{i}", messages=[], stage="scenes"), ok=ok))
    display.begin("samples", 2)
    accounting.stage("samples").cache_hits += 1
    display("samples", Result(Request(id="x", messages=[], stage="samples"), ok=True, cached=True))


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_no_control_codes_when_stderr_is_not_a_terminal(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    accounting = Accounting()
    with ProgressDisplay(accounting, interval=0) as display:
        assert display.enabled is False and display.mode == "lines"
        feed(display, accounting)
        display.log("scenes: 3 kept")
    assert err.getvalue() == "scenes: 3 kept\n"


def test_plain_line_says_done_planned_rate_tokens_failures_and_eta():
    accounting = Accounting()
    display = ProgressDisplay(accounting, enabled=None, interval=0)
    display.mode = "lines"
    feed(display, accounting)
    line = display.line("scenes")
    assert line.startswith("progress: scenes 3/4, ") and "tokens 240" in line and "failed 1" in line
    assert "ETA" in line and "\x1b" not in line
    assert display.line("never-begun") is None
    display("samples", Result(Request(id="y", messages=[], stage="samples"), ok=True))
    assert display.line("samples") is None  # finished stages fall silent


def test_quiet_is_silent(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with ProgressDisplay(Accounting(), enabled=False, interval=0.01) as display:
        feed(display, Accounting())
    assert err.getvalue() == "" and display.mode == "off"


def test_live_display_prints_log_lines_above_the_bars_once():
    buf = io.StringIO()
    accounting = Accounting()
    console = Console(file=buf, force_terminal=True, width=140)
    with ProgressDisplay(accounting, enabled=True, console=console) as display:
        feed(display, accounting)
        display.log("scenes: 12 kept (0 requests failed)")
    text = plain(buf.getvalue())
    assert text.count("scenes: 12 kept (0 requests failed)") == 1
    assert not re.search(r"\S(scenes: 12 kept)", text)  # not spliced onto a bar


def test_renders_one_row_per_stage_with_counts():
    buf = io.StringIO()
    accounting = Accounting()
    console = Console(file=buf, force_terminal=True, width=140)
    with ProgressDisplay(accounting, enabled=True, console=console) as display:
        feed(display, accounting)
    final = plain(buf.getvalue().split("\r")[-1]).splitlines()  # the last frame redraws both rows
    scenes = next(line for line in final if line.startswith("scenes"))
    samples = next(line for line in final if line.startswith("samples"))
    assert "3/4" in scenes and "tok       240" in scenes and "fail   1" in scenes
    assert "1/2" in samples and "cache     1" in samples and "fail   0" in samples


def test_stages_never_begun_are_ignored():
    display = ProgressDisplay(
        Accounting(), enabled=True, console=Console(file=io.StringIO(), force_terminal=True)
    )
    with display:
        display("never-begun", Result(Request(id="a", messages=[]), ok=True))  # no crash, no row
        display.skip("never-begun", 3)
    assert display._tasks == {}
