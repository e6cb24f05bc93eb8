"""Judge calls: a request per (item, dimension), temperature 0, cached; outcomes kept apart.

Every judgment ends as exactly one of: a parsed value, `unparsable` (the judge answered but no
score/verdict could be read, even after the parse retry), or `failed` (no answer: transport,
rate limits). Only parsed values enter the statistics; the other two are counted and reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from factory import prompts
from factory.engine import Engine, Request
from factory.evaluate.scoring import parse_choice, parse_score

SINGLE = ("memorization", "values", "personality", "hallucination")
MULTI = ("stability",)
NO_REFERENCE = {"en": "(no profile text available)", "zh": "（没有可用的资料）"}


@dataclass
class Judgment:
    id: str
    dimension: str
    value: Any = None  # score (float) or choice (str) when parsed
    status: str = "ok"  # ok | unparsable | failed
    reasoning: str = ""


def _lang(language: str) -> str:
    return "zh" if language.startswith("zh") else "en"


def request(task: str, dimension: str, item_id: str, language: str, parse: Callable[[str], Any],
            **values: object) -> Request:
    return Request(id=f"{dimension}:{item_id}", stage=f"judge:{dimension}", parse=parse,
                   messages=prompts.render(task, _lang(language), **values), meta={"dimension": dimension})


def rubric_request(dimension: str, item_id: str, language: str, character: str, reference: str,
                   question: str = "", answer: str = "", transcript: str = "") -> Request:
    ref = reference.strip() or NO_REFERENCE[_lang(language)]
    if dimension in MULTI:
        return request(f"judge_{dimension}", dimension, item_id, language, parse_score,
                       character=character, reference=ref, transcript=transcript)
    return request(f"judge_{dimension}", dimension, item_id, language, parse_score,
                   character=character, reference=ref, question=question, answer=answer)


def choice_parser(labels: tuple[str, ...], options: dict[str, str]) -> Callable[[str], str]:
    return lambda text: parse_choice(text, labels, options)


async def judge(engine: Engine, requests: list[Request]) -> list[Judgment]:
    out = []
    async for res in engine.stream(requests):
        dim = res.request.meta.get("dimension", "")
        item = res.request.id.split(":", 1)[1]
        if res.ok:
            out.append(Judgment(item, dim, res.value, "ok", res.text or ""))
        elif res.error in ("parse", "truncated"):
            out.append(Judgment(item, dim, None, "unparsable", res.text or ""))
        else:
            out.append(Judgment(item, dim, None, "failed", f"{res.error}: {res.detail or ''}"))
    return out


def transcript_text(turns: list[tuple[str, str]], character: str, other: str) -> str:
    return "\n".join(f"{character if r == 'assistant' else other}: {t}" for r, t in turns)
