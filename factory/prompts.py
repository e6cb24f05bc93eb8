"""Prompt templates live as files under prompts/<lang>/<task>.md, written by the team.

A file holds a system part and a user part, split by the lines `<!-- system -->` and
`<!-- user -->`; `{{name}}` placeholders are filled at render time (no other syntax, so JSON
examples in prompts need no escaping).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from factory.lang import lang_key

_PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
_PART = re.compile(r"^<!--\s*(system|user|assistant)\s*-->\s*$", re.M)


_SHIPPED = Path(__file__).resolve().parent.parent / "prompts"  # resolved once: a plan renders hundreds


def prompts_root() -> Path:
    env = os.environ.get("FACTORY_PROMPTS")
    return Path(env) if env else _SHIPPED


@lru_cache(maxsize=256)
def _load(path: Path) -> tuple[tuple[str, str], ...]:
    text = path.read_text(encoding="utf-8")
    parts = _PART.split(text)
    if len(parts) < 3:
        return (("user", text.strip()),)
    return tuple((parts[i], parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2))


def render(task: str, language: str, **values: object) -> list[dict[str, str]]:
    """Messages for `task` in `language` (any code: zh-CN reads prompts/zh, fr reads prompts/en, as
    lang.lang_key maps it), with placeholders filled; a missing value is a bug."""
    language = lang_key(language)
    path = prompts_root() / language / f"{task}.md"
    if not path.is_file():
        raise FileNotFoundError(f"prompt template missing: {path}")

    def fill(m: re.Match) -> str:
        key = m.group(1)
        if key not in values:
            raise KeyError(f"prompt {language}/{task}.md needs a value for {{{{{key}}}}}")
        return str(values[key])

    return [{"role": role, "content": _PLACEHOLDER.sub(fill, body)} for role, body in _load(path)]
