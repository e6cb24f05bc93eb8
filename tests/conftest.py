"""Shared fixtures: a scripted OpenAI-compatible server on 127.0.0.1, run dirs, recipes."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
for _var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "FACTORY_MODEL"):
    os.environ.pop(_var, None)

from factory.testing.openai_server import ScriptedServer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def server():
    """A scripted server answering with an echo; set `server.responder` to change that."""
    with ScriptedServer() as srv:
        yield srv


@pytest.fixture
def write_recipe(tmp_path):
    """Write a recipe (YAML text) plus a small profile next to it; returns the recipe path."""

    def _write(body: str, profile: str | None = None, name: str = "recipe.yaml") -> Path:
        prof = tmp_path / "profile.md"
        prof.write_text(
            profile
            or textwrap.dedent("""\
            # Early years
            Anna Keller was born in 1850 in a river town. Her father repaired clocks and taught her the trade.

            # Later years
            Anna opened her own workshop in 1880 and trained six apprentices. She died in 1921.
            """),
            encoding="utf-8",
        )
        path = tmp_path / name
        path.write_text(textwrap.dedent(body), encoding="utf-8")
        return path

    return _write


MINIMAL_RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
"""


@pytest.fixture
def minimal_recipe(write_recipe):
    return write_recipe(MINIMAL_RECIPE)


# Under `pytest -n 2 --dist loadgroup` (pytest-xdist), what must not run twice at once, or be
# paid twice, shares one worker: the llama.cpp server (it takes both cores), a local Ray
# cluster, and the session-scoped tiny-Qwen training runs of tests/train/conftest.py.
_ONE_WORKER = ("llama", "train")


def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if any(item.get_closest_marker(m) for m in _ONE_WORKER) or item.path.name.startswith("test_ray"):
            item.add_marker(pytest.mark.xdist_group("one_worker"))
