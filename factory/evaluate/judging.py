"""Judge calls: a request per (item, dimension), temperature 0, cached; outcomes kept apart.

Every judgment ends as exactly one of: a parsed value, `unparsable` (the judge answered but no
score/verdict could be read, even after the parse retry), or `failed` (no answer: transport,
rate limits). Only parsed values enter the statistics; the other two are counted and reported.

Requests carry a verdict schema (`verdicts.py`). A server that refuses the schema outright
(HTTP 400/422: no structured-output support) is asked again without it, and its free text is
read leniently, so a judge without structured output still works.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from factory import prompts
from factory.engine import Engine, Request
from factory.evaluate.verdicts import ChoiceTask, Verdict, score_reader, score_schema
from factory.lang import lang_key

SINGLE = ("memorization", "values", "personality", "hallucination")
MULTI = ("stability",)
NO_REFERENCE = {"en": "(no profile text available)", "zh": "（没有可用的资料）"}
SCHEMA_REFUSED = ("http_400", "http_422")


@dataclass
class Judgment:
    id: str
    dimension: str
    value: Any = None  # score (float) or choice (str) when parsed
    status: str = "ok"  # ok | unparsable | failed
    reasoning: str = ""
    read: str | None = None  # json | text, when parsed


def request(
    task: str,
    dimension: str,
    item_id: str,
    language: str,
    reader: ChoiceTask | None = None,
    sample_index: int = 0,
    **values: object,
) -> Request:
    """A judge request; `reader` None means a 1-7 score."""
    parse, schema = (reader, reader.schema) if reader is not None else (score_reader(), score_schema())
    return Request(
        id=f"{dimension}:{item_id}",
        stage=f"judge:{dimension}",
        parse=parse,
        schema=schema,
        messages=prompts.render(task, lang_key(language), **values),
        meta={"dimension": dimension},
        sample_index=sample_index,
    )


def rubric_request(
    dimension: str,
    item_id: str,
    language: str,
    character: str,
    reference: str,
    question: str = "",
    answer: str = "",
    transcript: str = "",
    sample_index: int = 0,
) -> Request:
    ref = reference.strip() or NO_REFERENCE[lang_key(language)]
    if dimension in MULTI:
        return request(
            f"judge_{dimension}",
            dimension,
            item_id,
            language,
            sample_index=sample_index,
            character=character,
            reference=ref,
            transcript=transcript,
        )
    return request(
        f"judge_{dimension}",
        dimension,
        item_id,
        language,
        sample_index=sample_index,
        character=character,
        reference=ref,
        question=question,
        answer=answer,
    )


def choice_parser(labels: tuple[str, ...], options: dict[str, str]) -> ChoiceTask:
    return ChoiceTask(labels, options)


def _judgment(res) -> Judgment:
    dim = res.request.meta.get("dimension", "")
    item = res.request.id.split(":", 1)[1]
    if res.ok:
        v: Verdict = res.value
        return Judgment(item, dim, v.value, "ok", v.reasoning, v.read)
    if res.error in ("parse", "truncated"):
        return Judgment(item, dim, None, "unparsable", res.text or "")
    return Judgment(item, dim, None, "failed", f"{res.error}: {res.detail or ''}")


async def judge(engine: Engine, requests: list[Request]) -> list[Judgment]:
    out, refused = [], []
    async for res in engine.stream(requests):
        if not res.ok and res.error in SCHEMA_REFUSED and res.request.schema is not None:
            refused.append(dataclasses.replace(res.request, schema=None))
        else:
            out.append(_judgment(res))
    if refused:
        out += [_judgment(res) async for res in engine.stream(refused)]
    return out


def transcript_text(turns: list[tuple[str, str]], character: str, other: str) -> str:
    return "\n".join(f"{character if r == 'assistant' else other}: {t}" for r, t in turns)
