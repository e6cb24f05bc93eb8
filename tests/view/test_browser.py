"""The page in a real headless Chromium: filters from the URL and from the controls, the gate's
span marked, Chinese drawn with a CJK font, model output shown and never run; screenshots kept."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from factory.view import build_view
from factory.view.page import collect
from tests.view import browser
from tests.view.browser import Browser, Dom, dump_dom

pytestmark = pytest.mark.skipif(
    browser.CHROMIUM is None, reason="needs Debian's chromium package (apt-get install -y chromium)"
)

LINE = "It really depends. In conclusion, it's important to remember the craft."  # mockrun.py's hedging line


@pytest.fixture(scope="module")
def pages(runs):
    return {lang: build_view(run) for lang, run in runs.items()}


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    """Screenshots go to $FACTORY_TEST_ARTIFACTS when set (CI keeps that folder), else the pytest tmp dir."""
    env = os.environ.get("FACTORY_TEST_ARTIFACTS")
    path = Path(env) if env else tmp_path_factory.mktemp("view-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def shown(page: Path, hash_: str) -> Dom:
    dom = Dom(dump_dom(page.resolve().as_uri() + "#" + hash_))
    assert dom.ready, "the page's script did not finish (a JS error?)"
    return dom


def test_filter_from_the_url_shows_only_that_type(pages, runs):
    dom = shown(pages["en"], "type=protection")
    expected = [s for s in collect(runs["en"])["samples"] if s["type"] == "protection"]
    assert len(dom.samples) == len(expected) > 0
    assert {s["data-type"] for s in dom.samples} == {"protection"}
    assert {s["data-subtype"] for s in dom.samples} == {s["subtype"] for s in expected}
    assert dom.match_count.startswith(f"{len(expected)} samples match")


def test_a_rejected_line_shows_its_span_marked_and_the_rule_explained(pages):
    dom = shown(pages["en"], "status=rejected&rule=blacklist.hedging")
    assert dom.samples and {s["data-rule"] for s in dom.samples} == {"blacklist.hedging"}
    for s in dom.samples:
        assert len(s["marks"]) == 1 and s["marks"][0] in LINE  # whichever hedging entry matched first
        assert "rejected by blacklist.hedging — hedging filler in a character line" in s["text"]
        assert LINE in s["text"]
    flagged = shown(pages["en"], "rule=blacklist.custom")
    assert flagged.samples and {s["data-status"] for s in flagged.samples} == {"kept"}
    for s in flagged.samples:
        assert s["marks"] and set(s["marks"]) == {"What about you?"}
        assert "flagged (kept) by blacklist.custom" in s["text"]


async def _controls(page: Path, profile: Path, shot: Path) -> dict:
    async with Browser(profile) as b:
        await b.open(page.resolve().as_uri())
        seen = {"all": await b.js("document.querySelectorAll('article.sample').length")}
        await b.choose("f-type", "persona_session")
        seen["persona"] = await b.js(
            "[...document.querySelectorAll('article.sample')].map(a => a.dataset.type)"
        )
        await b.choose("f-archetype", "flirt")
        seen["flirt"] = await b.js(
            "[...document.querySelectorAll('article.sample')].map(a => a.dataset.archetype)"
        )
        seen["hash"] = await b.js("location.hash")
        await b.js(
            "(() => { const q = document.getElementById('f-q'); q.value = 'no such words anywhere';"
            " q.dispatchEvent(new Event('input')); })()"
        )
        seen["searched"] = await b.js("document.getElementById('match-count').textContent")
        await b.set_hash("status=kept")
        seen["kept"] = await b.js(
            "[...document.querySelectorAll('article.sample')].map(a => a.dataset.status)"
        )
        seen["query"] = await b.js("document.getElementById('f-q').value")
        await b.set_hash("type=protection")
        await b.js("document.querySelector('nav a[data-go=gate]').click()")
        seen["after_menu"] = await b.js(
            "[location.hash, new Set([...document.querySelectorAll('article.sample')]"
            ".map(a => a.dataset.type)).size, window.scrollY > 0]"
        )
        await b.set_hash("")
        seen["charts"] = await b.js("[...document.querySelectorAll('img.chart')].map(i => i.naturalWidth)")
        seen["cards"] = await b.js("document.querySelectorAll('#cards .card').length")
        seen["pairs"] = await b.js(
            "[...document.querySelectorAll('.pair')].map(p => "
            "[p.querySelector('.side.chosen').textContent, p.querySelector('.side.rejected').textContent])"
        )
        seen["funnel"] = await b.js(
            "[...document.querySelectorAll('#funnel-table tr[data-stage]')].map(r => r.dataset.stage)"
        )
        await b.screenshot(shot)
    return seen


def test_the_controls_filter_as_a_person_clicks_them(pages, runs, tmp_path, artifacts):
    data = collect(runs["en"])
    shot = artifacts / "view-en.png"
    seen = asyncio.run(_controls(pages["en"], tmp_path / "profile", shot))
    persona = [s for s in data["samples"] if s["type"] == "persona_session"]
    assert seen["all"] == len(data["samples"])
    assert seen["persona"] == ["persona_session"] * len(persona) and persona
    flirt = [s for s in persona if s["archetype"] == "flirt"]
    assert seen["flirt"] == ["flirt"] * len(flirt) and flirt
    assert seen["hash"] == "#type=persona_session&archetype=flirt"
    assert seen["searched"] == "0 samples match"
    assert seen["after_menu"] == ["#type=protection", 1, True]  # the menu scrolls, the filter stays
    assert (
        seen["kept"] == ["kept"] * sum(s["status"] == "kept" for s in data["samples"]) and seen["query"] == ""
    )
    assert len(seen["charts"]) == 3 and all(
        w > 100 for w in seen["charts"]
    )  # base, sft, compare: decoded PNGs
    assert seen["cards"] == data["cards_total"] > 0
    pairs = [json.loads(x) for x in (runs["en"] / "preferences.jsonl").read_text().splitlines()]
    assert len(seen["pairs"]) == len(pairs)
    assert seen["pairs"][0] == [
        "chosen" + pairs[0]["chosen"]["content"],
        "rejected: " + pairs[0]["rejected_kind"] + pairs[0]["rejected"]["content"],
    ]
    assert seen["funnel"][:2] == ["scenes", "interactions"] and "quality gate" in seen["funnel"]
    assert shot.stat().st_size > 50_000
    print(f"screenshot: {shot}")


def _cjk_families() -> set[str]:
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list (fontconfig) is missing: cannot tell which fonts draw Chinese")
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


async def _chinese(page: Path, profile: Path, shot: Path) -> dict:
    async with Browser(profile) as b:
        await b.open(page.resolve().as_uri() + "#lang=zh&status=rejected&rule=blacklist.hedging")
        seen = {
            "langs": await b.js("[...document.querySelectorAll('article.sample')].map(a => a.lang)"),
            "marks": await b.js(
                "[...document.querySelectorAll('article.sample mark')].map(m => m.textContent)"
            ),
        }
        await b.send("DOM.enable")
        await b.send("CSS.enable")
        root = (await b.send("DOM.getDocument"))["root"]["nodeId"]
        node = (await b.send("DOM.querySelector", nodeId=root, selector="article.sample mark"))["nodeId"]
        seen["fonts"] = (await b.send("CSS.getPlatformFontsForNode", nodeId=node))["fonts"]
        await b.screenshot(shot)
        await b.set_hash("lang=en")
        seen["en"] = await b.js("document.getElementById('match-count').textContent")
        seen["en_filters"] = await b.js("[...document.querySelectorAll('#filters select')].map(s => s.value)")
    return seen


def test_chinese_renders_with_a_cjk_font(pages, runs, tmp_path, artifacts):
    families = _cjk_families()
    assert families, "no font on this machine draws Chinese: apt-get install -y fonts-noto-cjk"
    shot = artifacts / "view-zh.png"
    seen = asyncio.run(_chinese(pages["zh"], tmp_path / "profile", shot))
    assert seen["langs"] and set(seen["langs"]) == {"zh-CN"}
    assert set(seen["marks"]) == {"这取决于"}
    used = {f["familyName"] for f in seen["fonts"] if f["glyphCount"] > 0}
    assert used and used <= families, f"Chinese drawn with {used}, none of which has CJK glyphs"
    assert seen["en"] == "0 samples match"
    assert seen["en_filters"] == ["", "", "", "", "en", ""]  # the hash is the whole state: the rest was reset
    print(f"screenshot: {shot}")


HOSTILE = (
    "</script><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"
    "<script>document.body.setAttribute('data-pwned','script')</script>"
)


def test_model_output_is_shown_as_text_and_never_runs(runs, tmp_path):
    run = shutil.copytree(runs["zh"], tmp_path / "hostile")
    kept = [json.loads(x) for x in (run / "kept.jsonl").read_text(encoding="utf-8").splitlines()]
    kept[0]["messages"][-1]["content"] = HOSTILE
    kept[0]["character"] = HOSTILE
    (run / "kept.jsonl").write_text(
        "".join(json.dumps(k, ensure_ascii=False) + "\n" for k in kept), encoding="utf-8"
    )
    page = build_view(run)
    html = dump_dom(page.resolve().as_uri() + "#status=kept")
    dom = Dom(html)
    assert dom.ready and "data-pwned" not in dom.body
    assert "img" not in dom.tags and dom.tags.count("script") == 2  # the page's own two
    assert dom.samples[0]["text"].count(HOSTILE) == 2  # as the character's name and as its line
