"""The samples stage's builder for the book route: one sample per character per conversation.

Given-circumstance acting (CoSER): the character's sample sees the scene from inside it. System:
the character's profile as of the chapter's start (book_profiles), the plot, its own state and
(variant) motivation, who is present. User side: the other speakers by name (speech and action;
their thoughts are hidden) and the environment (name "narrator"). Assistant: the character's own
turns with the narration's action and (variant) thought in their channels, so a reply is more
than the quote. Variants (`book.thoughts`, `book.motivation`) are separate samples, labelled.
Knowledge-boundary questions (book_boundary) become samples typed protection:future_spoiler.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import product

from factory.lang import join_list, pick, punctuation, word
from factory.prompts import render
from factory.records import Message, Sample, make_id
from factory.run.context import RunContext
from factory.sources.book import read_book
from factory.stages.book.plots import load_plots, targets
from factory.stages.book.reader import load_book_chunks
from factory.stages.book.records import BookProfile, BookTurn, BoundaryQA, Conversation, Plot
from factory.stages.shared.markup import convention
from factory.stages.shared.markup import render as mark
from factory.stages.shared.people import NARRATOR


def turn_text(t: BookTurn, language: str, thoughts: bool, own: bool) -> str:
    """A turn as one message: action, (own) thought, then speech, each in its markup."""
    parts = [
        mark("action", t.action, language) if t.action else "",
        mark("thought", t.thought, language) if t.thought and thoughts and own else "",
        mark("speech", t.speech, language) if t.speech else "",
    ]
    return " ".join(p for p in parts if p)


def messages_for(conv: Conversation, name: str, language: str, thoughts: bool) -> list[Message]:
    out: list[Message] = []
    for t in conv.turns:
        if t.speaker == "environment":
            out.append(Message(role="user", content=t.environment, name=NARRATOR))
        elif t.speaker == name:
            text = turn_text(t, language, thoughts, own=True)
            if text:
                out.append(Message(role="assistant", content=text, train=True, name=name))
        else:
            text = turn_text(t, language, thoughts, own=False)  # others' minds are closed
            if text:
                out.append(Message(role="user", content=text, name=t.speaker))
    if out and out[0].role == "assistant" and conv.scenario:  # the character opens: the situation comes first
        out.insert(0, Message(role="user", content=conv.scenario, name=NARRATOR))
    return out


def system_for(
    ctx: RunContext, name: str, plot: Plot, profile: str, motivation: bool, scene: str, chapter: str
) -> str:
    me = next((c for c in plot.characters if c.name == name), None)
    present = [c.name for c in plot.characters if c.name != name]
    sep = punctuation(ctx.language).space
    state = pick(ctx.language, "How you are: ", "此刻的你：") + me.state if me and me.state else ""
    want = (
        pick(ctx.language, "What you want: ", "你想要的：") + me.motivation
        if me and me.motivation and motivation
        else ""
    )
    text = render(
        "book_system",
        ctx.language,
        character=name,
        book=read_book(ctx.recipe.book.file).title,
        profile=profile,
        chapter=chapter or str(plot.chapter + 1),
        scene=sep.join(s for s in (plot.summary, scene) if s),
        state=state + ("\n" if state and want else ""),
        motivation=want,
        present=join_list(present, ctx.language) or word("narrator", ctx.language),
        convention=convention(ctx.language),
    )[0]["content"]
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()  # an empty part leaves no gap


def _profiles(ctx: RunContext) -> dict[tuple[str, int], str]:
    return {
        (p.character, p.chapter): p.text
        for p in (BookProfile.model_validate(o) for o in ctx.run.records("book_profiles"))
    }


def book_samples(ctx: RunContext) -> Iterator[Sample]:
    """BUILDERS entry: nothing unless the recipe has a `book:` block."""
    cfg = getattr(ctx.recipe, "book", None)
    if cfg is None:
        return
    plots = load_plots(ctx)
    profiles = _profiles(ctx)
    names = targets(ctx, plots)
    titles = {c.chapter: c.chapter_title for c in load_book_chunks(ctx)}
    for plot, name in product(plots, names):
        for k, conv in enumerate(plot.conversations):
            if not any(t.speaker == name for t in conv.turns):
                continue
            mine = [t for t in conv.turns if t.speaker == name]
            me = next((c for c in plot.characters if c.name == name), None)
            for thoughts, motivation in product(cfg.thoughts, cfg.motivation):
                if (not thoughts and True in cfg.thoughts and not any(t.thought for t in mine)) or (
                    not motivation and True in cfg.motivation and not (me and me.motivation)
                ):
                    continue  # the variant would be the same sample twice
                messages = messages_for(conv, name, ctx.language, thoughts)
                if not any(m.train for m in messages):
                    ctx.drop("samples_no_character_turn")
                    continue
                profile = profiles.get((name, plot.chapter), "")
                yield Sample(
                    id=make_id("smp-book", plot.id, k, name, thoughts, motivation),
                    type="book_scene",
                    character=name,
                    language=ctx.language,
                    system=system_for(
                        ctx, name, plot, profile, motivation, conv.scenario, titles.get(plot.chapter, "")
                    ),
                    messages=messages,
                    source_ids=[*plot.chunk_ids, plot.id],
                    labels={
                        "kind": "book",
                        "plot_id": plot.id,
                        "chapter": plot.chapter,
                        "conversation": k,
                        "thoughts": thoughts,
                        "motivation": motivation,
                        "profile": bool(profile),
                        "speakers": sorted({t.speaker for t in conv.turns if t.speaker != "environment"}),
                    },
                )
    by_plot = {p.id: p for p in plots}
    for obj in ctx.run.records("book_boundary"):
        qa = BoundaryQA.model_validate(obj)
        if qa.character not in names:
            continue
        here = [
            p for p in plots if p.chapter == qa.chapter and any(c.name == qa.character for c in p.characters)
        ]
        if not here:
            continue
        plot = here[-1]
        yield Sample(
            id=make_id("smp-bbd", qa.id),
            type="protection:future_spoiler",
            character=qa.character,
            language=ctx.language,
            system=system_for(
                ctx,
                qa.character,
                plot,
                profiles.get((qa.character, qa.chapter), ""),
                True,
                "",
                titles.get(plot.chapter, ""),
            ),
            messages=[
                Message(role="user", content=qa.question, name=qa.asker),
                Message(role="assistant", content=qa.answer, train=True, name=qa.character),
            ],
            source_ids=[*plot.chunk_ids, plot.id, qa.later_plot_id],
            labels={
                "kind": "protection",
                "subtype": "future_spoiler",
                "question": qa.question,  # what `factory evaluate` asks again (knowledge boundary)
                "time": titles.get(plot.chapter, "") or str(plot.chapter + 1),
                "chapter": qa.chapter,
                "later_plot_id": qa.later_plot_id,
                "later_chapter": by_plot[qa.later_plot_id].chapter if qa.later_plot_id in by_plot else None,
            },
        )
