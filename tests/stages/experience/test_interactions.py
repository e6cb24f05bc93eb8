"""Interactions against the scripted server: scripts kept with their channels, messy replies read,
truncated or unparseable ones retried and then rejected with a reason."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factory.cli import main
from tests.responders import route, script_turns
from tests.stages.experience_helpers import en_recipe, failures, records, run_cli

MATCH = "Write the script of one scene"


def test_one_script_per_scene_with_all_four_channels(server, write_recipe, tmp_path):
    server.responder = route
    out = tmp_path / "r"
    summary = run_cli(en_recipe(write_recipe, protection="null"), out, server.base_url)
    scenes = {s["id"]: s for s in records(out, "scenes")}
    inters = records(out, "interactions")
    assert summary["counts"]["interactions"] == len(inters) == len(scenes) == 20
    for inter in inters:
        scene = scenes[inter["scene_id"]]
        assert inter["chunk_ids"] == scene["chunk_ids"] and inter["chunk_ids"][0].startswith("chk-")
        modes = {(t["speaker"] == "Anna Keller", t["mode"]) for t in inter["turns"]}
        assert {
            (True, "speech"),
            (True, "thought"),
            (True, "action"),
            (False, "narration"),
            (False, "speech"),
        } <= modes
    chunks = {c["id"]: c for c in records(out, "chunks")}
    prompts = {
        b["messages"][-1]["content"]: b for b in server.requests if MATCH in b["messages"][-1]["content"]
    }
    for inter in inters:  # each script was written from its own chunk's facts
        scene = scenes[inter["scene_id"]]
        assert any(
            f"- Place: {scene['location']}\n" in p and chunks[inter["chunk_ids"][0]]["text"] in p
            for p in prompts
        )
    body = next(iter(prompts.values()))
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["turns"]["maxItems"] == 12 and body["max_tokens"] <= 1536


def test_messy_replies_are_read_and_bad_ones_rejected_with_reasons(server, write_recipe, tmp_path):
    server.responder = route
    good = {
        "turns": [
            {"speaker": "Anna", "mode": "speech", "text": "Who is there?"},
            {"speaker": "the mayor", "text": "It is only me."},
            {"Anna Keller (thinking)": "Him again."},
            {"name": "Anna Keller", "type": "act", "content": "*opens the door*"},
        ]
    }
    server.script(
        # scene 1: prose + fence + odd keys -> kept
        {"match": MATCH, "content": "Here it is!\n```json\n" + json.dumps(good) + "\n```\nEnjoy."},
        # scene 2: truncated three times (first try + 2 parse retries) -> rejected "truncated"
        {"match": MATCH, "truncate": True},
        {"match": MATCH, "truncate": True},
        {"match": MATCH, "truncate": True},
    )
    out = tmp_path / "r"
    run_cli(
        en_recipe(write_recipe, per_chunk=1, protection="null"), out, server.base_url, "--concurrency", "1"
    )
    inters = records(out, "interactions")
    assert len(inters) == 1
    assert [(t["speaker"], t["mode"]) for t in inters[0]["turns"]] == [
        ("Anna Keller", "speech"),
        ("the mayor", "speech"),
        ("Anna Keller", "thought"),
        ("Anna Keller", "action"),
    ]
    fails = failures(out, "interactions")
    assert [f["reason"] for f in fails] == ["truncated"]
    assert server.pending() == 0


def test_unparseable_script_is_retried_then_rejected_never_kept(server, write_recipe, tmp_path):
    server.responder = route
    server.script(
        {"match": MATCH, "content": "The scene could not be written."},
        {"match": MATCH, "content": '{"turns": [{"speaker": "Anna Keller", "text": "Hello'},
        {"match": MATCH, "content": json.dumps({"turns": [{"speaker": "the mayor", "text": "Hi"}]})},
    )
    out = tmp_path / "r"
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(en_recipe(write_recipe, per_chunk=1, protection="null")),
            "--out",
            str(out),
            "--base-url",
            server.base_url,
            "--model",
            "m",
            "--quiet",
            "--concurrency",
            "1",
            "--limit",
            "1",
        ],
    )
    assert res.exit_code == 1 and "stage interactions: 1 of 1 requests failed (parse 1)" in res.output
    assert records(out, "interactions") == []
    (fail,) = failures(out, "interactions")
    assert fail["reason"] == "parse" and "no spoken line by Anna Keller" in fail["detail"]


def test_retry_after_a_bad_reply_keeps_the_good_one(server, write_recipe, tmp_path):
    server.responder = route
    server.script({"match": MATCH, "content": '```json\n{"turns": []}\n```'})
    out = tmp_path / "r"
    summary = run_cli(
        en_recipe(write_recipe, per_chunk=1, protection="null"),
        out,
        server.base_url,
        "--concurrency",
        "1",
        "--limit",
        "1",
    )
    assert len(records(out, "interactions")) == 1 and failures(out, "interactions") == []
    assert summary["stages"]["interactions"]["retries"] == {"parse": 1}


def test_rerun_is_free_and_files_identical(server, write_recipe, tmp_path):
    server.responder = route
    recipe, out = en_recipe(write_recipe, per_chunk=3), tmp_path / "r"
    run_cli(recipe, out, server.base_url)
    before = {p.name: p.read_bytes() for p in out.glob("*.jsonl")}
    made = server.count
    again = run_cli(recipe, out, server.base_url)
    assert again["requests"] == 0 and server.count == made
    assert {p.name: p.read_bytes() for p in out.glob("*.jsonl")} == before


def test_fake_script_helper_names_the_target():
    body = {
        "messages": [
            {
                "role": "user",
                "content": "Write the script of one scene from the life of Anna Keller.\n"
                "- Present: Anna Keller, the mayor\n",
            }
        ]
    }
    assert {t["speaker"] for t in script_turns(body)} == {"narrator", "the mayor", "Anna Keller"}
