"""Persona extraction when the helper runs out of tokens mid-card."""

import asyncio

import pytest

from factory.chat.persona import extract_card
from factory.engine import EndpointSettings, Engine
from factory.testing.openai_server import ScriptedServer

CARD = "You are Anna Keller. You mend clocks in a river town. You distrust the railway and its"


async def _extract(srv: ScriptedServer) -> str:
    engine = Engine(EndpointSettings(base_url=srv.base_url, model="m", parse_retries=0, max_retries=0))
    try:
        return await extract_card(engine, "Anna Keller", "en", ["Anna Keller mends clocks."])
    finally:
        await engine.close()


def test_a_truncated_card_keeps_its_finished_sentences():
    with ScriptedServer(responder=lambda body: CARD + " " + CARD) as srv:
        srv.script({"truncate": True})
        card = asyncio.run(_extract(srv))
    assert card.endswith("river town.") and "railway" not in card.split("river town.")[-1]


def test_an_empty_reply_is_an_error():
    with (
        ScriptedServer(responder=lambda body: "   ") as srv,
        pytest.raises(ValueError, match="persona extraction"),
    ):
        asyncio.run(_extract(srv))
