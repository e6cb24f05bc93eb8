"""Protection check: a judge says whether the character reacted as someone who cannot know; scripts
that play along (or answer as an assistant) stay out of the samples, unrated ones stay in."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from factory.engine import ParseError
from factory.recipe import RecipeError, load_recipe
from factory.stages.experience.protection_check import parse_verdict
from tests.responders import route
from tests.stages.experience_helpers import en_recipe, failures, records, run_cli, zh_recipe

JUDGE = '"verdict"'  # the judge prompt asks for this key; no other experience prompt does


def judge(rules: dict[str, str]):
    """Answer the judge with the reply of the first rule whose marker is in the prompt."""

    def respond(body: dict) -> str:
        text = body["messages"][-1]["content"]
        if JUDGE in text:
            return next(
                (reply for marker, reply in rules.items() if marker in text),
                json.dumps({"reason": "puzzled, in his own voice", "verdict": "in_character"}),
            )
        return route(body)

    return respond


def _judged(server) -> list[str]:
    return [b["messages"][-1]["content"] for b in server.requests if JUDGE in b["messages"][-1]["content"]]


def _protection_samples(out) -> list[dict]:
    return [s for s in records(out, "samples") if s["type"].startswith("protection:")]


def test_scripts_that_play_along_are_left_out_and_unrated_ones_kept(server, write_recipe, tmp_path):
    server.responder = judge(
        {
            "smartphone": 'Verdict:\n{"Reason": "She explains how to charge it.", "Verdict": "Plays along."}',
            "cousin Wilhelm": "Hard to say.",  # no verdict at all: the judge fails after its retries
        }
    )
    out = tmp_path / "r"
    quotas = "{anachronism: 1, break_character: 1, false_relation: 1}"
    summary = run_cli(
        en_recipe(write_recipe, protection=f"{{share: 0.3, quotas: {quotas}, check: judge}}"),
        out,
        server.base_url,
    )
    scenes = {s["id"]: s for s in records(out, "protection_scenes")}
    subtype_of = {i["id"]: scenes[i["scene_id"]]["subtype"] for i in records(out, "protection")}
    n = Counter(subtype_of.values())
    assert n["anachronism"] and n["break_character"] and n["false_relation"]
    verdicts = {v["interaction_id"]: v for v in records(out, "protection_check")}
    assert {subtype_of[i]: v["verdict"] for i, v in verdicts.items()} == {
        "anachronism": "plays_along",
        "break_character": "in_character",
    }
    assert (
        verdicts[next(i for i, s in subtype_of.items() if s == "anachronism")]["reason"]
        == "She explains how to charge it."
    )
    samples = _protection_samples(out)
    assert Counter(s["labels"]["subtype"] for s in samples) == {
        "break_character": n["break_character"],
        "false_relation": n["false_relation"],
    }
    assert {s["labels"]["subtype"]: s["labels"]["reaction"] for s in samples} == {
        "break_character": "in_character",
        "false_relation": "unchecked",
    }
    assert summary["dropped"]["samples_protection_plays_along"] == n["anachronism"]
    assert summary["counts"]["protection_check"] == n["anachronism"] + n["break_character"]
    assert summary["report_protection_check"] == {
        "checked": n["anachronism"] + n["break_character"],
        "in_character": n["break_character"],
        "plays_along": n["anachronism"],
        "assistant": 0,
        "judge_failed": n["false_relation"],
    }
    assert {f["reason"] for f in failures(out, "protection_check")} == {"parse"}
    prompt = next(p for p in _judged(server) if "smartphone" in p)
    assert "Kind of test: anachronism" in prompt and "Judge only Anna Keller's own lines" in prompt
    assert "Anna Keller: *puts down the pen*" in prompt  # the script in the sample markup


def test_zh_judge_prompt_is_chinese_and_its_verdict_words_are_read(server, write_recipe, tmp_path):
    server.responder = judge(
        {
            "手机": json.dumps({"理由": "他竟然讲起了手机的用法", "结论": "顺着说"}, ensure_ascii=False),
            "李太白": json.dumps({"reason": "自称不是AI", "verdict": "出戏"}, ensure_ascii=False),
        }
    )
    out = tmp_path / "r"
    summary = run_cli(
        zh_recipe(
            write_recipe,
            protection="{share: 0.2, quotas: {anachronism: 1, other_character: 1,"
            " false_relation: 1}, check: judge}",
            grounding="null",
        ),
        out,
        server.base_url,
    )
    prompts = _judged(server)
    assert prompts and all("只看苏轼本人的台词" in p and "剧本如下" in p for p in prompts)
    assert any("考验类型：anachronism" in p and "「先生可曾用过手机？」" in p for p in prompts)
    assert any("苏轼：（放下手中的笔）" in p for p in prompts)
    verdicts = Counter(v["subtype"] + ":" + v["verdict"] for v in records(out, "protection_check"))
    assert set(verdicts) == {
        "anachronism:plays_along",
        "other_character:assistant",
        "false_relation:in_character",
    }
    samples = _protection_samples(out)
    assert samples and {s["labels"]["subtype"] for s in samples} == {"false_relation"}
    assert all(s["labels"]["reaction"] == "in_character" and s["language"] == "zh" for s in samples)
    assert (
        summary["dropped"]["samples_protection_plays_along"]
        == verdicts["anachronism:plays_along"] + verdicts["other_character:assistant"]
    )


def test_check_none_asks_no_judge_and_ignores_old_verdicts(server, write_recipe, tmp_path):
    server.responder = judge({"": json.dumps({"reason": "x", "verdict": "plays_along"})})  # every script
    out = tmp_path / "r"
    judged = run_cli(en_recipe(write_recipe, protection="{share: 0.3, check: judge}"), out, server.base_url)
    assert judged["report_protection_check"]["plays_along"] == len(records(out, "protection")) > 0
    assert _protection_samples(out) == []
    asked = len(server.requests)
    summary = run_cli(en_recipe(write_recipe, protection="{share: 0.3}"), out, server.base_url)
    assert all(JUDGE not in b["messages"][-1]["content"] for b in server.requests[asked:])
    assert "protection_check" not in summary["counts"] and "report_protection_check" not in summary
    assert "samples_protection_plays_along" not in summary["dropped"]
    samples = _protection_samples(out)
    assert len(samples) == len(records(out, "protection"))
    assert {s["labels"]["reaction"] for s in samples} == {"unchecked"}


def test_check_typo_is_a_one_line_recipe_error(write_recipe):
    with pytest.raises(RecipeError) as err:
        load_recipe(
            write_recipe(
                "name: a\ncharacter:\n  name: A\n  profile: {file: profile.md}\nprotection: {check: jduge}\n"
            )
        )
    assert str(err.value) == "protection.check: must be one of 'none' or 'judge'"


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ('```json\n{"verdict": "in-character", "reason": "confused"}\n```', "in_character"),
        ('[{"Result": "PLAYS ALONG"}]', "plays_along"),
        ('{"判定": "跳出角色", "理由": "说自己是AI"}', "assistant"),
        ('"assistant"', "assistant"),
        ("The character stays in character throughout.", "in_character"),
    ],
)
def test_verdicts_are_read_leniently(reply, verdict):
    assert parse_verdict(reply)["verdict"] == verdict


@pytest.mark.parametrize("reply", ['{"verdict": "maybe"}', "in character, or plays along?", ""])
def test_no_clear_verdict_is_a_parse_error(reply):
    with pytest.raises(ParseError):
        parse_verdict(reply)
