"""Judge mode against the scripted OpenAI-compatible server (real HTTP, deterministic answers)."""

import asyncio
import json
import re

import pytest

from factory.engine import EndpointSettings, Engine
from factory.quality.config import QualityConfig
from factory.quality.gate import run_gate_async
from factory.quality.judge import agreement, choose_lines, parse_verdict
from factory.quality.report import render_markdown

from .conftest import sample

# lines the scripted judge calls "outside"; everything else is "inside"
OUTSIDE = {
    "贝多芬觉得这首曲子还不够好。",
    "他缓缓抬起头，看着窗外。",
    "贝多芬的心里一阵刺痛，可他什么也没说。",
}


def judge_responder(body):
    prompt = body["messages"][-1]["content"]
    line = re.search(r'"""\n(.*)\n"""', prompt, re.S).group(1)
    return json.dumps({"verdict": "outside" if line in OUTSIDE else "inside", "reason": "scripted"})


def gate(server, samples, cfg):
    engine = Engine(
        EndpointSettings(
            base_url=server.base_url,
            model="judge",
            concurrency=4,
            max_retries=1,
            parse_retries=1,
            backoff_base=0.01,
            backoff_max=0.02,
            timeout=5,
        )
    )

    async def go():
        try:
            return await run_gate_async(samples, cfg, judge=engine)
        finally:
            await engine.close()

    return asyncio.run(go()), engine


LINES = [
    "我今天写了一首新的奏鸣曲，你想听听吗？",
    "贝多芬觉得这首曲子还不够好。",
    "他缓缓抬起头，看着窗外。",
    "贝多芬的心里一阵刺痛，可他什么也没说。",
    "窗外的雪下了一整夜，我一个字也没有写出来。",
    "贝多芬先生说过，音乐要从心里出来。",
]  # the heuristic flags the last one; the judge does not


def test_judge_mode_decides_and_reports_the_heuristics_agreement(server):
    server.responder = judge_responder
    samples = [sample(f"s{i}", line) for i, line in enumerate(LINES)]
    res, engine = gate(server, samples, QualityConfig(selfname={"mode": "judge"}))
    assert [s.id for s in res.kept] == ["s0", "s4", "s5"]
    assert {r["id"]: r["rule"] for r in res.rejected} == {
        "s1": "selfname.judge",
        "s2": "selfname.judge",
        "s3": "selfname.judge",
    }
    ag = res.report["selfname"]["agreement"]
    assert ag["judged"] == 6 and not ag["estimated"]
    assert (ag["tp"], ag["fp"], ag["fn"], ag["tn"]) == (3, 1, 0, 2)
    assert ag["precision"] == 0.75 and ag["recall"] == 1.0
    assert "precision 0.75, recall 1.0 (tp 3, fp 1, fn 0, tn 2" in render_markdown(res.report)
    assert len(server.requests) == 6 and engine.accounting.stage("quality_judge").ok == 6
    assert "角色" in server.requests[0]["messages"][0]["content"]  # the zh prompt


def test_heuristic_mode_samples_lines_for_agreement(server):
    server.responder = judge_responder
    samples = [sample(f"s{i}", line) for i, line in enumerate(LINES)]
    res, _ = gate(server, samples, QualityConfig(selfname={"judge_sample": 4}))
    ag = res.report["selfname"]["agreement"]
    assert ag["estimated"] and ag["judged"] == 4 and len(server.requests) == 4
    # heuristic mode: the heuristic decides, the judge only measures
    assert "selfname.judge" not in {r["rule"] for r in res.rejected}


def test_judge_failures_fall_back_to_the_heuristic(server):
    server.responder = lambda body: "no json here"
    samples = [sample("s1", LINES[1]), sample("s0", LINES[0])]
    res, _ = gate(server, samples, QualityConfig(selfname={"mode": "judge"}))
    assert res.report["selfname"]["agreement"]["failed"] == 2
    assert {r["id"]: r["rule"] for r in res.rejected} == {"s1": "selfname.third_person"}


def test_parse_and_sampling_helpers():
    assert parse_verdict('```json\n{"verdict": "Outside"}\n```') is True
    assert parse_verdict('{"verdict": "inside", "reason": "x"}') is False
    with pytest.raises(ValueError):
        parse_verdict('{"verdict": "maybe"}')
    flags = [True] * 3 + [False] * 20
    pick = choose_lines(flags, [str(i) for i in range(23)], 8, seed=0)
    assert len(pick) == 8 and sum(flags[i] for i in pick) == 3
    assert pick == choose_lines(flags, [str(i) for i in range(23)], 8, seed=0)


def test_stratified_recall_is_reweighted():
    # 2 of 2 sampled positives are right; 1 of 2 sampled negatives is a miss; population 10 pos / 90 neg
    ag = agreement([True, True, False, False], [True, True, True, False], population=(10, 90))
    assert ag["precision"] == 1.0 and ag["recall"] == round(10 / (10 + 45), 4)


def test_judge_mode_skips_samples_other_rules_reject(server):
    server.responder = judge_responder
    samples = [sample("s0", LINES[0]), sample("s1", "作为一个AI，我没有个人观点。")]
    res, _ = gate(server, samples, QualityConfig(selfname={"mode": "judge"}))
    assert len(server.requests) == 1 and res.report["selfname"]["skipped_already_rejected"] == 1
    assert {r["id"]: r["rule"] for r in res.rejected} == {"s1": "blacklist.assistant_tone"}
