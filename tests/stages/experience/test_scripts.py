"""The scene-script reader against messy model output: what is kept, what is refused and why."""

from __future__ import annotations

import json

import pytest

from factory.engine import ParseError
from factory.stages.experience.scripts import ScriptRules, read_turns, script_schema
from factory.stages.shared.markup import render, split_inline, split_markup, strip_wrappers

EN = ScriptRules(
    "Ludwig van Beethoven",
    "en",
    ["Ludwig van Beethoven", "Karl van Beethoven", "Anton Schindler"],
    aliases=["Beethoven", "Ludwig"],
    min_turns=3,
    max_turns=12,
    max_chars=300,
)
ZH = ScriptRules(
    "苏轼", "zh", ["苏轼", "苏辙"], aliases=["苏东坡", "东坡", "子瞻"], min_turns=3, max_chars=150
)


def turns(text: str, rules: ScriptRules = EN) -> list[tuple[str, str, str]]:
    return [(t.speaker, t.mode, t.text) for t in read_turns(text, rules)]


def test_prose_fences_odd_keys_and_wrong_speaker_names():
    reply = """Of course! Here is the scene you asked for:
```json
{"Script": [
  {"name": "Narrator", "type": "description", "content": "Rain beats on the window."},
  {"speaker": "Karl", "text": "\\"Uncle, are you awake?\\""},
  {"speaker": "Karl (thinking)", "text": "He looks ill."},
  {"speaker": "Beethoven", "mode": "speaking", "text": "*turns slowly* Of course I am awake. (thinking: the boy lies)"},
  {"speaker": "{{character}}", "action": "waves him to a chair"},
  {"Ludwig": "Sit down."},
  {"speaker": "Schindler", "mode": "speech"}
]}
```
I hope this helps!"""
    assert turns(reply) == [
        ("narrator", "narration", "Rain beats on the window."),
        (
            "Karl van Beethoven",
            "speech",
            "Uncle, are you awake?",
        ),  # short name -> participant; quotes stripped
        # Karl's thought is dropped: only the target character's mind is open
        ("Ludwig van Beethoven", "action", "turns slowly"),
        ("Ludwig van Beethoven", "speech", "Of course I am awake."),
        ("Ludwig van Beethoven", "thought", "the boy lies"),
        ("Ludwig van Beethoven", "action", "waves him to a chair"),
        ("Ludwig van Beethoven", "speech", "Sit down."),
        # Schindler's turn has no text: dropped
    ]


def test_character_llm_plain_text_lines_are_read_when_no_json_comes():
    reply = (
        "Background: Vienna, 1824.\nKarl van Beethoven (speaking): The hall is full.\n"
        "Beethoven (thinking): I cannot hear them.\nBeethoven (speaking): Then let them wait.\n(The door opens.)"
    )
    assert turns(reply) == [
        ("narrator", "narration", "Vienna, 1824."),
        ("Karl van Beethoven", "speech", "The hall is full."),
        ("Ludwig van Beethoven", "thought", "I cannot hear them."),
        ("Ludwig van Beethoven", "speech", "Then let them wait."),
        ("narrator", "narration", "The door opens."),
    ]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ('{"turns": [{"speaker": "Karl", "mode": "speech", "text": "Uncle, the', "truncated"),
        ("I am sorry, I cannot write that.", "no JSON"),
        (
            json.dumps(
                {
                    "turns": [
                        {"speaker": "Karl", "text": "Hello?"},
                        {"speaker": "Karl", "text": "Uncle?"},
                        {"speaker": "Beethoven", "mode": "action", "text": "sleeps"},
                    ]
                }
            ),
            "no spoken line",
        ),
        (
            json.dumps(
                {
                    "turns": [
                        {"speaker": "Karl", "text": "Are you an AI?"},
                        {"speaker": "Beethoven", "text": "As an AI language model, I cannot have feelings."},
                        {"speaker": "Karl", "text": "Oh."},
                    ]
                }
            ),
            "assistant disclaimer",
        ),
        (json.dumps({"turns": [{"speaker": "Beethoven", "text": "Yes."}]}), "too short"),
    ],
)
def test_unusable_scripts_are_refused_with_a_reason(reply, reason):
    with pytest.raises(ParseError, match=reason):
        read_turns(reply, EN)


def test_repeated_lines_collapse_so_a_looping_model_cannot_pad_a_script():
    loop = [{"speaker": "Karl", "text": "Uncle?"}, {"speaker": "Beethoven", "text": "What?"}] * 5
    with pytest.raises(ParseError, match="too short: 2"):
        read_turns(json.dumps({"turns": loop}), EN)


def test_mixed_languages_drop_a_stray_line_but_refuse_a_foreign_script():
    mostly_zh = {
        "turns": [
            {"speaker": "苏辙", "text": "「兄长，今夜月色甚好。」"},
            {"speaker": "苏东坡（心想）", "text": "子由又瘦了"},
            {"speaker": "苏轼", "text": "Yes, the moon is very bright tonight, my brother."},
            {"speaker": "子瞻", "mode": "speech", "text": "但愿人长久。"},
            {"speaker": "苏辙", "mode": "动作", "text": "（举杯）"},
        ]
    }
    assert turns(json.dumps(mostly_zh, ensure_ascii=False), ZH) == [
        ("苏辙", "speech", "兄长，今夜月色甚好。"),
        ("苏轼", "thought", "子由又瘦了"),
        ("苏轼", "speech", "但愿人长久。"),
        ("苏辙", "action", "举杯"),
    ]
    english = {
        "turns": [
            {"speaker": "苏辙", "text": "The moon is bright tonight."},
            {"speaker": "苏轼", "text": "Indeed it is, brother."},
            {"speaker": "苏轼", "text": "好。"},
        ]
    }
    with pytest.raises(ParseError, match="mixed languages"):
        read_turns(json.dumps(english), ZH)
    chinese_in_en = {
        "turns": [
            {"speaker": "Karl", "text": "你好，叔叔，今天天气很好。"},
            {"speaker": "Beethoven", "text": "我听不见你说什么。"},
            {"speaker": "Karl", "text": "Hm."},
        ]
    }
    with pytest.raises(ParseError, match="mixed languages"):
        read_turns(json.dumps(chinese_in_en, ensure_ascii=False), EN)


def test_schema_is_bounded_for_llama_cpp():
    schema = script_schema(["A", "narrator"], 4, 12, 300)
    turns_ = schema["properties"]["turns"]
    assert turns_["maxItems"] == 12 and turns_["minItems"] == 4
    assert turns_["items"]["properties"]["text"] == {"type": "string", "maxLength": 300, "minLength": 1}
    assert turns_["items"]["properties"]["speaker"]["enum"] == ["A", "narrator"]
    assert turns_["items"]["properties"]["mode"]["enum"] == ["speech", "thought", "action", "narration"]


def test_markup_round_trips_per_language():
    en = " ".join(
        [
            render("action", "bows", "en"),
            render("speech", '"Good evening."', "en"),
            render("thought", "thinking: what a bore", "en"),
        ]
    )
    assert en == "*bows* Good evening. (thinking: what a bore)"
    assert split_markup(en, "en") == [
        ("action", "bows"),
        ("speech", "Good evening."),
        ("thought", "what a bore"),
    ]
    zh = (
        render("speech", "久仰。", "zh")
        + render("action", "（拱手）", "zh")
        + render("thought", "心想：此人可疑", "zh")
    )
    assert zh == "「久仰。」（拱手）（心想：此人可疑）"
    assert split_markup(zh, "zh") == [("speech", "久仰。"), ("action", "拱手"), ("thought", "此人可疑")]
    assert split_inline("*sighs* Fine. (Really.)", "en") == [
        ("action", "sighs"),
        ("speech", "Fine. (Really.)"),
    ]
    assert strip_wrappers('"a" and "b"') == '"a" and "b"'
