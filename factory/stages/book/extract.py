"""Stage: book_chunks -> book_extract: per chunk, its plots and their conversations, verified.

The model reads one chunk, its paragraphs numbered and its spoken lines (found by the reader)
listed, and writes plots (the first and last paragraph they cover, a summary, the characters present
with state and motivation) and conversations (turns: which line, who says it, the narration's action
and thought; or the environment). Nothing is taken on trust (verifier.py): a plot whose citation is
not in the chunk is dropped with its conversations, a turn whose line, speaker or narration is not
in it is dropped, and so is a conversation left with fewer than `book.min_turns` turns. Every drop
is a line in failures.jsonl (stage book_extract, the reason, what failed) and a count in run.json.
"""

from __future__ import annotations

import re
from collections import Counter

from factory.engine import ParseError, Request, Result
from factory.lang import pick
from factory.prompts import render
from factory.records import make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Stage, StagePlan, StageReport
from factory.stages.book.lines import mark_lines, paragraphs
from factory.stages.book.reader import BookConfig, load_book_chunks, write_chunks
from factory.stages.book.records import BookChunk, Plot
from factory.stages.book.verifier import NAME, Verifier
from factory.stages.shared.parsing import bounded_string, json_items


def _index(most: int, least: int = 0) -> dict:
    """A number from least to most, as an enum: grammar-bound decoding (llama.cpp) keeps to an
    enum where it may ignore minimum and maximum."""
    return {"type": "integer", "enum": list(range(least, max(most, least) + 1))}


def extract_schema(chunk: BookChunk, min_turns: int = 2) -> dict:
    """The reply's shape for this chunk: lines and paragraphs by number, speakers from its cast (a
    closed list where the reader found one, so a grammar-bound small model cannot misspell them),
    and as many turns as a conversation needs when the chunk has the lines for one. Every property
    is required (a string may be empty): optional ones make a llama.cpp grammar branch at each,
    which slowed a small model's grammar-bound decoding."""
    name = {"enum": chunk.cast} if chunk.cast else bounded_string(60)
    paras = max(len(paragraphs(chunk.text)), 1)
    lines = len(chunk.lines)
    turn = {
        "type": "object",
        "properties": {
            "line": _index(lines, 1),
            "speaker": name,
            "action": bounded_string(300),
            "thought": bounded_string(300),
        },
        "required": ["line", "speaker", "action", "thought"],
    }
    person = {
        "type": "object",
        "properties": {"name": name, "state": bounded_string(200), "motivation": bounded_string(200)},
        "required": ["name", "state", "motivation"],
    }
    enough = lines >= min_turns
    conv = {
        "type": "object",
        "properties": {
            "scenario": bounded_string(300),
            "turns": {"type": "array", "items": turn, "minItems": min_turns if enough else 0, "maxItems": 30},
            "environment": {"type": "array", "items": _index(paras, 1), "maxItems": 10},
        },
        "required": ["scenario", "turns", "environment"],
    }
    plot = {
        "type": "object",
        "properties": {
            "first_paragraph": _index(paras, 1),
            "last_paragraph": _index(paras, 1),
            "summary": bounded_string(600),
            "characters": {
                "type": "array",
                "items": person,
                "minItems": 1 if chunk.cast else 0,
                "maxItems": 8,
            },
            "conversations": {"type": "array", "items": conv, "minItems": 1 if enough else 0, "maxItems": 4},
        },
        "required": ["first_paragraph", "last_paragraph", "summary", "characters", "conversations"],
    }
    return {
        "type": "object",
        "properties": {"plots": {"type": "array", "items": plot, "minItems": 1, "maxItems": 4}},
        "required": ["plots"],
    }


def parse_extract(text: str) -> list[dict]:
    plots = json_items(text, "plots")
    if not plots:
        raise ParseError("no plots in the reply")
    return plots


def numbered(chunk: BookChunk) -> str:
    """The passage with its paragraphs numbered [1].. and its spoken lines marked L1.. where they start."""
    at: dict[int, list[int]] = {}
    for n, line in enumerate(chunk.lines, 1):
        at.setdefault(line.paragraph, []).append(n)
    out, k = [], 0
    for para in (p.strip() for p in re.split(r"\n\s*\n", chunk.text) if p.strip()):
        if para in paragraphs(para):  # a scene break stays, unnumbered, so the scenes show
            para = f"[{k + 1}] {mark_lines(para, at.get(k, []), chunk.script)}"
            k += 1
        out.append(para)
    return "\n\n".join(out)


def build_requests(ctx: RunContext, chunks: list[BookChunk]) -> list[Request]:
    cfg: BookConfig = ctx.recipe.book
    reqs = []
    for c in chunks:
        reqs.append(
            Request(
                id=make_id("req-bex", c.id, ctx.language),
                messages=render(
                    "book_extract",
                    ctx.language,
                    chapter=c.chapter_title,
                    chunk=numbered(c),
                    cast=", ".join(c.cast) or "-",
                    script=pick(ctx.language, SCRIPT_EN, SCRIPT_ZH) if c.script else "",
                ),
                schema=extract_schema(c, cfg.min_turns),
                parse=parse_extract,
                params={"max_tokens": cfg.max_reply_tokens},
                meta={"chunk_id": c.id},
            )
        )
    return reqs


SCRIPT_EN = (
    "This is a script: a line's cue names its speaker, a (parenthetical) under it is that speaker's "
    "action, and the action lines between the cues are the environment (or an action of the one they name)."
)
SCRIPT_ZH = "这是剧本：台词前的人物名就是说话人，括号里的提示是此人的动作，台词之间的动作描写是环境（或其中所写之人的动作）。"


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """One request per chunk, exact: the chunks are made for real (no model) to count them."""
    from factory.run.plan import request_plan  # noqa: PLC0415 - the plan machinery only for `factory plan`

    chunks = load_book_chunks(ctx) if ctx.run.stage_file("book_chunks").exists() else write_chunks(ctx)
    p = request_plan(ctx, build_requests(ctx, chunks))
    p.makes = {NAME: 2 * p.requests}  # about two plots a chunk
    return p


class ExtractReport(StageReport):
    plots: int
    conversations: int
    turns: int
    joined: int  # plots of a cut scene joined across chunks
    dropped: dict[str, int]  # verification failures by reason (also lines in failures.jsonl)


async def run(ctx: RunContext) -> ExtractReport:
    from factory.stages.book.plots import joined_plots  # noqa: PLC0415 - plots reads this module's records

    chunks = load_book_chunks(ctx)
    by_id = {c.id: c for c in chunks}

    def to_records(res: Result) -> list[Plot]:
        verifier = Verifier(ctx, by_id[res.request.meta["chunk_id"]])
        return [p for i, raw in enumerate(res.value) if (p := verifier.plot(raw, i)) is not None]

    outcome = await execute(ctx, NAME, build_requests(ctx, chunks), to_records)
    reasons = Counter(
        f["reason"] for f in ctx.run.failures() if f["stage"] == NAME and f["id"].startswith("vrf-")
    )
    for reason, n in reasons.items():
        ctx.drop(f"book_{reason}", n, set_to=True)
    raw = [Plot.model_validate(o) for o in ctx.run.records(NAME)]
    plots = joined_plots(raw, by_id)
    convs = [c for p in plots for c in p.conversations]
    ctx.log(
        f"book_extract: {len(plots)} plots, {len(convs)} conversations; verification dropped "
        f"{sum(reasons.values())} ({outcome['failed']} requests failed)"
    )
    return ExtractReport(
        plots=len(plots),
        conversations=len(convs),
        turns=sum(len(c.turns) for c in convs),
        joined=len(raw) - len(plots),
        dropped=dict(sorted(reasons.items())),
    )


STAGE = Stage(
    NAME,
    run,
    switch="book",
    needs=("book_chunks",),
    makes=(NAME,),
    order=21,
    plan=plan_requests,
    help="plots and conversations read from each chunk, every quote and citation checked against it",
)
