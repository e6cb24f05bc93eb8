"""Stage: book_chunks -> book_extract: per chunk, its plots and their conversations, verified.

The model reads one chunk and writes plots (summary, the first and last sentence they cover, the
characters present with state and motivation) and conversations (turns of speech, action, thought,
or the environment). Nothing is taken on trust: a plot whose citations are not in the chunk is
dropped with its conversations; a turn whose quoted speech, speaker or narration is not in the
chunk is dropped; a conversation left with fewer than `book.min_turns` turns is dropped. Every drop
is a line in failures.jsonl (stage book_extract, the reason, what failed) and a count in run.json.
"""

from __future__ import annotations

import re
from collections import Counter

from factory.engine import ParseError, Request, Result
from factory.lang import has_han
from factory.prompts import render
from factory.records import make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Stage, StageReport
from factory.stages.book.reader import BookConfig, load_book_chunks
from factory.stages.book.records import BookChunk, BookTurn, Conversation, Plot, PlotCharacter
from factory.stages.book.verify import check_citation, check_narration, check_speaker, check_speech
from factory.stages.shared.markup import strip_wrappers
from factory.stages.shared.parsing import bounded_string, json_items, text_field

NAME = "book_extract"
ENVIRONMENT = {
    "environment",
    "env",
    "narrator",
    "narration",
    "setting",
    "scene",
    "环境",
    "旁白",
    "场景",
    "描写",
}


def extract_schema() -> dict:
    turn = {
        "type": "object",
        "properties": {
            "speaker": bounded_string(60),
            "speech": bounded_string(600),
            "action": bounded_string(300),
            "thought": bounded_string(300),
            "environment": bounded_string(400),
        },
        "required": ["speaker"],
    }
    person = {
        "type": "object",
        "properties": {
            "name": bounded_string(60),
            "state": bounded_string(200),
            "motivation": bounded_string(200),
        },
        "required": ["name"],
    }
    conv = {
        "type": "object",
        "properties": {
            "scenario": bounded_string(300),
            "turns": {"type": "array", "items": turn, "minItems": 1, "maxItems": 30},
        },
        "required": ["turns"],
    }
    plot = {
        "type": "object",
        "properties": {
            "summary": bounded_string(600),
            "first_sentence": bounded_string(300),
            "last_sentence": bounded_string(300),
            "characters": {"type": "array", "items": person, "maxItems": 8},
            "conversations": {"type": "array", "items": conv, "maxItems": 4},
        },
        "required": ["summary", "first_sentence", "last_sentence", "characters", "conversations"],
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


def build_requests(ctx: RunContext, chunks: list[BookChunk]) -> list[Request]:
    cfg: BookConfig = ctx.recipe.book
    return [
        Request(
            id=make_id("req-bex", c.id, ctx.language),
            messages=render("book_extract", ctx.language, chapter=c.chapter_title, chunk=c.text),
            schema=extract_schema(),
            parse=parse_extract,
            params={"max_tokens": cfg.max_reply_tokens},
            meta={"chunk_id": c.id},
        )
        for c in chunks
    ]


def _turn(raw: dict, cfg: BookConfig) -> BookTurn | None:
    if not isinstance(raw, dict):
        return None
    raw = {str(k).lower(): v for k, v in raw.items()}
    speaker = text_field(raw, "speaker", "name", "character", limit=80)
    fields = {
        k: strip_wrappers(text_field(raw, k, limit=800))
        for k in ("speech", "action", "thought", "environment")
    }
    if speaker.lower() in ENVIRONMENT or (not speaker and fields["environment"]):
        env = fields["environment"] or fields["action"] or fields["speech"]
        return BookTurn(speaker="environment", environment=env) if env else None
    if not speaker or not (fields["speech"] or fields["action"] or fields["thought"]):
        return None
    speech = re.sub(
        r"[,，、]\s*$", "。" if has_han(fields["speech"]) else ".", fields["speech"]
    )  # "…," she said
    return BookTurn(
        speaker=cfg.canonical(speaker), speech=speech, action=fields["action"], thought=fields["thought"]
    )


class Verifier:
    """Checks one chunk's extraction and records each failure (stage, reason, what) as it goes."""

    def __init__(self, ctx: RunContext, chunk: BookChunk) -> None:
        self.ctx, self.chunk, self.cfg = ctx, chunk, ctx.recipe.book

    def fail(self, where: str, reason: str, detail: str) -> None:
        self.ctx.run.record_failure(
            NAME,
            make_id("vrf", self.chunk.id, where, detail),
            reason,
            f"{self.chunk.id} {where}: {detail}"[:300],
        )

    def turn(self, t: BookTurn, where: str) -> BookTurn | None:
        text, cfg = self.chunk.text, self.cfg
        if t.speaker == "environment":
            check = check_narration(t.environment, text, cfg.narration_share)
            if not check.ok:
                self.fail(where, check.reason, f"environment {t.environment!r} ({check.score})")
                return None
            return t
        speaker = check_speaker(t.speaker, text, cfg.aliases.get(t.speaker, []))
        if not speaker.ok:
            self.fail(where, speaker.reason, t.speaker)
            return None
        if t.speech:
            check = check_speech(t.speech, text, cfg.quote_threshold)
            if not check.ok:
                self.fail(where, check.reason, f"{t.speaker}: {t.speech!r} ({check.score})")
                return None
        kept = {}
        for mode in ("action", "thought"):
            value = getattr(t, mode)
            check = check_narration(value, text, cfg.narration_share) if value else None
            if check is not None and not check.ok:
                self.fail(where, check.reason, f"{t.speaker} {mode} {value!r} ({check.score})")
                value = ""  # the speech stands; the unsupported narration goes
            kept[mode] = value
        if not (t.speech or kept["action"] or kept["thought"]):
            return None
        return t.model_copy(update=kept)

    def plot(self, raw: dict, i: int) -> Plot | None:
        cfg, c = self.cfg, self.chunk
        first = text_field(raw, "first_sentence", "first", "start", limit=400)
        last = text_field(raw, "last_sentence", "last", "end", limit=400)
        cite = check_citation(first, last, c.text, cfg.citation_threshold)
        if not cite.ok:
            self.fail(f"plot{i}", cite.reason, f"{first!r} .. {last!r} ({cite.score})")
            return None
        people = []
        for p in raw.get("characters") or []:
            if isinstance(p, dict):
                p = {str(k).lower(): v for k, v in p.items()}
                name = text_field(p, "name", limit=80)
                if (
                    name
                    and check_speaker(
                        cfg.canonical(name), c.text, cfg.aliases.get(cfg.canonical(name), [])
                    ).ok
                ):
                    people.append(
                        PlotCharacter(
                            name=cfg.canonical(name),
                            state=text_field(p, "state", limit=300),
                            motivation=text_field(p, "motivation", limit=300),
                        )
                    )
        convs = []
        for j, conv in enumerate(raw.get("conversations") or []):
            if not isinstance(conv, dict):
                continue
            turns = [
                t
                for k, r in enumerate(conv.get("turns") or [])
                if (t := _turn(r, cfg)) is not None and (t := self.turn(t, f"plot{i}/conv{j}/turn{k}"))
            ]
            if len(turns) < cfg.min_turns:
                self.fail(f"plot{i}/conv{j}", "conversation_too_short", f"{len(turns)} verified turns")
                continue
            convs.append(
                Conversation(scenario=text_field(conv, "scenario", "setting", limit=400), turns=turns)
            )
        return Plot(
            id=make_id("plt", c.id, i),
            chunk_ids=[c.id],
            chapter=c.chapter,
            position=c.index * 100 + i,
            summary=text_field(raw, "summary", limit=1200),
            first_sentence=first,
            last_sentence=last,
            characters=people,
            conversations=convs,
        )


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
    help="plots and conversations read from each chunk, every quote and citation checked against it",
)
