"""Stage: the recipe's book -> book_chunks (chapters cut at scene ends; no model needed).

The `book:` block configures the whole book route (extraction, profiles, samples): one place
for the source, the characters trained and the verification thresholds.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from factory.recipe import RecipeError
from factory.recipe.errors import Strict
from factory.records import make_id, write_jsonl_atomic
from factory.run.context import RunContext
from factory.run.stage import Block, Stage, StagePlan
from factory.sources.book import chunk_book, read_book
from factory.stages.book.lines import find_cast, find_lines
from factory.stages.book.records import BookChunk
from factory.stages.book.verify import check_speaker

NAME = "book_chunks"


class BookConfig(Strict):
    """A book or script to extract real scenes from (the book route: CoSER-style given-circumstance acting)."""

    file: Path = Field(
        description="The book or script (UTF-8 plain text or Markdown), relative to the recipe."
    )
    characters: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="The characters to train, by the name the book uses.",
    )
    top: int | None = Field(
        None,
        ge=1,
        le=100,
        description="Or: train the N characters with the most verified turns (added to `characters`).",
    )
    aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Other names a character goes by "
        "in the book (`Tobias: [Toby]`); speakers are mapped to the first name.",
    )
    max_tokens: int = Field(
        1200,
        ge=100,
        le=100_000,
        description="A chunk's bound; whole scenes are packed up to "
        "it, and only a longer scene is cut (its plots are joined again).",
    )
    quote_threshold: float = Field(
        90.0,
        ge=0,
        le=100,
        description="rapidfuzz partial_ratio a speech must reach "
        "against the chunk's quoted spans to be kept.",
    )
    citation_threshold: float = Field(
        85.0,
        ge=0,
        le=100,
        description="partial_ratio a plot's cited first and last sentence must reach against the chunk.",
    )
    narration_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of an action's or thought's content words that must occur in the chunk.",
    )
    min_turns: int = Field(
        2, ge=1, le=100, description="A conversation with fewer verified turns is dropped."
    )
    thoughts: list[bool] = Field(
        [True],
        min_length=1,
        max_length=2,
        description="Sample variants: with "
        "(true) and/or without (false) the character's thoughts; labelled `thoughts`.",
    )
    motivation: list[bool] = Field(
        [True],
        min_length=1,
        max_length=2,
        description="Sample variants: with and/or without the character's motivation in the system prompt.",
    )
    profiles: bool = Field(
        True,
        description="Build each character's profile per chapter from the plots before "
        "it (a model call each); off: the scene and state alone.",
    )
    boundary: int = Field(
        1,
        ge=0,
        le=20,
        description="Knowledge-boundary questions per character and chapter: "
        "someone asks about a later event, the character answers not knowing it (0: none).",
    )
    max_reply_tokens: int = Field(1500, ge=64, le=32_000, description="max_tokens of an extraction reply.")

    @model_validator(mode="after")
    def _who(self) -> BookConfig:
        if not self.characters and self.top is None:
            raise ValueError("name the `characters` to train, or ask for the `top: N` most present")
        return self

    def check_paths(self, base: Path, key: str = "book") -> None:
        if not self.file.is_absolute():
            self.file = (base / self.file).resolve()
        read_book(self.file, f"{key}.file")

    def names(self, name: str) -> list[str]:
        return [name, *self.aliases.get(name, [])]

    def cast(self, text: str, script: bool) -> list[str]:
        """The book's speakers by their first names: the recipe's, then those the text names."""
        known = [*self.characters, *self.aliases]
        return list(dict.fromkeys(self.canonical(n) for n in find_cast(text, script, known)))

    def canonical(self, speaker: str) -> str:
        """The book's first name for a speaker ("Toby" -> "Tobias"), else the speaker as written."""
        s = speaker.strip()
        for name, others in self.aliases.items():
            if s.lower() in (n.lower() for n in (name, *others)):
                return name
        return s


def load_book_chunks(ctx: RunContext) -> list[BookChunk]:
    return [BookChunk.model_validate(o) for o in ctx.run.records(NAME)]


def write_chunks(ctx: RunContext) -> list[BookChunk]:
    """Read, cut and write the chunks (also for `factory plan`, which counts the requests from them)."""
    cfg = ctx.recipe.book
    book = read_book(cfg.file)
    pieces = chunk_book(book, cfg.max_tokens)
    cast = cfg.cast(cfg.file.read_text(encoding="utf-8"), book.script)
    chunks = [
        BookChunk(
            id=make_id("bch", cfg.file.name, p.chapter, p.scenes, p.text),
            text=p.text,
            chapter=p.chapter,
            chapter_title=p.chapter_title,
            scenes=p.scenes,
            cut=p.cut,
            index=i,
            source=f"book:{cfg.file.name}#{p.chapter_title}",
            script=book.script,
            lines=find_lines(p.text, book.script),
            cast=[n for n in cast if check_speaker(n, p.text, cfg.aliases.get(n, [])).ok],
        )
        for i, p in enumerate(pieces)
    ]
    if not chunks:
        raise RecipeError(f"book.file: {cfg.file}: no text")
    write_jsonl_atomic(ctx.run.stage_file(NAME), chunks)
    return chunks


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """No model: the chunks are made for real (into the plan's directory) for the stages after."""
    have = ctx.run.stage_file(NAME).exists()
    return StagePlan(makes={NAME: len(load_book_chunks(ctx) if have else write_chunks(ctx))})


async def run(ctx: RunContext) -> None:
    cfg = ctx.recipe.book
    chunks = write_chunks(ctx)
    book = read_book(cfg.file)
    ctx.log(
        f"book_chunks: {len(chunks)} from {len(book.chapters)} chapters of {book.title!r}"
        + (" (a script)" if book.script else "")
    )


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("book", BookConfig),),
    switch="book",
    makes=(NAME,),
    order=11,
    fails_empty=(),
    plan=plan_requests,
    help="a book or script cut into chunks at scene ends (no model)",
)
