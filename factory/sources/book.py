"""A book or script as chapters of scenes, cut into chunks that never end inside a scene.

Chapters are Markdown headings (`#`/`##`), or plain-text heading lines (`Chapter 3`, `CHAPTER THREE`,
`第三章 ……`, `ACT II`). Scenes inside a chapter are separated by a break line (`***`, `* * *`, `---`,
`＊＊＊`, `#`) or, in a screenplay, start at a slugline (`INT. KITCHEN - NIGHT`, `EXT. ...`, `内景 茶馆 夜`). Scenes are
packed into chunks under a token bound; only a scene longer than the bound is cut (at paragraphs),
and the chunk that ends inside it says so (`cut`), so the plots of that scene can be joined again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from factory.recipe import RecipeError
from factory.sources.chunking import estimate_tokens

_MD_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_TEXT_HEADING = re.compile(
    r"^\s*(?:(?:chapter|act|part|book)\s+[\w\-]+\b.*|第[一二三四五六七八九十百零〇两\d]+[章回幕节卷部].*)\s*$",
    re.I,
)
_BREAK = re.compile(r"^\s*(?:[*＊]\s*){3,}\s*$|^\s*-{3,}\s*$|^\s*#\s*$|^\s*[~～]{3,}\s*$")
SCENE_BREAK = "\n\n* * *\n\n"  # between the scenes of one chunk, so the extractor sees where one ends
# a scene heading: `INT. KITCHEN - NIGHT`, and the Chinese 剧本's `内景 茶馆 夜` / `外景…` / `第三场` / `场景二`
_NUMERAL = "一二三四五六七八九十百零〇两\\d"
SLUGLINE = re.compile(
    r"^\s*(?:(?:INT|EXT|INT\./EXT|I/E)[.\s]"
    r"|(?:\d+[.、．]\s*)?(?:内景|外景|内外景|内/外景)(?:[\s·．.。、：:]|$)"
    rf"|第[{_NUMERAL}]+场(?:[\s：:]|$)|场景[{_NUMERAL}]+(?:[\s：:]|$))",
    re.I,
)


@dataclass
class Chapter:
    title: str
    scenes: list[str] = field(default_factory=list)


@dataclass
class Book:
    title: str
    chapters: list[Chapter]
    script: bool = False  # a screenplay: speech lines carry no quote marks


@dataclass
class BookPiece:
    """One chunk's text and where it lies: chapter, the scenes it holds, whether it ends mid-scene."""

    chapter: int
    chapter_title: str
    text: str
    scenes: list[int]
    cut: bool = False


def _scenes(lines: list[str]) -> list[str]:
    scenes: list[list[str]] = [[]]
    for line in lines:
        if _BREAK.match(line):
            scenes.append([])
            continue
        if SLUGLINE.match(line) and any(x.strip() for x in scenes[-1]):
            scenes.append([])
        scenes[-1].append(line)
    return [t for t in ("\n".join(s).strip() for s in scenes) if t]


def parse_book(text: str, default_title: str = "Book") -> Book:
    """Chapters and their scenes; text before the first chapter heading is a chapter of its own."""
    title = default_title
    chapters: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    for line in text.splitlines():
        md = _MD_HEADING.match(line)
        if md and len(md.group(1)) == 1 and not chapters and current is None:
            title = md.group(2).strip()  # the book's own title line
            continue
        if md or _TEXT_HEADING.match(line):
            current = ((md.group(2) if md else line).strip(), [])
            chapters.append(current)
            continue
        if current is None:
            current = ("", [])
            chapters.append(current)
        current[1].append(line)
    out = [Chapter(name or str(i + 1), _scenes(lines)) for i, (name, lines) in enumerate(chapters)]
    out = [c for c in out if c.scenes]
    script = sum(bool(SLUGLINE.match(x)) for x in text.splitlines()) >= 2
    return Book(title, out, script)


def _paragraphs(scene: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", scene) if p.strip()]


def chunk_book(book: Book, max_tokens: int) -> list[BookPiece]:
    """Whole scenes packed up to `max_tokens` per chunk, chapter by chapter; a longer scene alone
    is cut at paragraph ends and each piece but its last is marked `cut`."""
    return [p for ci, chapter in enumerate(book.chapters) for p in _pack(ci, chapter, max_tokens)]


def _pack(ci: int, chapter: Chapter, max_tokens: int) -> list[BookPiece]:
    pieces: list[BookPiece] = []
    buf: list[str] = []
    held: list[int] = []

    def flush(cut: bool = False, sep: str = SCENE_BREAK) -> None:
        if buf:
            pieces.append(BookPiece(ci, chapter.title, sep.join(buf), list(held), cut))
            buf.clear()
            held.clear()

    for si, scene in enumerate(chapter.scenes):
        if estimate_tokens(scene) > max_tokens:
            flush()
            for para in _paragraphs(scene):
                if buf and estimate_tokens("\n\n".join([*buf, para])) > max_tokens:
                    flush(cut=True, sep="\n\n")
                buf.append(para)
                if si not in held:
                    held.append(si)
            flush(sep="\n\n")
            continue
        if buf and estimate_tokens(SCENE_BREAK.join([*buf, scene])) > max_tokens:
            flush()
        buf.append(scene)
        held.append(si)
    flush()
    return pieces


def read_book(path: Path, where: str = "book.file") -> Book:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecipeError(f"{where}: no such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise RecipeError(f"{where}: {path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise RecipeError(f"{where}: {path}: {exc.strerror}") from None
    book = parse_book(text, path.stem)
    if not book.chapters:
        raise RecipeError(f"{where}: {path}: no text")
    return book
