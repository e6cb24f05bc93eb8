"""Stage: profile -> life-period chunks (no model needed).

The profile is a local file, a Wikipedia page, or both: then the file's sections replace the
Wikipedia sections of the same title and its other sections are added, so a user can correct
or extend an article locally. With both, an unreachable Wikipedia falls back to the file alone.

A whole section shorter than `chunks.min_tokens` (a title line, an editor's note) cannot carry a
scene and is dropped, unless the profile has nothing longer.
"""

from __future__ import annotations

from pydantic import Field

from factory.recipe import RecipeError
from factory.recipe.errors import Strict
from factory.records import Chunk, write_jsonl_atomic
from factory.run.context import RunContext
from factory.run.execute import in_shard
from factory.run.stage import Block, Stage, StagePlan
from factory.sources.chunking import chunk_profile, estimate_tokens
from factory.sources.profile import Profile, load_file_profile

NAME = "chunks"


class ChunksConfig(Strict):
    """How the profile is cut into life-period chunks, the unit every scene is imagined from."""

    max_tokens: int = Field(
        600, ge=50, le=100_000, description="Longest chunk, in estimated tokens: a longer section is split."
    )
    min_tokens: int = Field(
        60,
        ge=1,
        le=100_000,
        description="Shortest chunk worth a scene: shorter sections are "
        "dropped, unless the profile has nothing longer.",
    )


def merge_profiles(base: Profile, override: Profile) -> Profile:
    """`override`'s sections win over same-titled ones in `base`; new ones are appended."""
    mine = {s.title.strip().lower(): s for s in override.sections}
    merged = [mine.pop(s.title.strip().lower(), s) for s in base.sections]
    merged += [s for s in override.sections if s.title.strip().lower() in mine]
    return Profile(base.character, merged)


# profiles read in this process, per (run directory, recipe): the samples stage needs the whole
# profile again, and must not fetch (or fail to fetch) Wikipedia a second time
_READ: dict[tuple, Profile] = {}


def load_profile(ctx: RunContext) -> Profile:
    prof = ctx.recipe.character.profile
    file = prof.file if prof is not None else None
    stat = file.stat() if file is not None and file.is_file() else None
    key = (str(ctx.run.path), ctx.recipe.hash, stat and (stat.st_mtime_ns, stat.st_size))
    if key not in _READ:
        _READ[key] = _read_profile(ctx)
    return _READ[key]


def _read_profile(ctx: RunContext) -> Profile:
    prof = ctx.recipe.character.profile
    base = ctx.recipe.source_path.parent if ctx.recipe.source_path is not None else None
    local = load_file_profile(ctx.character, prof.file, base) if prof.file is not None else None
    if prof.wikipedia is None:
        return local
    from factory.sources import wikipedia  # only when asked: it needs the network the first time

    try:
        wiki = wikipedia.load_profile(ctx)
    except RecipeError as exc:
        if local is None:
            raise
        ctx.log(f"warning: {exc} -- using {prof.file.name} alone")
        return local
    return merge_profiles(wiki, local) if local is not None else wiki


def load_chunks(ctx: RunContext) -> list[Chunk]:
    """The chunks this run wrote (every stage reads them from disk: a stage may run alone)."""
    return [Chunk.model_validate(o) for o in ctx.run.records(NAME)]


def whole_chunks(ctx: RunContext) -> list[Chunk]:
    """Every chunk of the profile, also under `--shard` (whose chunks.jsonl holds its slice): what a
    plan spread over the chunks must see so that a shard plans its part as the whole run does."""
    return _all_chunks(ctx, load_profile(ctx)) if ctx.shard is not None else load_chunks(ctx)


def _all_chunks(ctx: RunContext, profile: Profile) -> list[Chunk]:
    cfg = ctx.recipe.chunks
    chunks = chunk_profile(profile, cfg.max_tokens, cfg.min_tokens)
    if any(estimate_tokens(c.text) >= cfg.min_tokens for c in chunks):
        chunks = [c for c in chunks if estimate_tokens(c.text) >= cfg.min_tokens]
    return chunks


def write_chunks(ctx: RunContext) -> list[Chunk]:
    profile = load_profile(ctx)
    chunks = [c for c in _all_chunks(ctx, profile) if in_shard(c.id, ctx.shard)]
    write_jsonl_atomic(ctx.run.stage_file(NAME), chunks)
    ctx.log(f"chunks: {len(chunks)} from {len(profile.sections)} sections")
    return chunks


async def run(ctx: RunContext) -> None:
    write_chunks(ctx)


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """No model: the chunks are made for real (into the plan's own directory) for the stages after,
    unless that directory was given a run's chunks already."""
    have = ctx.run.stage_file(NAME).exists()
    return StagePlan(makes={NAME: len(load_chunks(ctx) if have else write_chunks(ctx))})


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("chunks", ChunksConfig, default_on=True, nullable=False),),
    makes=(NAME,),
    order=10,
    when=lambda recipe: recipe.character.profile is not None,
    fails_empty=(),
    plan=plan_requests,
    help="the profile cut into life-period chunks (no model)",
)
