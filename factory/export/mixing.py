"""Mix the user's general instruction data into the training set at a stated share.

General rows keep a role-play model able to answer plain questions; the share is of the final
training rows (`n_general / (n_roleplay + n_general)`), and the eval split stays role-play only
because that is what `factory eval` measures. A source smaller than its share is repeated,
and the card says so.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from factory.export.config import GeneralSource, MixConfig
from factory.lang import zh_or_en
from factory.recipe import RecipeError
from factory.records import Message, Sample, iter_user_jsonl, make_id

if TYPE_CHECKING:  # the Recipe is assembled from the stages, which import this module
    from factory.recipe import Recipe

_SHAREGPT_ROLES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "system": "system",
}


def _language(text: str) -> str:
    """zh for a Chinese row, en for the rest (factory/lang/ decides; a stray Han name no longer makes it zh)."""
    return zh_or_en(text)


def _row_messages(row: dict, where: str) -> tuple[str, list[Message]]:
    if "instruction" in row and "output" in row:
        msgs = []
        for h in row.get("history") or []:
            msgs += [
                Message(role="user", content=str(h[0])),
                Message(role="assistant", content=str(h[1]), train=True),
            ]
        prompt = "\n".join(x for x in (str(row["instruction"]), str(row.get("input") or "")) if x)
        msgs += [
            Message(role="user", content=prompt),
            Message(role="assistant", content=str(row["output"]), train=True),
        ]
        return str(row.get("system") or ""), msgs
    turns = row.get("conversations") or row.get("messages")
    if isinstance(turns, list):
        system, msgs = str(row.get("system") or ""), []
        for t in turns:
            role = _SHAREGPT_ROLES.get(str(t.get("from") or t.get("role")))
            content = str(t.get("value") if "value" in t else t.get("content", ""))
            if role is None:
                raise ValueError(f"{where}: unknown role {t.get('from') or t.get('role')!r}")
            if role == "system":
                system = content
            else:
                msgs.append(Message(role=role, content=content, train=role == "assistant"))
        return system, msgs
    raise ValueError(
        f"{where}: not an Alpaca (instruction/output), ShareGPT (conversations) or OpenAI (messages) row"
    )


def load_general(path: Path) -> list[Sample]:
    """Rows of a user's JSONL as `general` samples; a bad line is an error naming file and line."""
    out = []
    for n, row in iter_user_jsonl(path):
        system, msgs = _row_messages(row, f"{path}:{n}")
        if not any(m.role == "assistant" for m in msgs):
            continue
        text = " ".join(m.content for m in msgs)
        out.append(
            Sample(
                id=make_id("gen", path.name, n, text),
                type="general",
                character="",
                language=_language(text),
                system=system,
                messages=msgs,
                source_ids=[f"file:{path.name}#{n}"],
                labels={"source": path.name},
            )
        )
    if not out:
        raise ValueError(f"{path}: no usable rows")
    return out


@dataclass
class MixPart:
    source: str
    available: int
    wanted: int
    repeated: bool
    ratio: float


def counts(n_roleplay: int, ratios: list[float]) -> list[int]:
    """Rows per source so that each is its ratio of the final set."""
    total = sum(ratios)
    if not ratios or total <= 0 or n_roleplay == 0:
        return [0] * len(ratios)
    final = n_roleplay / (1 - total)
    return [round(r * final) for r in ratios]


def pick(rows: list, n: int, seed: int) -> list:
    """n rows in a seeded order, cycling through the source when it is too small."""
    order = list(rows)
    random.Random(seed).shuffle(order)
    return [order[i % len(order)] for i in range(n)] if order else []


def mix_path(src: GeneralSource, recipe: Recipe | None) -> Path:
    if src.path.is_absolute() or recipe is None or recipe.source_path is None:
        return src.path
    return (recipe.source_path.parent / src.path).resolve()


def general_rows(
    mix: MixConfig, recipe: Recipe | None, n_roleplay: int, seed: int, convert
) -> tuple[list, list[MixPart]]:
    """The general rows to add (already converted by `convert(sample) -> list[row]`) and a report."""
    wanted = counts(n_roleplay, [s.ratio for s in mix.general])
    rows, parts = [], []
    for i, (src, n) in enumerate(zip(mix.general, wanted, strict=True)):
        path = mix_path(src, recipe)
        if not path.is_file():
            raise RecipeError(f"mix.general[{i}].path: no such file: {path}")
        converted = [r for s in load_general(path) for r in convert(s)]
        rows += pick(converted, n, seed + i)
        parts.append(MixPart(path.name, len(converted), n, n > len(converted), src.ratio))
    return rows, parts
