"""`factory run` over several endpoints (`backend.endpoints`): one dies mid-run, one is slow."""

from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.engine.local_server import free_port
from factory.recipe import RecipeError, load_recipe
from factory.testing.openai_server import ScriptedServer
from tests.responders import route

RECIPE = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {{file: profile.md}}
backend:
  model: m
  concurrency: 2
  endpoints:
{endpoints}
scenes: {{per_chunk: 15, per_request: 1}}
interactions: null
protection: null
quality: null
export: null
split: null
"""


def recipe_for(write_recipe, urls: list[str], extra: str = "", name: str = "recipe.yaml") -> object:
    eps = "\n".join(f"    - {{base_url: '{u}'{extra}}}" for u in urls)
    return write_recipe(RECIPE.format(endpoints=eps), name=name)


def invoke(recipe, out):
    return CliRunner().invoke(main, ["run", str(recipe), "--out", str(out), "--quiet"])


@pytest.fixture
def three():
    servers = [ScriptedServer(responder=route).start() for _ in range(3)]
    yield servers
    for s in servers:
        if not s._loop.is_closed():  # the test stopped one already
            s.stop()


def test_a_run_survives_a_dying_and_a_slow_endpoint(three, write_recipe, tmp_path):
    dying, slow, fine = three
    slow.latency = 0.05

    def dies_after_5(body):
        if dying.count == 5:  # the fifth reply is its last: stop from outside its own loop
            threading.Thread(target=dying.stop).start()
        return route(body)

    dying.responder = dies_after_5
    alone = tmp_path / "alone"  # the same recipe against one endpoint: what the fleet must write
    assert invoke(recipe_for(write_recipe, [fine.base_url], name="alone.yaml"), alone).exit_code == 0
    out = tmp_path / "run"
    res = invoke(recipe_for(write_recipe, [s.base_url for s in three]), out)
    assert res.exit_code == 0, res.output

    ids = [json.loads(x)["id"] for x in (out / "scenes.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) == 20  # 30 asked, 10 near-duplicates dropped; none twice
    assert (out / "scenes.jsonl").read_bytes() == (alone / "scenes.jsonl").read_bytes()  # none lost
    summary = json.loads((out / "run.json").read_text())
    books = summary["endpoints"]
    assert set(books) == {s.base_url for s in three}
    # every try an endpoint got is booked there; the engine counts only the 30 that answered
    assert sum(b["ok"] for b in books.values()) == 30 == summary["requests"]
    assert all(b["requests"] == b["ok"] + sum(b["failures"].values()) for b in books.values())
    assert books[dying.base_url]["taken_out"] >= 1 and books[dying.base_url]["failures"]
    assert books[slow.base_url]["ok"] < books[fine.base_url]["ok"]
    assert sum(b["tokens_in"] for b in books.values()) == summary["tokens_in"]
    assert summary["endpoint"]["endpoints"] == 3 and summary["endpoint"]["base_url"] == dying.base_url

    # a re-run reads the cache whichever endpoint answered first: nothing is asked again
    before = (out / "scenes.jsonl").read_bytes()
    res = invoke(recipe_for(write_recipe, [fine.base_url]), out)
    assert res.exit_code == 0, res.output
    assert json.loads((out / "run.json").read_text())["requests"] == 0
    assert (out / "scenes.jsonl").read_bytes() == before


def test_all_endpoints_down_aborts_with_one_line(write_recipe, tmp_path):
    urls = [f"http://127.0.0.1:{free_port()}/v1" for _ in range(3)]
    out = tmp_path / "run"
    res = invoke(recipe_for(write_recipe, urls), out)
    assert res.exit_code == 1, res.output
    last = res.output.strip().splitlines()[-1]
    assert last.startswith("error: all endpoints (") and "connection refused" in last, res.output
    summary = json.loads((out / "run.json").read_text())
    assert summary["status"] == "aborted"
    assert all(summary["endpoints"][u]["failures"] for u in urls)


def test_endpoint_keys_come_from_the_environment_and_are_masked(write_recipe, tmp_path, monkeypatch):
    from factory import secrets

    monkeypatch.setenv("REPLICA_B", "sk-replica-b-0451")  # a name that says nothing of a key
    path = recipe_for(write_recipe, ["http://127.0.0.1:1/v1"], extra=", api_key: '${REPLICA_B}', weight: 2")
    recipe = load_recipe(path)
    [ep] = recipe.backend.endpoints
    assert ep.api_key.get_secret_value() == "sk-replica-b-0451" and ep.weight == 2
    assert "sk-replica-b-0451" not in secrets.scrub("key sk-replica-b-0451")


@pytest.mark.parametrize(
    "endpoints,message",
    [
        ("    - {base_url: 'ftp://x/v1'}", "backend.endpoints.0.base_url"),
        ("    - {base_url: 'http://u:p@x/v1'}", "credentials"),
        ("    - {base_url: 'http://x/v1', weight: 0}", "weight"),
        ("    - {base_url: 'http://x/v1'}\n    - {base_url: 'http://x/v1'}", "listed twice"),
        ("    - {base_url: 'http://x/v1', name: '${HOME}'}", "name"),
    ],
)
def test_bad_endpoints_are_one_line_errors(write_recipe, endpoints, message):
    with pytest.raises(RecipeError) as info:
        load_recipe(write_recipe(RECIPE.format(endpoints=endpoints)))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_base_url_and_endpoints_together_are_refused(write_recipe):
    body = RECIPE.format(endpoints="    - {base_url: 'http://x/v1'}").replace(
        "  model: m\n", "  model: m\n  base_url: http://y/v1\n"
    )
    with pytest.raises(RecipeError, match="not both"):
        load_recipe(write_recipe(body))


def test_judge_endpoints_resolve_like_the_backend_s():
    from factory.recipe import BackendConfig
    from factory.run.endpoint import judge_target

    block = BackendConfig(
        model="judge-m",
        endpoints=[
            {"base_url": "http://a.example:8000/v1", "concurrency": 3},
            {"base_url": "http://b.example:8000/v1", "model": "other", "weight": 2},
        ],
    )
    s = judge_target(block, env={})
    assert [(m.base_url, m.model, m.concurrency, m.weight) for m in s.members] == [
        ("http://a.example:8000/v1", "judge-m", 3, 1.0),
        ("http://b.example:8000/v1", "other", 16, 2.0),
    ]
    # the fleet is named by its first endpoint (the cache key's model), and its width is the sum
    assert (s.base_url, s.model, s.concurrency) == ("http://a.example:8000/v1", "judge-m", 19)
    assert all(m.params["temperature"] == 0.0 for m in s.members)  # a judge's default holds


def test_each_endpoint_is_priced_at_its_own_rates(three, write_recipe, tmp_path):
    """A paid API beside a free replica: run.json's cost is each endpoint's tokens at its prices."""
    paid, free, default = three
    eps = "\n".join(
        [
            f"    - {{base_url: '{paid.base_url}', prices: {{input_per_million: 3, output_per_million: 15}}}}",
            f"    - {{base_url: '{free.base_url}', prices: {{input_per_million: 0, output_per_million: 0}}}}",
            f"    - {{base_url: '{default.base_url}'}}",  # the block's prices
        ]
    )
    body = RECIPE.format(endpoints=eps).replace(
        "  concurrency: 2\n", "  concurrency: 2\n  prices: {input_per_million: 1, output_per_million: 2}\n"
    )
    out = tmp_path / "run"
    res = invoke(write_recipe(body), out)
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "run.json").read_text())
    books = summary["endpoints"]
    rates = {paid.base_url: (3, 15), free.base_url: (0, 0), default.base_url: (1, 2)}
    for url, (i, o) in rates.items():
        b = books[url]
        assert b["ok"] > 0, url  # each took its share
        assert b["cost_usd"] == pytest.approx((b["tokens_in"] * i + b["tokens_out"] * o) / 1e6, abs=1e-6)
    assert summary["cost_usd"] == pytest.approx(sum(b["cost_usd"] for b in books.values()), abs=1e-5)
    assert summary["cost_usd"] > 0 and books[free.base_url]["cost_usd"] == 0
    plan = summary["plan"]  # planned at the mean price of the three, weighted by their shares
    assert plan["cost_usd"] is not None and plan["cost_usd"] > 0
