"""Generation in quote style: prefill + stop where the server continues, a fallback where it does not."""

import asyncio

from factory.chat.speaker import Conversation, Speaker
from factory.engine import EndpointSettings, Engine
from factory.testing.openai_server import ScriptedServer


def ask(base_url, prefill="auto", kind="other"):
    async def go():
        engine = Engine(EndpointSettings(base_url=base_url, model="m", kind=kind, concurrency=2))
        try:
            speaker = Speaker(engine, style="quote", prefill=prefill)
            convs = [
                Conversation(f"c{i}", "Anna Keller", "en", "You are Anna.", [("user", f"Hello {i}")])
                for i in range(2)
            ]
            return speaker, await speaker.answer(convs)
        finally:
            await engine.close()

    return asyncio.run(go())


def test_a_server_that_continues_the_prefill_gets_stop_and_prefix():
    with ScriptedServer(responder=lambda b: 'Good day." Me: "x') as srv:
        speaker, answers = ask(srv.base_url)
    assert [a.text for a in answers] == ["Good day.", "Good day."]
    body = srv.requests[0]
    assert body["stop"] == ['"'] and body["continue_final_message"] is True
    assert body["messages"][-1] == {"role": "assistant", "content": 'Anna Keller: "'}
    assert body["messages"][1]["content"] == 'Me: "Hello 0"' and speaker.prefill == "continue"


def test_a_server_that_ignores_the_prefill_is_asked_again_without_it():
    def responder(body):  # writes its own prefix; honours stop, so with stop only the label survives
        return "Anna Keller: " if body.get("stop") else 'Anna Keller: "Good day." Me: "x'

    with ScriptedServer(responder=responder) as srv:
        speaker, answers = ask(srv.base_url)
    assert [a.text for a in answers] == ["Good day.", "Good day."]
    assert speaker.prefill == "none" and srv.count == 4
    last = srv.requests[-1]
    assert "stop" not in last and last["messages"][-1]["role"] == "user"


def test_known_non_continuing_servers_skip_the_prefill_from_the_start():
    with ScriptedServer(responder=lambda b: 'Anna Keller: "Hi."') as srv:
        speaker, answers = ask(srv.base_url, kind="llamacpp")
    assert [a.text for a in answers] == ["Hi.", "Hi."] and srv.count == 2


def test_a_reply_cut_by_max_tokens_is_kept_and_flagged():
    with ScriptedServer(responder=lambda b: "A long answer about clocks and springs") as srv:
        srv.script({"truncate": True, "match": "Hello 0"})

        async def go():
            engine = Engine(EndpointSettings(base_url=srv.base_url, model="m", kind="other", parse_retries=0))
            try:
                return await Speaker(engine, style="standard").answer(
                    [Conversation(f"c{i}", "Anna", "en", "", [("user", f"Hello {i}")]) for i in range(2)]
                )
            finally:
                await engine.close()

        answers = asyncio.run(go())
    assert answers[0].truncated and answers[0].text == "A long answer about"
    assert not answers[1].truncated and answers[1].text.endswith("springs")
    assert srv.count == 2  # no retry spent on a truncated answer
