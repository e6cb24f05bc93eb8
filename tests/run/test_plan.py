"""`factory plan`: per-stage requests before any request, equal to what a scripted run then asks
(for the stages whose count is exact or follows from full replies), recorded in run.json."""

import json
import re

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import load_recipe
from factory.run.plan import make_plan
from tests.persona_responders import make_route
from tests.stages.experience.test_protection_check import judge
from tests.stages.persona_helpers import PERSONA_RECIPE, run_scripted

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  timeline_point: "the workshop, 1900"
  profile: {file: profile.md}
backend:
  concurrency: 4
  max_tokens: 1000
  prices: {input_per_million: 0.5, output_per_million: 2.0}
scenes: {total: 7, per_request: 2}
interactions: {per_scene: 2, max_tokens: 600}
protection: {share: 0.5, check: judge}
grounding: {}
preferences: {per_sample: 1}
export: null
split: null
"""


def plan_cli(*args):
    return CliRunner().invoke(main, ["plan", *map(str, args)])


def test_plan_asks_nothing_and_matches_the_run(server, write_recipe, tmp_path):
    server.responder = judge({})
    recipe = write_recipe(RECIPE)
    res = plan_cli(recipe, "--json", "--run", tmp_path / "none")
    assert res.exit_code == 0, res.output
    assert server.count == 0 and server.requests == []  # planning makes no request
    plan = json.loads(res.output)
    rows = {r["stage"]: r for r in plan["stages"]}
    assert plan["chunks"] == 2
    assert rows["scenes"]["exact"] and not rows["interactions"]["exact"]
    # 7 scenes over 2 chunks, 2 a request: ceil(a/2) + ceil(b/2) requests
    assert rows["scenes"]["requests"] in (4, 5)
    assert rows["interactions"]["requests"] == 7 * 2
    assert rows["interactions"]["output_tokens_max"] == 14 * 600  # the stage's own max_tokens
    assert rows["scenes"]["output_tokens_max"] == rows["scenes"]["requests"] * 1000  # backend.max_tokens
    assert all(r["input_tokens"] > 0 for r in rows.values() if r["requests"])
    assert plan["cost_usd"] == round((plan["input_tokens"] * 0.5 + plan["output_tokens"] * 2.0) / 1e6, 4)

    out = tmp_path / "run"
    summary = run_scripted(recipe, server, out)
    asked = summary["stages"]
    assert asked["scenes"]["total"] == rows["scenes"]["requests"]
    assert asked["interactions"]["total"] == rows["interactions"]["requests"]
    assert (
        asked["protection_scenes"]["total"] + asked["protection"]["total"] == rows["protection"]["requests"]
    )
    recorded = summary["plan"]["requests"]
    for stage in ("scenes", "interactions", "protection", "protection_check", "grounding"):
        assert recorded[stage]["planned"] == recorded[stage]["actual"] == rows[stage]["requests"], stage
    assert recorded["preferences"]["planned"] >= recorded["preferences"]["actual"] > 0
    # a rerun (all cached, nothing asked) prints the same comparison
    res = CliRunner().invoke(
        main,
        ["run", str(recipe), "--out", str(out), "--base-url", server.base_url, "--model", "m", "--quiet"],
    )
    assert res.exit_code == 0, res.output
    n = rows["scenes"]["requests"]
    assert f"scenes {n}/{n}, interactions 14~/14, protection 8~/8" in res.output


def test_plan_counts_cards_and_sessions(server, write_recipe, tmp_path):
    server.responder = make_route()
    recipe = write_recipe(
        PERSONA_RECIPE
        + "cards: {count: 3, regenerate: 0}\nsessions: {per_card: 2, min_turns: 2, max_turns: 3}\n"
    )
    plan = make_plan(load_recipe(recipe))
    assert server.count == 0
    rows = plan.by_stage()
    assert rows["cards"] == 4 and rows["sessions"] == 8  # 3 synthetic + the character's own, x2
    summary = run_scripted(recipe, server, tmp_path / "run")
    recorded = summary["plan"]["requests"]
    assert recorded["cards"] == {"planned": 4, "exact": True, "actual": 4}
    assert recorded["sessions"] == {"planned": 8, "exact": False, "actual": 8}


def test_limit_and_observed_ratio(server, write_recipe, tmp_path):
    server.responder = judge({})
    recipe = write_recipe(RECIPE.replace("preferences: {per_sample: 1}\n", ""))
    out = tmp_path / "run"
    summary = run_scripted(recipe, server, out, "--limit", "3")
    assert summary["plan"]["requests"]["interactions"] == {"planned": 3, "exact": False, "actual": 3}
    before = server.count
    res = plan_cli(recipe, "--json", "--run", out, "--limit", "3")
    assert res.exit_code == 0, res.output
    assert server.count == before
    rows = {r["stage"]: r for r in json.loads(res.output)["stages"]}
    scenes = rows["scenes"]
    assert scenes["observed"] and scenes["output_tokens"] < scenes["output_tokens_max"]
    tokens_out = summary["stages"]["scenes"]["tokens_out"] / summary["stages"]["scenes"]["requests"]
    assert scenes["output_tokens"] == round(tokens_out * scenes["requests"])


def test_table_and_bad_recipe(write_recipe, tmp_path):
    recipe = write_recipe(RECIPE)
    res = plan_cli(recipe)
    assert res.exit_code == 0, res.output
    assert "interactions" in res.output and "(estimate)" in res.output and "total" in res.output
    bad = write_recipe(RECIPE.replace("per_scene: 2", "per_scene: lots"), name="bad.yaml")
    res = plan_cli(bad)
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "per_scene" in lines[0]
    assert "Traceback" not in res.output


def test_plan_counts_card_regeneration_and_self_sampling(server, write_recipe, tmp_path):
    """Regeneration rounds are planned at their worst (every synthetic card again), self-sampled
    preferences as candidates + one judge ranking each; a scripted run stays within the plan."""
    from factory.testing.openai_server import ScriptedServer

    route = make_route(card_style="same")  # every synthetic card alike: the similarity check regenerates

    def responder(body):
        if "judge of role-play" in body["messages"][0]["content"]:
            letters = re.findall(r"^\[([A-Z])\]$", body["messages"][-1]["content"], re.M)
            return json.dumps({"ranking": letters})
        return route(body)

    server.responder = responder
    with ScriptedServer(responder=lambda body: "Whatever you say, dear.", model="policy") as sampler:
        recipe = write_recipe(
            PERSONA_RECIPE.replace("quality: null\n", "")
            + "cards: {count: 3, regenerate: 1}\nsessions: {per_card: 1, min_turns: 2, max_turns: 2}\n"
            + f"preferences: {{self_sampled: {{base_url: '{sampler.base_url}', model: policy, samples: 2}}}}\n"
        )
        plan = make_plan(load_recipe(recipe))
        rows = {s.stage: s for s in plan.stages}
        assert server.count == 0 and sampler.count == 0
        assert rows["cards"].requests == 4 + 3 and not rows["cards"].exact  # + 3 regenerations at most
        assert "regenerate" in rows["cards"].note
        # 4 samples x 3 kinds: 8 rewrites, 4 self-sampled jobs of 2 candidates + 1 ranking
        assert rows["preferences"].requests == 8 + 4 * 2 + 4
        summary = run_scripted(recipe, server, tmp_path / "run")
        sampled = sampler.count
    recorded = summary["plan"]["requests"]
    regenerated = summary["report_cards"]["regenerated"] + summary["report_cards"]["dropped_too_similar"]
    assert regenerated >= 2  # the run did regenerate
    assert recorded["cards"]["actual"] == 4 + regenerated <= recorded["cards"]["planned"]
    assert recorded["preferences"]["planned"] >= recorded["preferences"]["actual"] > 8
    assert sampled > 0


def test_a_fleet_priced_per_endpoint_plans_at_the_mean_weighted_by_share():
    from factory.recipe.blocks import BackendConfig
    from factory.run.plan import fleet_prices

    backend = BackendConfig.model_validate(
        {
            "model": "m",
            "concurrency": 4,
            "prices": {"input_per_million": 1, "output_per_million": 2},
            "endpoints": [
                {
                    "base_url": "http://a.example/v1",
                    "prices": {"input_per_million": 3, "output_per_million": 15},
                },
                {"base_url": "http://b.example/v1", "concurrency": 12},  # three shares at the block's price
            ],
        }
    )
    p = fleet_prices(backend)
    assert (p.input_per_million, p.output_per_million) == pytest.approx(((3 + 3 * 1) / 4, (15 + 3 * 2) / 4))
    assert fleet_prices(backend.model_copy(update={"endpoints": None})) == backend.prices
