"""Verdicts are read as the JSON the schema asked for, and as free text when a judge ignored it."""

import pytest

from factory.engine import ParseError
from factory.evaluate.consistency import PICK
from factory.evaluate.memory import YES_NO
from factory.evaluate.pairwise import WINNER
from factory.evaluate.verdicts import score_reader, score_schema


def test_json_verdicts_are_read_and_bounded():
    read = score_reader()
    v = read('{"reasoning": "Quotes the 1850 birth year. Score: 2 would be unfair.", "score": 6}')
    assert (v.value, v.read) == (6.0, "json") and v.reasoning.startswith("Quotes")
    assert read('```json\n{"reasoning": "ok", "score": "4"}\n```').value == 4.0
    for bad in ('{"reasoning": "x", "score": 0}', '{"reasoning": "x", "score": 9}', '{"score": "high"}'):
        with pytest.raises(ParseError):
            read(bad)
    assert WINNER('{"reasoning": "B stays in role", "choice": "b"}').value == "B"
    assert PICK('{"reasoning": "too smooth", "choice": 2}').value == "2"
    assert YES_NO('{"reasoning": "names Clara", "verdict": "yes"}').value == "yes"  # a label as the key
    with pytest.raises(ParseError):
        WINNER('{"reasoning": "both", "choice": "both"}')


def test_free_text_is_the_fallback():
    v = score_reader()("Reasoning here.\nScore: 3")
    assert (v.value, v.read) == (3.0, "text")
    assert WINNER("A is fine.\nWinner: tie").read == "text"
    with pytest.raises(ParseError):
        score_reader()("A thoughtful answer overall.")


def test_schemas_put_reasoning_first_and_bound_the_verdict():
    s = score_schema()
    assert list(s["properties"]) == ["reasoning", "score"] and s["required"] == ["reasoning", "score"]
    assert s["properties"]["score"] == {"type": "integer", "minimum": 1, "maximum": 7}
    assert s["properties"]["reasoning"]["maxLength"] <= 1000
    assert WINNER.schema["properties"]["choice"]["enum"] == ["A", "B", "tie"]
    assert PICK.schema["properties"]["choice"]["enum"] == ["1", "2"]
