"""Grounding: a judge reads the character's lines (in the language's markup) against the chunk;
an unsupported claim keeps the interaction out of the samples, with the claim as the reason."""

from __future__ import annotations

import json

from factory.stages.experience.grounding import parse_claims
from tests.responders import route
from tests.stages.experience_helpers import en_recipe, records, run_cli, zh_recipe


def judge(claim_for: str):
    """A judge that finds one unsupported claim in the script whose prompt contains `claim_for`."""

    def respond(body: dict) -> str:
        text = body["messages"][-1]["content"]
        if '"claims"' in text and claim_for in text:
            return "Verdict:\n" + json.dumps(
                {
                    "claims": [
                        {"claim": "Anna was born in Paris", "supported": "no"},
                        {"claim": "She repairs clocks", "supported": "yes"},
                    ]
                }
            )
        return route(body)

    return respond


def test_unsupported_claim_rejects_the_interaction_with_the_claim_as_reason(server, write_recipe, tmp_path):
    out = tmp_path / "r"
    server.responder = route
    run_cli(en_recipe(write_recipe, per_chunk=2, protection="null"), out, server.base_url)
    victim = records(out, "interactions")[0]
    marker = victim["turns"][0]["text"]  # the fake's opening narration names the scene
    server.responder = judge(marker)
    summary = run_cli(
        en_recipe(write_recipe, per_chunk=2, protection="null", grounding="{}"), out, server.base_url
    )
    verdicts = {v["interaction_id"]: v for v in records(out, "grounding")}
    assert len(verdicts) == 4 and verdicts[victim["id"]]["supported"] is False
    assert verdicts[victim["id"]]["reason"] == "unsupported claim: Anna was born in Paris"
    samples = records(out, "samples")
    assert len(samples) == 3 and victim["id"] not in {s["labels"]["interaction_id"] for s in samples}
    assert all(s["labels"]["grounding"] == "supported" for s in samples)
    assert summary["dropped"]["samples_unsupported_claim"] == 1
    assert summary["report_grounding"] == {"checked": 4, "unsupported": 1, "judge_failed": 0}


def test_judge_sees_chinese_markup_and_its_convention(server, write_recipe, tmp_path):
    server.responder = route
    out = tmp_path / "r"
    run_cli(zh_recipe(write_recipe, per_chunk=1, protection="null"), out, server.base_url)
    prompt = next(
        b["messages"][-1]["content"] for b in server.requests if '"claims"' in b["messages"][-1]["content"]
    )
    assert "说出的话写在「」里，动作写在（）里" in prompt
    assert (
        "苏轼：（放下手中的笔）" in prompt and "苏轼：（心想：此人言语古怪）" in prompt and "旁白：" in prompt
    )
    assert "苏轼生于眉州眉山" in prompt or "黄州" in prompt  # the chunk is the evidence
    assert len(records(out, "grounding")) == 2


def test_verdict_words_are_read_leniently():
    parse = parse_claims(6)
    reply = (
        '```json\n{"Claims": [{"statement": "甲", "verdict": "否"}, {"claim": "乙", "supported": "Supported."},'
        ' {"claim": "丙", "supported": 1}]}\n```'
    )
    assert parse(reply) == [
        {"claim": "甲", "supported": False},
        {"claim": "乙", "supported": True},
        {"claim": "丙", "supported": True},
    ]
    assert parse('{"claims": []}') == []
