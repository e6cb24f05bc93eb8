"""The reader finds the spoken lines itself, so the model only points at them: one line a quoted
paragraph (its spans joined), 「」 and “” alike, marked L<n> where it starts; a speech tag names
who may say it."""

from __future__ import annotations

from factory.stages.book.extract import extract_schema, numbered
from factory.stages.book.lines import find_cast, find_lines, tagged
from factory.stages.book.records import BookChunk

EN = """Mara set the lamp down. "I won't go," she said, and looked at the rain, "not tonight."

Tobias laughed. "Then the ferry leaves without you," said Tobias.

* * *

The rain came harder."""
ZH = "阿宁把灯放下。「我不走，」阿宁说，「今晚不走。」\n\n陈舟笑了。“那渡船就不等你了。”"


def test_lines_are_found_joined_and_numbered_where_they_stand():
    lines = find_lines(EN, script=False)
    assert [(x.text, x.paragraph) for x in lines] == [
        ("I won't go, not tonight.", 0),
        ("Then the ferry leaves without you.", 1),  # the tag's comma closes as a full stop
    ]
    assert [x.text for x in find_lines(ZH, script=False)] == ["我不走，今晚不走。", "那渡船就不等你了。"]
    chunk = BookChunk(id="c", text=EN, chapter=0, lines=lines, cast=["Mara", "Tobias"])
    shown = numbered(chunk)
    assert '[1] Mara set the lamp down. L1 "I won' in shown and "[2] Tobias laughed. L2 " in shown
    assert "* * *\n\n[3] The rain came harder." in shown  # the scene break stays, unnumbered
    schema = extract_schema(chunk)["properties"]["plots"]["items"]["properties"]
    turn = schema["conversations"]["items"]["properties"]["turns"]
    assert turn["items"]["properties"]["line"]["enum"] == [1, 2] and turn["minItems"] == 2
    assert turn["items"]["properties"]["speaker"]["enum"] == ["Mara", "Tobias"]
    assert schema["first_paragraph"]["enum"] == [1, 2, 3]


def test_speech_tags_and_the_cast():
    names = {"Mara": [], "Tobias": ["Toby"]}
    assert tagged('"Go," said Toby.', names) == {"Tobias"} and tagged('"Go," Mara said.', names) == {"Mara"}
    assert tagged('Mara looked at Tobias. "Go."', names) == set()  # named, but not as the speaker
    assert tagged("「走吧，」阿宁说。", {"阿宁": [], "陈舟": []}) == {"阿宁"}
    text = '"A," said Hale. "B," Hale said. "C," said Mara. "D," She said.'
    assert find_cast(text, False, ["Edda"]) == ["Edda", "Hale"]  # tagged twice; pronouns are not names
