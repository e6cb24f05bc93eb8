"""A recipe's `judge:` block: judge calls go to their own endpoint, generation stays where it was,
run.json names the judge (never its key) and counts its stages."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.engine import Accounting, CombinedAccounting, EndpointSettings, Engine, Prices, RequestCache
from factory.recipe import RecipeError, load_recipe
from factory.records import Pair, append_jsonl, read_jsonl
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.stages import preferences
from factory.testing.openai_server import ScriptedServer
from tests.export.conftest import samples
from tests.export.test_preferences import RECIPE as PREF_RECIPE
from tests.export.test_preferences import main_responder
from tests.responders import route
from tests.stages.experience_helpers import records, run_cli

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  aliases: [Anna]
  profile: {{file: profile.md}}
scenes: {{per_chunk: 10, per_request: 5}}
protection: {{share: 0.3, check: judge}}
grounding: {{}}
quality: {quality}
export: null
split: null
"""

JUDGE_MARKERS = ('"claims"', '"verdict"')  # only the judge prompts ask for these keys
SECRET = "sk-judge-secret-123"


def judge_reply(body: dict) -> str:
    """A judge that answers all three judge prompts: self-name, protection check, grounding."""
    text = body["messages"][-1]["content"]
    if '"outside"' in text:
        return json.dumps({"verdict": "inside"})
    if '"verdict"' in text:
        return json.dumps({"reason": "puzzled, in her own voice", "verdict": "in_character"})
    return route(body)


def is_judge(body: dict) -> bool:
    return any(m in body["messages"][-1]["content"] for m in JUDGE_MARKERS)


@pytest.fixture
def judge_server():
    with ScriptedServer(responder=judge_reply) as srv:
        yield srv


def recipe_with(write_recipe, judge: str = "", quality: str = "null"):
    return write_recipe(RECIPE.format(quality=quality) + judge)


def test_judge_calls_go_to_the_judge_endpoint_and_generation_stays(
    server, judge_server, write_recipe, tmp_path, monkeypatch
):
    monkeypatch.setenv("JUDGE_KEY", SECRET)
    server.responder = judge_reply  # would answer judge prompts too, so only routing keeps them apart
    judge = f"judge: {{base_url: {judge_server.base_url}, model: j, api_key: '${{JUDGE_KEY}}'}}\n"
    out = tmp_path / "r"
    summary = run_cli(
        recipe_with(write_recipe, judge, quality="{selfname: {mode: judge}}"), out, server.base_url
    )
    judged = judge_server.requests
    assert judged and all(is_judge(b) and b["model"] == "j" for b in judged)
    assert all(b["temperature"] == 0 for b in judged)  # a judge block without temperature judges at 0
    assert not any(is_judge(b) for b in server.requests) and all(b["model"] == "m" for b in server.requests)
    n_grounding, n_check = len(records(out, "grounding")), len(records(out, "protection_check"))
    assert n_grounding and n_check
    assert sum('"claims"' in b["messages"][-1]["content"] for b in judged) == n_grounding
    stages = summary["stages"]
    assert (
        stages["grounding"]["requests"] == n_grounding and stages["protection_check"]["requests"] == n_check
    )
    assert stages["quality_judge"]["requests"] == len(judged) - n_grounding - n_check > 0
    assert summary["requests"] == server.count + judge_server.count
    assert summary["judge_endpoint"] == {
        "base_url": judge_server.base_url,
        "model": "j",
        "kind": "other",
        "embedded": False,
    }
    assert summary["endpoint"]["base_url"] == server.base_url
    assert SECRET not in (out / "run.json").read_text(encoding="utf-8")


def test_without_a_judge_block_the_generation_endpoint_judges(server, judge_server, write_recipe, tmp_path):
    server.responder = judge_reply
    summary = run_cli(recipe_with(write_recipe), tmp_path / "r", server.base_url)
    assert judge_server.count == 0
    assert (
        sum(is_judge(b) for b in server.requests)
        == summary["stages"]["grounding"]["requests"] + summary["stages"]["protection_check"]["requests"]
        > 0
    )
    assert summary["judge_endpoint"] == summary["endpoint"]


def test_a_judge_block_without_base_url_reads_the_environment_else_judges_with_the_backend(
    server, judge_server, write_recipe, tmp_path, monkeypatch
):
    server.responder = judge_reply
    path = recipe_with(write_recipe, "judge: {model: j}\n")
    summary = run_cli(path, tmp_path / "a", server.base_url)
    assert judge_server.count == 0 and summary["judge_endpoint"] == summary["endpoint"]
    monkeypatch.setenv("OPENAI_BASE_URL", judge_server.base_url)
    summary = run_cli(path, tmp_path / "b", server.base_url)
    assert judge_server.count > 0 and all(is_judge(b) for b in judge_server.requests)
    assert summary["judge_endpoint"]["base_url"] == judge_server.base_url


@pytest.mark.parametrize(
    "block, error",
    [
        ("judge: {base_ulr: http://x/v1}", "judge.base_ulr: unknown key"),
        ("judge: {base_url: http://x/v1, temperature: 5}", "judge.temperature: must be <= 2"),
        ("judge: {local: {n_ctx: 4096}}", "judge.local: a judge needs an endpoint"),
    ],
)
def test_a_bad_judge_block_fails_in_one_line_naming_the_field(write_recipe, tmp_path, block, error):
    path = recipe_with(write_recipe, block + "\n")
    with pytest.raises(RecipeError, match=error.replace(".", r"\.")):
        load_recipe(path)
    res = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "r"), "--quiet"])
    assert res.exit_code == 2 and res.output.strip().startswith(f"error: {error}")
    assert len(res.output.strip().splitlines()) == 1


def _engine(srv: ScriptedServer, model: str, cache: RequestCache) -> Engine:
    return Engine(
        EndpointSettings(base_url=srv.base_url, model=model, kind="other", max_retries=0), cache=cache
    )


def test_preferences_rank_self_samples_with_the_judge_and_rewrite_with_the_generator(
    server, judge_server, write_recipe, tmp_path
):
    server.responder = judge_server.responder = main_responder
    with ScriptedServer(responder=lambda body: "Certainly! How can I help?") as sampler:
        body = (
            f"{{kinds: [assistant_tone, self_sampled], max_pairs: 4, self_sampled: "
            f"{{base_url: '{sampler.base_url}', model: policy, samples: 2}}}}"
        )
        run = RunDir(tmp_path / "run").prepare()
        append_jsonl(run.path / "kept.jsonl", samples())
        cache = RequestCache(run.cache_file)
        ctx = RunContext(
            recipe=load_recipe(write_recipe(PREF_RECIPE.format(body=body))),
            run=run,
            engine=_engine(server, "gen", cache),
            judge_engine=_engine(judge_server, "j", cache),
        )

        async def go() -> None:
            await preferences.run(ctx)
            await ctx.engine.close()
            await ctx.judge.close()

        asyncio.run(go())
        cache.close()
    pairs = read_jsonl(run.stage_file("preferences"), Pair)
    ranked = [p for p in pairs if p.rejected_kind == "self_sampled"]
    assert ranked and all(p.labels["judge"] == "j" for p in ranked)
    assert judge_server.count == len(ranked) and all(
        "judge of role-play" in b["messages"][0]["content"] for b in judge_server.requests
    )
    assert server.count and not any(
        "judge of role-play" in b["messages"][0]["content"] for b in server.requests
    )


def test_combined_books_sum_stages_and_price_each_engine_at_its_own_rates():
    gen, judge = Accounting(Prices(1.0, 0.0)), Accounting(Prices(10.0, 0.0))
    gen.stage("preferences").tokens_in = judge.stage("preferences").tokens_in = 1_000_000
    judge.stage("grounding").failures["parse"] += 1
    books = CombinedAccounting(gen, judge)
    assert books.stage("preferences").tokens_in == 2_000_000 and set(books.stages) == {
        "preferences",
        "grounding",
    }
    assert books.totals()["cost_usd"] == 11.0 and books.totals()["failures"] == {"parse": 1}
    assert CombinedAccounting(gen, gen).totals() == gen.totals()  # no judge of its own: counted once
