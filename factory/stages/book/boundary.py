"""What a character may know at a point of the story, and the check that a text keeps to it.

The story so far for a chapter is every verified plot before it (TimeChara's point in the
timeline). A text written for that point "knows later" when it uses content words that the book
only has from that chapter on: found nowhere in the text so far, but in the later chunks.
"""

from __future__ import annotations

from factory.lang import is_zh
from factory.stages.book.records import BookChunk, Plot
from factory.stages.book.verify import content_words


def story_so_far(plots: list[Plot], chapter: int, character: str, language: str) -> str:
    """The plots before `chapter` as lines, with the character's state where the plot has it."""
    lines = []
    for p in plots:
        if p.chapter >= chapter:
            break
        me = next((c for c in p.characters if c.name == character), None)
        state = ""
        if me and me.state:
            state = f"（{character}：{me.state}）" if is_zh(language) else f" ({character}: {me.state})"
        lines.append(f"- {p.summary}{state}")
    return "\n".join(lines)


def later_words(chunks: list[BookChunk], chapter: int) -> set[str]:
    """Content words the book has only from `chapter` on."""
    before = set().union(*(content_words(c.text) for c in chunks if c.chapter < chapter))
    after = set().union(*(content_words(c.text) for c in chunks if c.chapter >= chapter))
    return after - before


def leaks(text: str, chunks: list[BookChunk], chapter: int, allowed: str = "") -> list[str]:
    """The words of `text` that only the chapters from `chapter` on have (minus those in `allowed`)."""
    return sorted((content_words(text) & later_words(chunks, chapter)) - content_words(allowed))
