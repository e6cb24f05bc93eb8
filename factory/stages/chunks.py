"""Stage: profile -> life-period chunks (no model needed)."""

from __future__ import annotations

from factory.context import RunContext
from factory.records import Chunk, write_jsonl_atomic
from factory.sources.chunking import chunk_profile
from factory.sources.profile import Profile, load_file_profile
from factory.stages.base import in_shard

NAME = "chunks"


def load_profile(ctx: RunContext) -> Profile:
    prof = ctx.recipe.character.profile
    if prof.file is not None:
        return load_file_profile(ctx.character, prof.file)
    from factory.sources import wikipedia  # only when asked: it needs the network the first time

    return wikipedia.load_profile(ctx)


async def run(ctx: RunContext) -> list[Chunk]:
    profile = load_profile(ctx)
    cfg = ctx.recipe.chunks
    chunks = chunk_profile(profile, cfg.max_tokens, cfg.min_tokens)
    chunks = [c for c in chunks if in_shard(c.id, ctx.shard)]
    write_jsonl_atomic(ctx.run.stage_file(NAME), chunks)
    ctx.extra["chunks"] = chunks
    ctx.log(f"chunks: {len(chunks)} from {len(profile.sections)} sections")
    return chunks
