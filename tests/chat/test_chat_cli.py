"""`factory chat --script`: a real session over HTTP, including summarize-then-recall."""

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.testing.openai_server import ScriptedServer, completion
from tests.chat import fakes
from tests.evaluate.conftest import make_run

SCRIPT = [
    "Hello, Anna.",
    "My dog is called Biscuit.",
    "Do you like clocks?",
    "What time is it?",
    "Is the workshop busy?",
    "Are the apprentices good?",
    "What was my dog called again?",
]


@pytest.fixture
def chat_server():
    with ScriptedServer(responder=fakes.route, model="anna-sft") as srv:
        yield srv


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "script.txt"
    path.write_text("# a comment\n" + "\n".join(SCRIPT) + "\n\n", encoding="utf-8")
    return path


def chat(srv, run, script, *extra):
    args = ["chat", "--model", srv.base_url, "--run", str(run), "--script", str(script), *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_facts_beyond_the_window_are_recalled_through_the_summary(chat_server, tmp_path, script):
    run = make_run(tmp_path, full=False)
    res = chat(chat_server, run, script, "--context-budget", "80", "--keep-recent", "2")
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0] == 'Me: "Hello, Anna."' and lines[1].startswith('Anna Keller: "Hm, ')
    assert len(lines) == 2 * len(SCRIPT)
    assert lines[-1] == 'Anna Keller: "Biscuit, of course."'  # cut at the closing quote
    final = chat_server.requests[-1]["messages"]
    assert "Biscuit" not in final[1]["content"]  # the line itself left the window...
    assert (
        "Biscuit" in final[0]["content"] and "What happened earlier" in final[0]["content"]
    )  # ...the summary kept it
    assert final[0]["content"].startswith(fakes.CARD)  # static persona card as the system prompt
    assert "folded" in res.stderr


def test_without_summaries_the_fact_is_lost(chat_server, tmp_path, script):
    run = make_run(tmp_path, full=False)
    res = chat(chat_server, run, script, "--context-budget", "80", "--keep-recent", "2", "--no-summary")
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().splitlines()[-1] == 'Anna Keller: "I do not know, dear."'


def test_with_room_everything_stays_in_the_prompt(chat_server, tmp_path, script):
    run = make_run(tmp_path, full=False)
    res = chat(chat_server, run, script)
    assert res.stdout.strip().splitlines()[-1] == 'Anna Keller: "Biscuit, of course."'
    assert not any("running summary" in r["messages"][0]["content"] for r in chat_server.requests)
    user = chat_server.requests[-1]["messages"][1]["content"]
    assert user.count("\n") == 2 * len(SCRIPT) - 2 and 'Me: "My dog is called Biscuit."' in user


def test_dynamic_persona_retrieves_passages_per_turn(chat_server, tmp_path):
    run = make_run(tmp_path, full=False)
    script = tmp_path / "s.txt"
    script.write_text("When did you open your workshop?\n")
    res = chat(chat_server, run, script, "--persona", "dynamic")
    assert res.exit_code == 0, res.output
    system = chat_server.requests[-1]["messages"][0]["content"]
    assert system.startswith("You are Anna Keller.") and "opened her own workshop in 1880" in system
    assert "born in 1850" not in system  # only the passage that matches the turn


def test_rerun_is_served_from_the_cache(chat_server, tmp_path, script):
    run = make_run(tmp_path, full=False)
    first = chat(chat_server, run, script, "--context-budget", "80", "--keep-recent", "2")
    n = chat_server.count
    second = chat(chat_server, run, script, "--context-budget", "80", "--keep-recent", "2")
    assert second.stdout == first.stdout and chat_server.count == n
    assert (run / "chat" / "cache.sqlite").is_file()


def test_rerun_of_cut_off_replies_asks_nothing(tmp_path, script):
    """Every reply hits max_tokens (the tiny local model's card does): the engine counts that as a
    failure and would re-ask it on each run, so the second chat had another card and other prompts."""
    run = make_run(tmp_path, full=False)
    with ScriptedServer(responder=lambda body: completion(fakes.route(body), "anna-sft", "length")) as srv:
        first = chat(srv, run, script, "--context-budget", "80", "--keep-recent", "2")
        n = srv.count
        second = chat(srv, run, script, "--context-budget", "80", "--keep-recent", "2")
    assert first.exit_code == 0 and 'Anna Keller: "' in first.stdout, first.output
    cards = [r for r in srv.requests if r["messages"][0]["content"].startswith("You write persona cards")]
    assert len(cards) == 1  # asked once: at temperature 0 a second try is cut at the same place
    assert second.stdout == first.stdout and srv.count == n


def test_chat_needs_a_profile(tmp_path):
    res = CliRunner().invoke(main, ["chat", "--model", "http://127.0.0.1:9/v1", "--model-name", "m"])
    assert res.exit_code == 2 and "give --run RUN_DIR or --profile FILE" in res.output


def test_interactive_session_from_a_profile_file(chat_server, tmp_path):
    profile = tmp_path / "p.md"
    profile.write_text("# Life\nMira bakes rye bread in Lyon.\n", encoding="utf-8")
    res = CliRunner().invoke(
        main,
        [
            "chat",
            "--model",
            chat_server.base_url,
            "--profile",
            str(profile),
            "--character",
            "Mira",
            "--persona",
            "dynamic",
        ],
        input="Hello there\n\nWhat do you bake?\n/quit\nnever sent\n",
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.count('Mira: "') == 2 and "never sent" not in str(chat_server.requests)
    assert "Mira bakes rye bread" in chat_server.requests[-1]["messages"][0]["content"]


def test_window_always_starts_with_a_user_turn(chat_server, tmp_path, script):
    run = make_run(tmp_path, full=False)
    res = chat(
        chat_server, run, script, "--context-budget", "120", "--keep-recent", "4", "--style", "standard"
    )
    assert res.exit_code == 0, res.output
    chats = [
        r["messages"]
        for r in chat_server.requests
        if "running summary" not in r["messages"][0]["content"]
        and not r["messages"][0]["content"].startswith("You write persona cards")
    ]
    assert any(len(m) < 2 * len(SCRIPT) for m in chats[-2:])  # something was folded away
    assert all(m[1]["role"] == "user" and m[-1]["role"] == "user" for m in chats)
