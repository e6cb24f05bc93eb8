"""EGOS quote style: history folded into one user prompt, one quoted reply that ends the output."""

from __future__ import annotations

from factory.export import quote
from factory.export.convert import Options, sample_dialogue
from factory.records import Sample

from .conftest import CHAR, M, scene_sample


def test_one_row_per_training_reply_with_history_folded():
    rows = quote.fold(sample_dialogue(scene_sample(0, "scn-a"), Options(style="quote")))
    assert len(rows) == 2
    first, second = (r.messages() for r in rows)
    assert first[0][1] == 'Karl: "Good morning, Anna. (scn-a/0)"\nMarie: "The tower clock stopped again."'
    assert first[1] == ("assistant", 'Anna Keller: "Then bring me the escapement, Karl. (0)"', True)
    assert second[0][1].splitlines()[-2:] == [
        'Anna Keller: "Then bring me the escapement, Karl. (0)"',
        'Karl: "Can you fix it today?"',
    ]
    assert all(len(r.turns) == 2 for r in rows)


def test_the_reply_ends_at_its_closing_quote():
    s = Sample(
        id="s",
        type="experience",
        character=CHAR,
        language="en",
        system="",
        messages=[M("user", 'Say "hello".'), M("assistant", 'He said "no"\nand left.', True)],
    )
    (row,) = quote.fold(sample_dialogue(s, Options()))
    user, reply = row.messages()
    assert user[1] == 'Me: "Say “hello”."'
    assert reply[1] == 'Anna Keller: "He said “no” and left."'
    body = reply[1][len(quote.reply_prefix(CHAR)) :]
    assert body.index(quote.STOP) == len(body) - 1  # the first quote the model writes closes the line


def test_chinese_uses_wo_for_the_user():
    s = Sample(
        id="s",
        type="persona_session",
        character="米拉",
        language="zh",
        system="",
        messages=[M("user", "你好"), M("assistant", "你好呀。", True)],
    )
    (row,) = quote.fold(sample_dialogue(s, Options()))
    assert row.messages() == [("user", '我: "你好"', False), ("assistant", '米拉: "你好呀。"', True)]


def test_rows_fold_as_the_chat_runtime_folds():
    from factory import quote_style as runtime

    history = [("user", "Are you tired?"), ("assistant", 'The "music" keeps me up.')]
    s = Sample(
        id="s",
        type="experience",
        character=CHAR,
        language="en",
        system="",
        messages=[M("user", t) if r == "user" else M("assistant", t, True) for r, t in history]
        + [M("user", "Why?"), M("assistant", "Because.", True)],
    )
    last = quote.fold(sample_dialogue(s, Options()))[-1]
    assert last.messages()[0][1] == runtime.fold(history + [("user", "Why?")], CHAR, "en")
    assert runtime.reply_prefix(CHAR) == quote.reply_prefix(CHAR) and runtime.STOP == quote.STOP
