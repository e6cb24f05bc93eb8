"""Profile ingestion: a character's life as titled sections, with where each came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from factory.recipe import RecipeError

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass
class Section:
    title: str
    text: str
    source: str  # file:PATH#Title | wikipedia:LANG:TITLE#Section


@dataclass
class Profile:
    character: str
    sections: list[Section] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s.title}\n{s.text}" for s in self.sections)


def sections_from_markdown(text: str, source_prefix: str) -> list[Section]:
    """Split on headings; text before the first heading is an 'Overview' section."""
    sections: list[Section] = []
    title, buf = "Overview", []
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            if "\n".join(buf).strip():
                sections.append(Section(title, "\n".join(buf).strip(), f"{source_prefix}#{title}"))
            title, buf = m.group(2).strip(), []
        else:
            buf.append(line)
    if "\n".join(buf).strip():
        sections.append(Section(title, "\n".join(buf).strip(), f"{source_prefix}#{title}"))
    return sections


def source_label(path: Path, base: Path | None = None) -> str:
    """`file:` label for a profile: its path relative to `base` (the recipe's folder) when inside it,
    else the resolved path, so two profiles with the same file name in different folders stay apart."""
    resolved = Path(path).resolve()
    if base is not None and resolved.is_relative_to(Path(base).resolve()):
        return f"file:{resolved.relative_to(Path(base).resolve()).as_posix()}"
    return f"file:{resolved.as_posix()}"


MAX_PROFILE_BYTES = 16 << 20  # a long biography is a few MB; more is not a profile


def read_profile_text(path: Path, field: str = "character.profile.file") -> str:
    """The profile's text, refused in one line when it is no text at all (binary, empty, a folder).

    Checked when the recipe loads, so `factory validate` says so before any request is made.
    """
    path = Path(path)
    if path.is_dir():
        raise RecipeError(f"{field}: {path} is a directory, not a text file")
    if not path.exists():
        raise RecipeError(f"{field}: no such file: {path}")
    if not path.is_file():
        raise RecipeError(f"{field}: {path} is not a regular file")
    size = path.stat().st_size
    if size > MAX_PROFILE_BYTES:
        raise RecipeError(
            f"{field}: {path} is {size} bytes, over the {MAX_PROFILE_BYTES} bytes a profile may have"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise RecipeError(f"{field}: {path} is a binary file, not UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecipeError(f"{field}: {path} is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise RecipeError(f"{field}: {path} is empty")
    if not sections_from_markdown(text, "file:"):
        raise RecipeError(f"{field}: {path} is empty (headings with no text under them)")
    return text


def load_file_profile(character: str, path: Path, base: Path | None = None) -> Profile:
    """Sections of a local Markdown profile; `base` (the recipe's folder) shortens their source labels."""
    text = read_profile_text(path)
    return Profile(character, sections_from_markdown(text, source_label(path, base)))
