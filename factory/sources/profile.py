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


def load_file_profile(character: str, path: Path, base: Path | None = None) -> Profile:
    """Sections of a local Markdown profile; `base` (the recipe's folder) shortens their source labels."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecipeError(f"character.profile.file: no such file: {path}") from None
    except UnicodeDecodeError:
        raise RecipeError(f"character.profile.file: {path} is not UTF-8 text") from None
    sections = sections_from_markdown(text, source_label(path, base))
    if not sections:
        raise RecipeError(f"character.profile.file: {path} is empty")
    return Profile(character, sections)
