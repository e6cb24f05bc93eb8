"""The numbers must not depend on how chatty the judge is: JSON, prose and dead judges, end to end."""

from __future__ import annotations

import json

from aiohttp import web
from click.testing import CliRunner

from factory.cli import main
from factory.testing.openai_server import ScriptedServer
from tests.evaluate import fakes

ONLY_RUBRICS = ("--skip", "interviews,memory,consistency,pairwise")


def run_eval(eval_run, model, judge, out, *extra):
    args = [
        "eval",
        "--model",
        model.base_url,
        "--judge",
        judge.base_url,
        "--run",
        str(eval_run),
        "--out",
        str(out),
        "--questions",
        "2",
        "--interviews",
        "2",
        "--rounds",
        "2",
        *extra,
    ]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_a_judge_that_ignores_the_schema_is_read_as_prose_and_flagged(eval_run, tmp_path):
    """The issue's judge: free text with no "Score:" wording. What can be read is read; the rest fails the run."""
    with (
        ScriptedServer(responder=fakes.model) as model,
        ScriptedServer(responder=fakes.chatty_judge) as judge,
    ):
        out = tmp_path / "eval"
        res = run_eval(eval_run, model, judge, out, *ONLY_RUBRICS)
    assert res.exit_code == 1, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert (
        len(errors) == 1
        and "untrustworthy eval: rubrics.memorization: 8/8 judgments without a verdict" in errors[0]
    )
    assert "--allow-partial" in errors[0]
    report = json.loads((out / "eval.json").read_text())  # written all the same: nothing is lost
    rub = report["dimensions"]["rubrics"]
    assert rub["personality"]["mean"] == 6.0 and rub["personality"]["parsed"]["as_json"] == 0  # "6 out of 7"
    assert rub["memorization"]["unparsable"] == 8 and rub["memorization"]["mean"] is None
    assert report["trust"]["parsed_share"]["rubrics.personality"]["share"] == 1.0
    assert report["trust"]["parsed_share"]["rubrics.values"]["share"] == 0.0


def test_a_judge_that_always_fails_gives_no_number_and_a_non_zero_exit(eval_run, tmp_path):
    with ScriptedServer(responder=fakes.model) as model, ScriptedServer(responder=fakes.judge) as judge:
        judge.script(*[{"status": 404}] * 400)  # final, but not a refused key (that aborts the run)
        out = tmp_path / "eval"
        res = run_eval(eval_run, model, judge, out, "--exchanges", "3")
        assert res.exit_code == 1, res.output
        kept = run_eval(eval_run, model, judge, tmp_path / "kept", "--exchanges", "3", "--allow-partial")
    assert kept.exit_code == 0 and "warning: untrustworthy eval" in kept.output
    error = next(line for line in res.output.splitlines() if line.startswith("error:"))
    for name in ("interviews", "rubrics.memorization", "memory", "consistency"):
        assert name in error
    dims = json.loads((out / "eval.json").read_text())["dimensions"]
    assert dims["consistency"]["fool_rate"] is None and dims["consistency"]["parsed"]["failed"] == 6
    assert dims["rubrics"]["values"]["failed"] == 8


class NoStructuredOutput(ScriptedServer):
    """A server that rejects `response_format` with HTTP 400, as some OpenAI-compatible servers do."""

    async def _answer(self, request, body):
        if "response_format" in body:
            self.requests.append(body)
            return web.json_response({"error": {"message": "response_format is not supported"}}, status=400)
        return await super()._answer(request, body)


def test_a_server_without_structured_output_is_asked_again_in_free_text(eval_run, tmp_path):
    with ScriptedServer(responder=fakes.model) as model, NoStructuredOutput(responder=fakes.judge) as judge:
        out = tmp_path / "eval"
        res = run_eval(eval_run, model, judge, out, *ONLY_RUBRICS, "--interviews", "0", "--allow-partial")
        asked = [b for b in judge.requests if "Criterion: Personality" in json.dumps(b)]
    assert res.exit_code == 0, res.output
    assert (
        sum("response_format" in b for b in asked) == 8
        and sum("response_format" not in b for b in asked) == 8
    )
    pers = json.loads((out / "eval.json").read_text())["dimensions"]["rubrics"]["personality"]
    assert pers["mean"] == 6.0 and pers["failed"] == 0 and pers["parsed"]["as_json"] == 0


def test_a_json_judge_passes_the_trust_check(eval_run, tmp_path):
    def good(body):
        text = json.dumps(body)
        if "Criterion: Values" in text:
            return json.dumps({"reasoning": "Her own convictions.", "score": 5})
        return fakes.judge(body)

    with ScriptedServer(responder=fakes.model) as model, ScriptedServer(responder=good) as judge:
        res = run_eval(eval_run, model, judge, tmp_path / "eval", *ONLY_RUBRICS)
    assert res.exit_code == 0, res.output
    trust = json.loads((tmp_path / "eval" / "eval.json").read_text())["trust"]
    assert trust["ok"] and trust["problems"] == []
    assert all(
        v["share"] == 1.0 and v["as_json"] == v["total"] for v in trust["parsed_share"].values() if v["total"]
    )
