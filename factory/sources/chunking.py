"""Life-period chunks: sections split by paragraphs under a token bound, each keeping its source."""

from __future__ import annotations

import re
from pathlib import Path

from factory.bounds import MAX_COUNT
from factory.lang import HAN_RE, has_han
from factory.recipe import RecipeError
from factory.records import Chunk, make_id
from factory.sources.profile import Profile, read_profile_text, sections_from_markdown


def estimate_tokens(text: str) -> int:
    """Cheap, tokenizer-free estimate: ~1 token per CJK character, ~0.75 words per token otherwise."""
    cjk = len(HAN_RE.findall(text))
    rest = HAN_RE.sub(" ", text)
    return cjk + int(len(rest.split()) * 1.33)


def _split_long(paragraph: str, max_tokens: int) -> list[str]:
    if estimate_tokens(paragraph) <= max_tokens:
        return [paragraph]
    sentences = re.split(r"(?<=[.!?。！？])\s*", paragraph)
    out, buf = [], ""
    for s in sentences:
        if buf and estimate_tokens(buf + s) > max_tokens:
            out.append(buf.strip())
            buf = ""
        buf += s + (" " if not has_han(s[-1:]) else "")
    if buf.strip():
        out.append(buf.strip())
    return out


def chunk_profile(profile: Profile, max_tokens: int = 600, min_tokens: int = 60) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in profile.sections:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", section.text) if p.strip()]
        pieces: list[str] = []
        for p in paragraphs:
            pieces.extend(_split_long(p, max_tokens))
        groups: list[str] = []
        buf = ""
        for piece in pieces:
            if buf and estimate_tokens(buf) + estimate_tokens(piece) > max_tokens:
                groups.append(buf)
                buf = ""
            buf = f"{buf}\n\n{piece}" if buf else piece
        if buf:
            if (
                groups
                and estimate_tokens(buf) < min_tokens
                and estimate_tokens(groups[-1]) + estimate_tokens(buf) <= max_tokens * 1.25
            ):
                groups[-1] = f"{groups[-1]}\n\n{buf}"
            else:
                groups.append(buf)
        for text in groups:
            idx = len(chunks)
            chunks.append(
                Chunk(
                    id=make_id("chk", profile.character, section.source, text),
                    character=profile.character,
                    text=text,
                    period=section.title,
                    source=section.source,
                    index=idx,
                )
            )
    return chunks


def spread_budget(chunks: list[Chunk], total: int) -> list[int]:
    """Split `total` over chunks by length (largest remainder); every chunk gets at least one."""
    if not chunks:
        return []
    total = max(total, len(chunks))
    weights = [max(estimate_tokens(c.text), 1) for c in chunks]
    spare = total - len(chunks)
    raw = [spare * w / sum(weights) for w in weights]
    base = [int(r) for r in raw]
    left = spare - sum(base)
    order = sorted(range(len(chunks)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:left]:
        base[i] += 1
    return [1 + b for b in base]


def check_file_profile(path: Path, chunks_cfg, scenes_cfg) -> None:  # noqa: ANN001 - recipe blocks
    """At load: the profile is text, and the scenes it plans fit the bound (per_chunk x chunks can be huge)."""
    profile = Profile("c", sections_from_markdown(read_profile_text(path), "file:"))
    n = len(chunk_profile(profile, chunks_cfg.max_tokens, chunks_cfg.min_tokens))
    if scenes_cfg is None:  # `scenes: null`: no scenes planned
        return
    scenes = max(scenes_cfg.total, n) if scenes_cfg.total else scenes_cfg.per_chunk * n
    if scenes > MAX_COUNT:
        raise RecipeError(
            f"scenes.per_chunk: {scenes_cfg.per_chunk} scenes for each of the profile's {n} chunks is "
            f"{scenes}, over the {MAX_COUNT} a run may plan (set scenes.total or a smaller per_chunk)"
        )
