"""Profiles from Wikipedia (any language code) through wikipedia-api, cached in the run directory.

The page is fetched once as plain text with its section titles and written to
`<run>/sources/wikipedia-<lang>-<title>.json`; every later run reads that file and needs no
network. Reference-like sections (References, 参考文献, ...) are left out. A missing page, a
disambiguation page or an unreachable server is one RecipeError line that points to the
local-file option. `FACTORY_WIKIPEDIA_API` (a URL with `{lang}`) points at a mirror or a test server.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from factory.lang import pick
from factory.recipe import RecipeError
from factory.sources.profile import Profile, Section

SKIP_SECTIONS = {
    "references",
    "external links",
    "see also",
    "notes",
    "further reading",
    "bibliography",
    "sources",
    "citations",
    "works cited",
    "footnotes",
    "notes and references",
    "explanatory notes",
    "gallery",
    "参考文献",
    "参考资料",
    "參考資料",
    "参考",
    "外部链接",
    "外部連結",
    "参见",
    "參見",
    "参看",
    "注释",
    "註釋",
    "注解",
    "脚注",
    "腳註",
    "延伸阅读",
    "延伸閱讀",
    "相关条目",
    "相關條目",
    "引用",
    "来源",
    "來源",
    "einzelnachweise",
    "literatur",
    "weblinks",
    "anmerkungen",
    "siehe auch",
    "références",
    "notes et références",
    "liens externes",
    "voir aussi",
    "bibliographie",
    "referencias",
    "enlaces externos",
    "véase también",
    "notas",
    "bibliografía",
    "note",
    "collegamenti esterni",
    "voci correlate",
    "bibliografia",
    "примечания",
    "литература",
    "ссылки",
    "см. также",
    "関連項目",
    "外部リンク",
}
_DISAMBIGUATION_TEXT = re.compile(
    r"(may|can|might) (also )?refer to|may stand for|可以指|可能是指|可指|可能指|可以是|steht für|"
    r"peut désigner|puede referirse|может означать|può riferirsi",
    re.I,
)
_HINT = "use a local profile instead (character.profile.file: profiles/<name>.md)"


def cache_path(run_path: Path, lang: str, title: str) -> Path:
    slug = re.sub(r"[^\w\-]+", "_", title, flags=re.UNICODE).strip("_")[:60] or "page"
    digest = hashlib.sha256(f"{lang}:{title}".encode()).hexdigest()[:8]
    return Path(run_path) / "sources" / f"wikipedia-{lang}-{slug}-{digest}.json"


def _client(lang: str, user_agent: str, transport: Any = None):
    import wikipediaapi

    api = os.environ.get("FACTORY_WIKIPEDIA_API")

    class Client(wikipediaapi.Wikipedia):
        """Remembers the page's pageprops (disambiguation) and can talk to a mirror."""

        pageprops: dict = {}

        def _build_url(self, language: str) -> str:  # type: ignore[override]
            return api.format(lang=language) if api else super()._build_url(language)

        def _build_extracts(self, extract: Any, page: Any) -> str:
            self.pageprops = dict(extract.get("pageprops") or {})
            return super()._build_extracts(extract, page)

    kwargs: dict[str, Any] = {"timeout": 20.0}
    if transport is not None:
        kwargs["transport"] = transport
    return Client(
        user_agent=user_agent,
        language=lang,
        extract_format=wikipediaapi.ExtractFormat.WIKI,
        extra_api_params={"prop": "extracts|pageprops", "ppprop": "disambiguation"},
        max_retries=2,
        retry_wait=0.5,
        **kwargs,
    )


def _flatten(sections: list, out: list[dict], parent: str = "") -> None:
    for s in sections:
        title = s.title.strip()
        if title.lower() in SKIP_SECTIONS:
            continue
        text = (s.text or "").strip()
        if text:
            out.append({"title": title, "parent": parent, "text": text})
        _flatten(s.sections, out, title)


def fetch_page(title: str, lang: str, user_agent: str, transport: Any = None) -> dict:
    """The page as {"title", "lang", "summary", "sections": [{title, parent, text}]}; RecipeError if unusable."""
    import wikipediaapi

    where = f"character.profile.wikipedia: {lang}.wikipedia.org page {title!r}"
    if len(user_agent.strip()) < 5:
        raise RecipeError("character.profile.wikipedia.user_agent: too short (Wikipedia asks for a real one)")
    wiki = _client(lang, user_agent, transport)
    page = wiki.page(title)
    try:
        summary = page.summary
        sections: list[dict] = []
        _flatten(page.sections, sections)
    except wikipediaapi.WikipediaException as exc:
        reason = type(exc).__name__.removeprefix("Wiki")
        raise RecipeError(f"{where} could not be fetched ({reason}; no network?); {_HINT}") from None
    if not summary.strip() and not sections:
        raise RecipeError(f"{where} does not exist; check the title and `lang`, or {_HINT}")
    if "disambiguation" in wiki.pageprops or (len(summary) < 300 and _DISAMBIGUATION_TEXT.search(summary)):
        raise RecipeError(f"{where} is a disambiguation page; give a more specific title, or {_HINT}")
    return {"title": title, "lang": lang, "summary": summary.strip(), "sections": sections}


def page_to_profile(character: str, data: dict) -> Profile:
    prefix = f"wikipedia:{data['lang']}:{data['title']}"
    overview = pick(data["lang"], "Overview", "概述")
    sections = []
    if data.get("summary"):
        sections.append(Section(overview, data["summary"], f"{prefix}#{overview}"))
    for s in data["sections"]:
        sections.append(Section(s["title"], s["text"], f"{prefix}#{s['title']}"))
    return Profile(character, sections)


def load(
    character: str, title: str, lang: str, user_agent: str, run_path: Path, transport: Any = None
) -> Profile:
    """From the run directory's copy if there is one, else from Wikipedia (then saved there)."""
    path = cache_path(run_path, lang, title)
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        data = fetch_page(title, lang, user_agent, transport)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    return page_to_profile(character, data)


def load_profile(ctx, transport: Any = None) -> Profile:
    src = ctx.recipe.character.profile.wikipedia
    return load(ctx.character, src.title, src.lang, src.user_agent, ctx.run.path, transport)
