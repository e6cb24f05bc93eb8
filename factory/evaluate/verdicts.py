"""Structured verdicts: the JSON object a judge is asked for, and how its reply is read.

Every judge request carries a bounded schema (reasoning first, so the model thinks before it
commits, then a score in range or a choice from a closed set); the engine sends it in the
server's structured-output dialect. Whatever comes back is read as JSON first and, when the
server ignored the schema, by the lenient free-text reader, so a chatty judge still counts.
`Verdict.read` records which of the two it took.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from factory.engine import ParseError, extract_json
from factory.evaluate.scoring import parse_choice, parse_score

REASONING = {"type": "string", "minLength": 1, "maxLength": 400}  # fits --judge-max-tokens in zh too


@dataclass(frozen=True)
class Verdict:
    value: Any  # a score (float) or a choice (str)
    read: str  # json | text
    reasoning: str


def score_schema(low: int = 1, high: int = 7) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["reasoning", "score"],
        "properties": {"reasoning": REASONING, "score": {"type": "integer", "minimum": low, "maximum": high}},
    }


def choice_schema(choices: tuple[str, ...]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["reasoning", "choice"],
        "properties": {"reasoning": REASONING, "choice": {"type": "string", "enum": list(choices)}},
    }


def _object(text: str) -> dict | None:
    try:
        data = extract_json(text)
    except ParseError:
        return None
    return data if isinstance(data, dict) else None


def score_reader(low: int = 1, high: int = 7) -> Callable[[str], Verdict]:
    def read(text: str) -> Verdict:
        data = _object(text)
        if data is not None and "score" in data:
            try:
                value = float(data["score"])
            except (TypeError, ValueError):
                raise ParseError(f"score is not a number: {data['score']!r}") from None
            if not low <= value <= high:
                raise ParseError(f"score {value:g} outside {low}-{high}")
            return Verdict(value, "json", str(data.get("reasoning", "")))
        return Verdict(parse_score(text, low, high), "text", text)

    return read


@dataclass(frozen=True)
class ChoiceTask:
    """A closed question: `labels` name the verdict in prose, `options` map what a judge may say."""

    labels: tuple[str, ...]
    options: dict[str, str]  # lower-case spelling -> canonical choice

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.options.values()))

    @property
    def schema(self) -> dict:
        return choice_schema(self.choices)

    def __call__(self, text: str) -> Verdict:
        data = _object(text)
        key = next((k for k in ("choice", *self.labels) if data is not None and k in data), None)
        if key is not None:
            said = str(data[key]).strip().lower()
            if said not in self.options:
                raise ParseError(f"{key} {data[key]!r} is not one of {', '.join(self.choices)}")
            return Verdict(self.options[said], "json", str(data.get("reasoning", "")))
        return Verdict(parse_choice(text, self.labels, self.options), "text", text)
