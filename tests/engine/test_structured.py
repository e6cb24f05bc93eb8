import json

import pytest

from factory.engine import ParseError, extract_json, response_format


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{"a": 1}', {"a": 1}),
        ('Sure! Here it is:\n```json\n{"a": [1, 2]}\n```\nHope that helps.', {"a": [1, 2]}),
        ('The scenes are: [{"x": "y"}] and that is all', [{"x": "y"}]),
        ('{"a": "line\nbreak"}', {"a": "line\nbreak"}),  # raw control char: strict=False
        ('```\n{"b": 2}\n```', {"b": 2}),
    ],
)
def test_extract_json_reads_messy_replies(text, expected):
    assert extract_json(text) == expected


@pytest.mark.parametrize("text", ["no json here", "", '{"unterminated": '])
def test_extract_json_refuses_garbage(text):
    with pytest.raises(ParseError):
        extract_json(text)


def test_response_format_per_server_kind():
    schema = {"type": "object"}
    assert response_format(schema, "llamacpp") == {"type": "json_object", "schema": schema}
    assert response_format(schema, "json_schema")["json_schema"]["schema"] == schema
    assert response_format(schema, "json_object") == {"type": "json_object"}
    assert response_format(None, "json_schema") is None
    assert response_format(schema, "none") is None


def test_lone_surrogates_become_writable_text():
    # small models emit half of a surrogate pair as a JSON escape; json.loads keeps it
    value = extract_json('{"line": "A \\ud834 note", "pair": "\\ud834\\udd1e", "k\\udc00": ["\\udfff"]}')
    assert value == {"line": "A \ufffd note", "pair": "\U0001d11e", "k\ufffd": ["\ufffd"]}
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # would raise before the fix
