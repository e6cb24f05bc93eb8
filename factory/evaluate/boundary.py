"""Knowledge-boundary cases: the run's protection scenes that test what the character could know.

Character-LLM's protective experiences teach a model to stay ignorant of what its character
never knew; TimeChara measures it by asking at a fixed point of the character's timeline. The
cases are the run's protection samples of the subtypes that are about knowledge (anachronism,
future spoiler, out of expertise), those the export held out of training first; without
samples, the protection scenes themselves. The timeline point is the recipe's
`character.timeline_point` (export/recipe.yaml), else the scene's own time.

`obvious` is the offline check: speaking as an AI, or naming a year after the timeline point
that the question did not name, is out of bounds whatever a judge says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from factory.records import iter_jsonl

SUBTYPES = ("anachronism", "future_spoiler", "out_of_expertise")
_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")
_AI_SELF = re.compile(
    r"\b(?:as an ai|i am an ai|i'm an ai|language model|as an assistant)\b|作为(?:一个)?(?:AI|人工智能|语言模型|助手)|我是(?:一个)?(?:AI|人工智能|语言模型)",
    re.I,
)


@dataclass
class KnowledgeCase:
    id: str
    subtype: str
    question: str
    timeline: str  # the character's present, as text
    background: str = ""


def timeline_point(run: Path) -> str:
    try:
        data = yaml.safe_load((run / "export" / "recipe.yaml").read_text(encoding="utf-8")) or {}
        return str((data.get("character") or {}).get("timeline_point") or "")
    except (OSError, yaml.YAMLError, AttributeError):
        return ""


def load_cases(
    run: Path, samples: list[dict], held_out: set[str] | None, notes: list[str]
) -> list[KnowledgeCase]:
    point = timeline_point(run)
    mine = [
        s
        for s in samples
        if str(s.get("type", "")).split(":", 1)[-1] in SUBTYPES
        and str(s.get("type", "")).startswith("protection:")
        and (s.get("labels") or {}).get("question")
    ]
    if mine:
        unseen = [s for s in mine if held_out is not None and s.get("id") in held_out]
        if not unseen:
            notes.append(
                "knowledge-boundary scenes come from samples that may have been trained on "
                "(none held out in export/split.json)"
            )
        return [
            KnowledgeCase(
                s["id"],
                s["type"].split(":", 1)[1],
                str(s["labels"]["question"]),
                point or str(s["labels"].get("time") or s["labels"].get("period") or ""),
            )
            for s in (unseen or mine)
        ]
    scenes = [
        s
        for s in iter_jsonl(run / "protection_scenes.jsonl")
        if s.get("subtype") in SUBTYPES and s.get("question")
    ]
    if scenes:
        notes.append(
            "knowledge-boundary scenes come from protection_scenes.jsonl (their scripts may have been trained on)"
        )
    return [
        KnowledgeCase(
            s["id"],
            s["subtype"],
            str(s["question"]),
            point or str(s.get("time") or ""),
            str(s.get("background") or ""),
        )
        for s in scenes
    ]


def obvious(case: KnowledgeCase, answer: str) -> str | None:
    """Why `answer` is plainly out of bounds, or None when a judge has to decide."""
    if _AI_SELF.search(answer):
        return "speaks as an AI"
    now = _YEAR.findall(case.timeline)
    if now:
        asked = set(_YEAR.findall(case.question))
        later = sorted({y for y in _YEAR.findall(answer) if int(y) > int(now[0]) and y not in asked})
        if later:
            return f"names {', '.join(later)}, after {now[0]}"
    return None
