"""Reading the verified plots back: joined across cut scenes, and who is present most.

A chunk ends inside a scene only when the scene alone is over the chunk bound (`BookChunk.cut`);
then the last plot of that chunk and the first plot of the next are one plot, joined here.
The N most present characters are counted from the verified turns, not from the model's lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from factory.lang import has_han, punctuation
from factory.run.context import RunContext
from factory.run.stage import StagePlan
from factory.stages.book.records import BookChunk, BookTurn, Conversation, Plot, PlotCharacter


def _join(a: Plot, b: Plot, language: str) -> Plot:
    people: dict[str, PlotCharacter] = {p.name: p for p in a.characters}
    for p in b.characters:  # the later state is the state at the end of the joined plot
        people[p.name] = (
            p
            if p.name not in people
            else PlotCharacter(
                name=p.name,
                state=p.state or people[p.name].state,
                motivation=people[p.name].motivation or p.motivation,
            )
        )
    return a.model_copy(
        update={
            "chunk_ids": [*a.chunk_ids, *b.chunk_ids],
            "summary": punctuation(language).space.join(s for s in (a.summary, b.summary) if s),
            "last_sentence": b.last_sentence,
            "characters": list(people.values()),
            "conversations": [*a.conversations, *b.conversations],
        }
    )


def joined_plots(plots: list[Plot], chunks: dict[str, BookChunk], language: str = "en") -> list[Plot]:
    """Plots in book order, a cut scene's two halves joined into the first one."""
    ordered = sorted(plots, key=lambda p: p.position)
    out: list[Plot] = []
    for k, plot in enumerate(ordered):
        prev = ordered[k - 1] if k else None
        before = chunks.get(prev.chunk_ids[0]) if prev else None
        here = chunks.get(plot.chunk_ids[0])
        # the previous plot is the last of a chunk that ends mid-scene, and this one opens the next chunk
        if out and before is not None and here is not None and before.cut and here.index == before.index + 1:
            out[-1] = _join(out[-1], plot, language)
            continue
        out.append(plot)
    return out


def load_plots(ctx: RunContext) -> list[Plot]:
    from factory.stages.book.reader import load_book_chunks  # noqa: PLC0415 - keeps this module light

    chunks = {c.id: c for c in load_book_chunks(ctx)}
    return joined_plots(
        [Plot.model_validate(o) for o in ctx.run.records("book_extract")], chunks, ctx.language
    )


def targets(ctx: RunContext, plots: list[Plot]) -> list[str]:
    """The recipe's `characters`, then the `top` N speakers by verified turns (ties: first seen)."""
    cfg = ctx.recipe.book
    chosen = list(dict.fromkeys(cfg.canonical(c) for c in cfg.characters))
    if cfg.top:
        turns = Counter(
            t.speaker for p in plots for c in p.conversations for t in c.turns if t.speaker != "environment"
        )
        chosen += [name for name, _ in turns.most_common() if name not in chosen][: cfg.top]
    return chosen


def planned_plots(ctx: RunContext) -> list[Plot]:
    """For `factory plan`, before any extraction: one plot a chunk, everyone its cast names present
    and speaking once, its summary as long as a real one, so the later stages' requests can be
    built and counted (an estimate: the real plots are what the model finds)."""
    from factory.stages.book.reader import load_book_chunks, write_chunks  # noqa: PLC0415

    chunks = load_book_chunks(ctx) if ctx.run.stage_file("book_chunks").exists() else write_chunks(ctx)
    out = []
    for c in chunks:
        summary = c.text[:150] if has_han(c.text) else " ".join(c.text.split()[:60])
        line = c.lines[0].text if c.lines else ""
        out.append(
            Plot(
                id=f"plan-{c.id}",
                chunk_ids=[c.id],
                chapter=c.chapter,
                position=c.index * 100,
                summary=summary,
                first_sentence="",
                last_sentence="",
                characters=[PlotCharacter(name=n, state=summary[:80]) for n in c.cast],
                conversations=[Conversation(turns=[BookTurn(speaker=n, speech=line) for n in c.cast])],
            )
        )
    return out


def stand_in_plan(
    ctx: RunContext, name: str, build: Callable[[RunContext, list[Plot]], list[Any]]
) -> StagePlan:
    """A stage asking per plot, counted from stand-in plots (one a chunk, its cast present): an
    estimate, since the real plots, and who is in them, are what the extraction finds."""
    from factory.run.plan import request_plan  # noqa: PLC0415 - the plan machinery only for `factory plan`

    p = request_plan(ctx, build(ctx, planned_plots(ctx)), exact=False)
    p.makes = {name: p.requests}
    p.note = "from one stand-in plot a chunk"
    return p
