"""Profiles from Wikipedia, offline: a local MediaWiki-shaped server (and an httpx transport)."""

from __future__ import annotations

import json
import textwrap

import httpx
import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import RecipeError
from factory.sources import wikipedia
from factory.sources.chunking import chunk_profile
from tests.sources.wiki_server import WikiServer

LUDWIG = textwrap.dedent("""\
    Ludwig van Beethoven was a German composer and pianist.

    == Early life ==
    Beethoven was born in Bonn. His father Johann was a singer at the court.

    === Teachers ===
    Christian Gottlob Neefe taught him the organ and composition.

    == Vienna ==
    In 1792 he moved to Vienna and studied with Haydn.

    == References ==
    1. Some book. 2. Another book.
    """)
SUSHI = "苏轼，北宋文学家。\n\n== 生平 ==\n苏轼生于眉州眉山，父亲苏洵，弟弟苏辙。\n\n== 参考文献 ==\n某书。\n"
PAGES = {
    ("en", "Ludwig van Beethoven"): LUDWIG,
    ("zh", "苏轼"): SUSHI,
    ("en", "Mercury"): "Mercury may refer to:\n\nMercury (planet)\nMercury (element)",
    ("en", "Bach"): "Bach is a surname.\n\n== People ==\nJohann Sebastian Bach, composer.",
}


@pytest.fixture
def wiki(monkeypatch):
    with WikiServer(PAGES, disambiguation={("en", "Bach")}) as srv:
        monkeypatch.setenv("FACTORY_WIKIPEDIA_API", srv.api)
        yield srv


def test_sections_titles_and_sources_any_language(wiki, tmp_path):
    prof = wikipedia.load(
        "Ludwig van Beethoven", "Ludwig van Beethoven", "en", "factory-tests/1.0 (ci)", tmp_path
    )
    assert [s.title for s in prof.sections] == [
        "Overview",
        "Early life",
        "Teachers",
        "Vienna",
    ]  # no References
    assert prof.sections[2].source == "wikipedia:en:Ludwig van Beethoven#Teachers"
    assert "Neefe" in prof.sections[2].text
    assert wiki.requests[0]["user_agent"].startswith("factory-tests/1.0 (ci)")
    assert wiki.requests[0]["query"]["explaintext"] == "1"

    zh = wikipedia.load("苏轼", "苏轼", "zh", "factory-tests/1.0 (ci)", tmp_path)
    assert [s.title for s in zh.sections] == ["概述", "生平"]
    chunks = chunk_profile(zh, 450, 1)
    assert {c.source for c in chunks} == {"wikipedia:zh:苏轼#概述", "wikipedia:zh:苏轼#生平"}
    assert wiki.requests[-1]["lang"] == "zh"


def test_cached_in_run_dir_so_rerun_needs_no_network(wiki, tmp_path, monkeypatch):
    first = wikipedia.load("L", "Ludwig van Beethoven", "en", "factory-tests/1.0", tmp_path)
    cached = list((tmp_path / "sources").glob("wikipedia-en-*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text())["title"] == "Ludwig van Beethoven"
    monkeypatch.setenv("FACTORY_WIKIPEDIA_API", "http://127.0.0.1:9/{lang}/w/api.php")  # nothing listens
    again = wikipedia.load("L", "Ludwig van Beethoven", "en", "factory-tests/1.0", tmp_path)
    assert [s.text for s in again.sections] == [s.text for s in first.sections]


@pytest.mark.parametrize(
    ("title", "needle"),
    [("Nobody Atall", "does not exist"), ("Bach", "disambiguation"), ("Mercury", "disambiguation")],
)
def test_unusable_pages_are_one_line_errors_that_suggest_a_file(wiki, tmp_path, title, needle):
    with pytest.raises(RecipeError) as err:
        wikipedia.load("X", title, "en", "factory-tests/1.0", tmp_path)
    msg = str(err.value)
    assert needle in msg and "character.profile.file" in msg and "\n" not in msg
    assert not (tmp_path / "sources").exists()  # nothing cached for a bad page


def test_no_network_is_a_one_line_error(tmp_path):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host", request=request)

    with pytest.raises(RecipeError) as err:
        wikipedia.fetch_page(
            "Ludwig van Beethoven", "en", "factory-tests/1.0", transport=httpx.MockTransport(refuse)
        )
    assert "no network" in str(err.value) and "character.profile.file" in str(err.value)


def test_transport_hook_answers_mediawiki_json():
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "de.wikipedia.org" and request.url.params["titles"] == "Goethe"
        page = {
            "pageid": 7,
            "ns": 0,
            "title": "Goethe",
            "extract": "Goethe war ein Dichter.\n\n== Leben ==\nIn Weimar.\n",
        }
        return httpx.Response(200, json={"query": {"pages": {"7": page}}})

    data = wikipedia.fetch_page("Goethe", "de", "factory-tests/1.0", transport=httpx.MockTransport(answer))
    assert data["sections"] == [{"title": "Leben", "parent": "", "text": "In Weimar."}]


RECIPE = """\
name: wiki
language: en
character:
  name: Ludwig van Beethoven
  profile:
    wikipedia: {{title: "{title}", lang: en, user_agent: "factory-tests/2.0 (ci)"}}
    {file}
interactions: null
protection: null
quality: null
export: null
split: null
"""


def _run(recipe, out, server_url):
    return CliRunner().invoke(
        main,
        [
            "run",
            str(recipe),
            "--out",
            str(out),
            "--base-url",
            server_url,
            "--model",
            "m",
            "--quiet",
            "--limit",
            "1",
        ],
    )


def test_factory_run_from_wikipedia_then_file_overrides(wiki, server, write_recipe, tmp_path):
    from tests.responders import route

    server.responder = route
    recipe = write_recipe(RECIPE.format(title="Ludwig van Beethoven", file=""))
    res = _run(recipe, tmp_path / "r", server.base_url)
    assert res.exit_code == 0, res.output
    sources = [json.loads(x)["source"] for x in (tmp_path / "r" / "chunks.jsonl").read_text().splitlines()]
    assert "wikipedia:en:Ludwig van Beethoven#Vienna" in sources

    profile = (
        "# Vienna\nBeethoven arrived in Vienna in November 1792 and never left it again for long.\n\n"
        "# Habits\nHe walked every day with a sketchbook in his pocket, whatever the weather."
    )
    recipe = write_recipe(
        RECIPE.format(title="Ludwig van Beethoven", file="file: profile.md"), profile=profile
    )
    res = _run(recipe, tmp_path / "both", server.base_url)
    assert res.exit_code == 0, res.output
    chunks = [json.loads(x) for x in (tmp_path / "both" / "chunks.jsonl").read_text().splitlines()]
    by_period = {c["period"]: c for c in chunks}
    assert by_period["Vienna"]["source"] == "file:profile.md#Vienna"  # the file wins
    assert "November 1792" in by_period["Vienna"]["text"]
    assert by_period["Early life"]["source"].startswith("wikipedia:en:")  # the rest stays
    assert "Habits" in by_period


def test_factory_run_bad_page_is_exit_2_one_line(wiki, server, write_recipe, tmp_path):
    recipe = write_recipe(RECIPE.format(title="Mercury", file=""))
    res = _run(recipe, tmp_path / "r", server.base_url)
    assert res.exit_code == 2
    assert (
        res.output.startswith("error: ")
        and "disambiguation" in res.output
        and len(res.output.splitlines()) == 1
    )


def test_both_without_network_falls_back_to_the_file(write_recipe, tmp_path, monkeypatch, server):
    from tests.responders import route

    server.responder = route
    monkeypatch.setenv("FACTORY_WIKIPEDIA_API", "http://127.0.0.1:9/{lang}/w/api.php")
    recipe = write_recipe(RECIPE.format(title="Ludwig van Beethoven", file="file: profile.md"))
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(recipe),
            "--out",
            str(tmp_path / "r"),
            "--base-url",
            server.base_url,
            "--model",
            "m",
            "--quiet",
            "--limit",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "using profile.md alone" in res.stderr
    assert res.stderr.count("using profile.md alone") == 1  # read once a run, not again by the samples stage
    sources = {json.loads(x)["source"] for x in (tmp_path / "r" / "chunks.jsonl").read_text().splitlines()}
    assert sources and all(s.startswith("file:profile.md#") for s in sources)
