"""Stage: book_extract -> book_boundary: questions about later events, answered as not yet known.

TimeChara's test turned into training data, and the protection stage's future_spoiler trap rooted
in the book: at the end of a chapter someone present asks the character about an event the book has
only later (in the protection prompts' own words for the trap and the reaction); the character
answers in its own voice without knowing it. An answer naming a term the book has only after that
point (beyond the question's own, boundary.py) is dropped (`answer_knows_later`). The samples are
typed `protection:future_spoiler`, so the gate, the export's counts and `factory evaluate`'s
knowledge-boundary cases take them as they take the protection stage's.
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
from factory.stages.book.records import BoundaryQA, Plot
from factory.stages.shared.markup import convention, strip_wrappers
from factory.stages.shared.parsing import bounded_string

NAME = "book_boundary"
LEAK_LIMIT = 1  # one name the book has only later and the answer knows too much


def parse_qa(text: str) -> dict[str, str]:
    data = extract_json(text)
    if not isinstance(data, dict):
        raise ParseError("expected an object with question and answer")
    data = {str(k).lower(): v for k, v in data.items()}
    q, a = data.get("question"), data.get("answer")
    if not (isinstance(q, str) and q.strip() and isinstance(a, str) and a.strip()):
        raise ParseError("question or answer missing")
    return {"question": strip_wrappers(q)[:600], "answer": a.strip()[:1200]}


def asks(plots: list[Plot], name: str, per_chapter: int) -> list[tuple[int, str, list[Plot]]]:
    """(chapter, asker, later plots) for each chapter the character is in that has a later chapter."""
    out = []
    last = max((p.chapter for p in plots), default=-1)
    for ch in sorted({p.chapter for p in plots if any(c.name == name for c in p.characters)}):
        if ch >= last:
            continue
        mine = [p for p in plots if p.chapter == ch and any(c.name == name for c in p.characters)]
        others = [c.name for c in mine[-1].characters if c.name != name]
        later = [p for p in plots if p.chapter > ch]
        later.sort(key=lambda p: (not any(c.name == name for c in p.characters), p.position))
        if others and later:
            out.append((ch, others[0], later[:per_chapter]))
    return out


def _protection(part: str, language: str, character: str, future: str = "") -> str:
    """The protection stage's own wording of the trap (future_spoiler) and of the reaction, so a
    book's boundary questions are that stage's future-spoiler scenes, rooted in the book."""
    return render(f"protection/{part}", language, character=character, future=future)[0]["content"].strip()


def build_requests(ctx: RunContext, plots: list[Plot]) -> list[Request]:
    reqs = []
    for name in targets(ctx, plots):
        for ch, asker, later in asks(plots, name, ctx.recipe.book.boundary):
            story = story_so_far(plots, ch + 1, name, ctx.language)
            for event in later:
                reqs.append(
                    Request(
                        id=make_id("req-bbd", name, ch, event.id, ctx.language),
                        messages=render(
                            "book_boundary",
                            ctx.language,
                            character=name,
                            asker=asker,
                            story=story,
                            later=event.summary,
                            rule=_protection("future_spoiler", ctx.language, name, event.summary),
                            reaction=_protection("reaction", ctx.language, name),
                            convention=convention(ctx.language),
                        ),
                        schema={
                            "type": "object",
                            "properties": {"question": bounded_string(400), "answer": bounded_string(800)},
                            "required": ["question", "answer"],
                        },
                        parse=parse_qa,
                        params={"max_tokens": 500},
                        meta={
                            "character": name,
                            "chapter": ch,
                            "asker": asker,
                            "later": event.id,
                            "story": story,
                        },
                    )
                )
    return reqs


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    return stand_in_plan(ctx, NAME, build_requests)


async def run(ctx: RunContext) -> None:
    plots = load_plots(ctx)
    chunks = load_book_chunks(ctx)

    def to_records(res: Result) -> list[BoundaryQA]:
        m, qa = res.request.meta, res.value
        found = leaks(
            qa["answer"], chunks, m["chapter"] + 1, allowed=f"{m['story']} {qa['question']} {m['asker']}"
        )
        if len(found) >= LEAK_LIMIT:
            ctx.run.record_failure(
                NAME,
                make_id("vrf", res.request.id),
                "answer_knows_later",
                f"{m['character']} after chapter {m['chapter']}: {', '.join(found[:8])}",
            )
            return []
        return [
            BoundaryQA(
                id=make_id("bqa", res.request.id),
                character=m["character"],
                chapter=m["chapter"],
                later_plot_id=m["later"],
                asker=m["asker"],
                **qa,
            )
        ]

    outcome = await execute(ctx, NAME, build_requests(ctx, plots), to_records)
    dropped = sum(1 for f in ctx.run.failures() if f["stage"] == NAME and f["reason"] == "answer_knows_later")
    ctx.drop("book_answer_knows_later", dropped, set_to=True)
    ctx.log(f"book_boundary: {outcome['written']} written, {dropped} knew too much")


STAGE = Stage(
    NAME,
    run,
    switch="book",
    needs=("book_extract",),
    makes=(NAME,),
    order=23,
    empty_ok=True,
    plan=plan_requests,
    when=lambda recipe: recipe.book is not None and recipe.book.boundary > 0,
    help="questions about later events, answered in character as not yet known (TimeChara-style)",
)
