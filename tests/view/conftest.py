"""Two real runs to view, built once per session: en (experiences, protection, cards, sessions, gate,
pairs, export, two evals and their comparison) and zh (the same without cards)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factory.testing.openai_server import ScriptedServer
from tests.view.mockrun import add_evals, build_run, responder


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("view-runs")
    with ScriptedServer(responder=responder) as srv:
        en = build_run(root, srv.base_url, "en")
        zh = build_run(root, srv.base_url, "zh", cards=False)
    add_evals(en)
    return {"en": en, "zh": zh}


def pytest_terminal_summary(terminalreporter):
    """Name the screenshots the browser tests kept, so a CI log points at them."""
    folder = os.environ.get("FACTORY_TEST_ARTIFACTS")
    if folder and Path(folder).is_dir():
        shots = sorted(Path(folder).glob("view-*.png"))
        if shots:
            terminalreporter.write_line("viewer screenshots: " + ", ".join(map(str, shots)))
