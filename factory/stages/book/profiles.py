"""Stage: book_extract -> book_profiles: each character as of the start of each chapter.

A profile for chapter N is written from the verified plots of chapters 0..N-1 only, so a sample in
chapter N cannot learn from its system prompt what happens later. The reply is checked as well:
a profile using words the book has only from chapter N on is dropped (`profile_knows_later`).
"""

from __future__ import annotations

from factory.engine import ParseError, Request, Result, extract_json
from factory.prompts import render
from factory.records import make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Stage, StagePlan
from factory.stages.book.boundary import leaks, story_so_far
from factory.stages.book.plots import load_plots, stand_in_plan, targets
from factory.stages.book.reader import load_book_chunks
from factory.stages.book.records import BookProfile, Plot
from factory.stages.shared.parsing import bounded_string

NAME = "book_profiles"
LEAK_LIMIT = 1  # one name the book has only later and the profile knows too much


def parse_profile(text: str) -> str:
    try:
        data = extract_json(text)
    except ParseError:
        data = None
    value = data.get("profile") if isinstance(data, dict) else None
    out = (value if isinstance(value, str) else text).strip()
    if len(out) < 20:
        raise ParseError("no profile text")
    return out[:3000]


def wanted(plots: list[Plot], names: list[str]) -> list[tuple[str, int, list[Plot]]]:
    """(character, chapter, the plots before it that the character is in) for every chapter the
    character is in, after one in which it already was."""
    out = []
    for name in names:
        chapters = sorted({p.chapter for p in plots if any(c.name == name for c in p.characters)})
        for ch in chapters:
            seen = [p for p in plots if p.chapter < ch]
            if any(any(c.name == name for c in p.characters) for p in seen):
                out.append((name, ch, seen))
    return out


def build_requests(ctx: RunContext, plots: list[Plot]) -> list[Request]:
    reqs = []
    for name, ch, seen in wanted(plots, targets(ctx, plots)):
        story = story_so_far(plots, ch, name, ctx.language)
        reqs.append(
            Request(
                id=make_id("req-bpr", name, ch, [p.id for p in seen], ctx.language),
                messages=render("book_profile", ctx.language, character=name, story=story),
                schema={
                    "type": "object",
                    "properties": {"profile": bounded_string(1500)},
                    "required": ["profile"],
                },
                parse=parse_profile,
                params={"max_tokens": 600},
                meta={"character": name, "chapter": ch, "plot_ids": [p.id for p in seen], "story": story},
            )
        )
    return reqs


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    return stand_in_plan(ctx, NAME, build_requests)


async def run(ctx: RunContext) -> None:
    plots = load_plots(ctx)
    chunks = load_book_chunks(ctx)

    def to_records(res: Result) -> list[BookProfile]:
        m = res.request.meta
        found = leaks(res.value, chunks, m["chapter"], allowed=m["story"] + " " + m["character"])
        if len(found) >= LEAK_LIMIT:
            ctx.run.record_failure(
                NAME,
                make_id("vrf", res.request.id),
                "profile_knows_later",
                f"{m['character']} before chapter {m['chapter']}: {', '.join(found[:8])}",
            )
            return []
        return [
            BookProfile(
                id=make_id("bpr", m["character"], m["chapter"], res.request.id),
                character=m["character"],
                chapter=m["chapter"],
                text=res.value,
                plot_ids=m["plot_ids"],
            )
        ]

    outcome = await execute(ctx, NAME, build_requests(ctx, plots), to_records)
    dropped = sum(
        1 for f in ctx.run.failures() if f["stage"] == NAME and f["reason"] == "profile_knows_later"
    )
    ctx.drop("book_profile_knows_later", dropped, set_to=True)
    ctx.log(f"book_profiles: {outcome['written']} written, {dropped} knew too much")


STAGE = Stage(
    NAME,
    run,
    switch="book",
    needs=("book_extract",),
    makes=(NAME,),
    order=22,
    empty_ok=True,
    plan=plan_requests,
    when=lambda recipe: recipe.book is not None and recipe.book.profiles,
    help="each character's profile per chapter, from the plots before it only (the knowledge boundary)",
)
