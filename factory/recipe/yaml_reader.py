"""Read a recipe's YAML without trusting it: no aliases, no duplicate keys, bounded size and depth.

A recipe is shared like a script, so its reader must not be a way to exhaust memory (an alias
"billion laughs" expands to gigabytes through `safe_load`) or to hide a value (a second `name:`
silently winning over the first). A recipe needs none of anchors, aliases or merge keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1 << 20  # 1 MiB: the largest shipped recipe is under 3 KB
MAX_DEPTH = 64  # recipes nest five or six levels deep


class RecipeYAMLError(ValueError):
    """A problem at a line of the file; `line` is 1-based (0: the file as a whole)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and duplicate keys and caps nesting."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise RecipeYAMLError(
                event.start_mark.line + 1,
                f"YAML alias *{event.anchor} is not allowed in a "
                "recipe (anchors, aliases and << merges are refused: write the value out)",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise RecipeYAMLError(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                dup = key in seen
            except TypeError:  # an unhashable key; PyYAML reports it below
                dup = False
            if dup:
                raise RecipeYAMLError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            if not isinstance(key, (list, dict)):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int, str]:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return 0, f"YAML syntax error: {problem}"
    return mark.line + 1, f"YAML syntax error: {problem} (column {mark.column + 1})"


def parse_yaml(text: str) -> Any:
    """One YAML document from `text` (None when empty); RecipeYAMLError on anything refused."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except RecipeYAMLError:
        raise
    except yaml.YAMLError as exc:
        raise RecipeYAMLError(*_yaml_problem(exc)) from None
    except RecursionError:
        raise RecipeYAMLError(0, f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def read_yaml_file(path: Path) -> Any:
    """The document in `path`, read as a recipe; RecipeYAMLError names the line."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise RecipeYAMLError(0, f"{size} bytes, over the {MAX_BYTES} bytes a recipe may have")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise RecipeYAMLError(0, "not a UTF-8 text file") from None
    return parse_yaml(text)


def first_content_line(path: Path) -> int:
    """1-based line of the document's first content (where a wrong top level shows), for errors."""
    lines = path.read_text(encoding="utf-8").splitlines()
    skip = ("#", "---", "%")
    return next(
        (i + 1 for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith(skip)), 1
    )
