"""What a chat settled stays settled: a re-run with the same cache asks the model nothing again.

The engine keeps only the raw replies and counts a truncated one (finish_reason=length) as a
failure, which each later run re-asks in a fresh round of the parse budget. The chat uses such
a reply anyway (a card cut to its last whole sentence, a line cut short), so a second chat
would get a different card, and from it different prompts for every turn. Here the text the
chat took is recorded under a key of its own in the same cache, and read back first.
"""

from __future__ import annotations

from typing import Any

from factory.engine import Engine, Reply, Request, RequestCache, cache_key

NAMESPACE = "factory.chat.settled"


class Settled:
    """The chat's own decisions (card, replies, summaries), keyed by what they were made from."""

    def __init__(self, cache: RequestCache | None):
        self.cache = cache

    def key(self, what: str, engine: Engine, req: Request, extra: Any = None) -> str:
        body = engine.body(req)
        params = {k: v for k, v in body.items() if k not in ("model", "messages")}
        return cache_key(
            f"{NAMESPACE}:{what}:{engine.settings.model}",
            engine.settings.kind,
            req.messages,
            {**params, "extra": extra},
            req.schema,
            req.sample_index,
        )

    def get(self, key: str) -> str | None:
        hit = self.cache.get(key) if self.cache is not None else None
        return hit.text if hit is not None else None

    def put(self, key: str, text: str) -> None:
        if self.cache is not None:
            self.cache.put(key, Reply(text=text, finish_reason="settled"))
