"""Samples -> alternating dialogues: speakers, merging, openers, system modes, weights."""

from __future__ import annotations

from factory.export.convert import Options, sample_dialogue
from factory.export.formats import alpaca_row, openai_row, sharegpt_row
from factory.records import Sample

from .conftest import CHAR, SYSTEM, M, samples, scene_sample


def _sample(messages, **kw) -> Sample:
    return Sample(
        id="smp-t",
        type=kw.pop("type", "experience"),
        character=CHAR,
        language=kw.pop("language", "en"),
        system=SYSTEM,
        messages=messages,
        **kw,
    )


def test_every_dialogue_alternates_and_ends_on_a_training_reply():
    for s in samples():
        d = sample_dialogue(s, Options())
        if d is None:
            assert not any(m.train for m in s.messages)
            continue
        roles = [t.role for t in d.turns]
        assert roles == ["user", "assistant"] * (len(roles) // 2), s.id
        assert d.turns[-1].train


def test_other_characters_are_named_on_the_user_side_and_the_tail_is_cut():
    row = sharegpt_row(sample_dialogue(scene_sample(0, "scn-a"), Options()))
    conv = row["conversations"]
    assert conv[0] == {
        "from": "human",
        "value": "Karl: Good morning, Anna. (scn-a/0)\nMarie: The tower clock stopped again.",
    }
    assert conv[-1]["from"] == "gpt" and conv[-1]["value"] == "By noon, if the spring holds."
    assert all("Thank you." not in c["value"] for c in conv)  # after the last reply: nothing to learn
    assert row["system"] == SYSTEM


def test_character_speaking_first_gets_an_opener_and_consecutive_lines_merge():
    d = sample_dialogue(
        _sample(
            [
                M("assistant", "Who is there?", True),
                M("user", "Me.", name="Karl"),
                M("assistant", "Close it.", True),
                M("assistant", "(She sighs.)", True),
            ]
        ),
        Options(),
    )
    msgs = d.messages()
    assert msgs[0][0] == "user" and d.turns[0].opener
    assert msgs[-1] == ("assistant", "Close it.\n(She sighs.)", True)


def test_another_character_on_the_assistant_side_counts_as_context():
    d = sample_dialogue(
        _sample(
            [
                M("user", "Hello"),
                M("assistant", "Hello, Anna!", name="Marie"),
                M("assistant", "Good day.", True),
            ]
        ),
        Options(),
    )
    assert d.messages() == [("user", "Hello\nMarie: Hello, Anna!", False), ("assistant", "Good day.", True)]


def test_names_already_written_by_the_generator_are_not_doubled():
    d = sample_dialogue(
        _sample([M("user", "Karl: Hi.", name="Karl"), M("assistant", "Hi.", True)]), Options()
    )
    assert d.messages()[0][1] == "Karl: Hi."


def test_others_in_the_system_prompt():
    d = sample_dialogue(scene_sample(0, "scn-a"), Options(others="system"))
    assert "The scene so far:\nKarl: Good morning, Anna. (scn-a/0)\nMarie: The tower clock" in d.system
    assert d.turns[0].opener  # the scene's opening lines left the user side
    assert all("Marie:" not in c for _, c, _ in d.messages())


def test_system_modes():
    s = scene_sample(0, "scn-a")
    assert sample_dialogue(s, Options(system="short")).system == "You are Anna Keller. Stay in character."
    assert sample_dialogue(s, Options(system="none")).system == ""
    assert "messages" in openai_row(sample_dialogue(s, Options(system="none")))
    assert openai_row(sample_dialogue(s, Options(system="none")))["messages"][0]["role"] == "user"
    zh = _sample([M("user", "你好"), M("assistant", "你好。", True)], language="zh")
    assert (
        sample_dialogue(zh, Options(system="short")).system
        == "你是Anna Keller。请始终以Anna Keller的身份说话。"
    )


def test_a_greeting_is_context_in_the_system_prompt_not_an_assistant_turn():
    persona = next(s for s in samples() if s.type == "persona_session")
    msgs = openai_row(sample_dialogue(persona, Options()))["messages"]
    assert msgs == [
        {
            "role": "system",
            "content": "You are Mira, a bard.\n\nThe scene so far:\nMira: Welcome, traveller!",
        },
        {"role": "user", "content": "Sing for me?"},
        {"role": "assistant", "content": "A song about the sea, then.", "weight": 1},
    ]
    row = sharegpt_row(sample_dialogue(persona, Options()))
    assert [c["from"] for c in row["conversations"]] == ["human", "gpt"]
    assert "Welcome, traveller!" in row["system"]


def test_without_a_system_prompt_a_greeting_goes_to_the_user_side():
    persona = next(s for s in samples() if s.type == "persona_session")
    d = sample_dialogue(persona, Options(system="none"))
    assert d.messages() == [
        ("user", "Mira: Welcome, traveller!\nSing for me?", False),
        ("assistant", "A song about the sea, then.", True),
    ]


def test_the_characters_own_context_line_mid_dialogue_is_on_the_user_side():
    d = sample_dialogue(
        _sample(
            [
                M("user", "Hello", name="Karl"),
                M("assistant", "Yes?", name=CHAR),
                M("user", "The clock.", name="Karl"),
                M("assistant", "Tomorrow.", True),
            ]
        ),
        Options(),
    )
    assert d.messages() == [
        ("user", f"Karl: Hello\n{CHAR}: Yes?\nKarl: The clock.", False),
        ("assistant", "Tomorrow.", True),
    ]
    assert all(m.get("weight", 1) == 1 for m in openai_row(d)["messages"])


def test_quote_style_keeps_the_greeting_in_the_folded_history():
    from factory.export import quote

    persona = next(s for s in samples() if s.type == "persona_session")
    [d] = quote.fold(sample_dialogue(persona, Options(style="quote")))
    assert d.system == "You are Mira, a bard."
    assert d.messages()[0][1] == 'Mira: "Welcome, traveller!"\nMe: "Sing for me?"'


def test_alpaca_history_holds_the_earlier_pairs():
    row = alpaca_row(sample_dialogue(scene_sample(0, "scn-a"), Options()))
    assert row["instruction"] == "Karl: Can you fix it today?" and row["input"] == ""
    assert row["output"] == "By noon, if the spring holds."
    assert row["history"] == [
        [
            "Karl: Good morning, Anna. (scn-a/0)\nMarie: The tower clock stopped again.",
            "Then bring me the escapement, Karl. (0)",
        ]
    ]
