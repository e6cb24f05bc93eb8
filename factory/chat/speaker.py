"""The model under test in a role: one conversation in, one in-character reply out.

Two prompt styles: `standard` (system + alternating user/assistant messages, as the standard
export formats train) and `quote` (EGOS: history folded into one user prompt, reply prefilled
with `<Name>: "` and stopped at the closing quote). Prefill needs a server that continues a
final assistant message (vLLM's `continue_final_message`); on servers that do not, the model
writes `<Name>: "` itself and `stop` would cut it there, so such servers are detected from the
reply and asked again without prefill or stop (and remembered for the rest of the session).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factory.engine import Engine, Request
from factory.quote_style import STOP, cut_reply, fold, reply_prefix

# Kinds whose servers are known not to continue a final assistant message (or reject the flag).
NO_PREFILL_KINDS = {"openai", "deepseek", "ollama", "llamacpp"}


@dataclass
class Conversation:
    id: str
    character: str
    language: str
    system: str
    turns: list[tuple[str, str]]  # (user|assistant, text), ending with a user turn
    meta: dict = field(default_factory=dict)


@dataclass
class Answer:
    conversation: Conversation
    text: str | None  # None: no usable reply
    error: str | None = None
    cached: bool = False
    truncated: bool = False


class Speaker:
    def __init__(
        self,
        engine: Engine,
        style: str = "standard",
        prefill: str = "auto",
        stage: str = "model",
        params: dict | None = None,
    ):
        if style not in ("standard", "quote"):
            raise ValueError(f"--style: expected standard or quote, got {style!r}")
        if prefill == "auto":
            prefill = "none" if engine.settings.kind in NO_PREFILL_KINDS else "continue"
        if prefill not in ("continue", "none"):
            raise ValueError(f"--prefill: expected auto, continue or none, got {prefill!r}")
        self.engine = engine
        self.style = style
        self.prefill = prefill
        self.stage = stage
        self.params = dict(params or {})

    def request(self, conv: Conversation, prefill: str | None = None) -> Request:
        system = [{"role": "system", "content": conv.system}] if conv.system else []
        params = dict(self.params)
        if self.style == "standard":
            messages = system + [{"role": r, "content": t} for r, t in conv.turns]
            return Request(
                id=conv.id,
                messages=messages,
                stage=self.stage,
                params=params,
                parse=lambda text: text.strip(),
            )
        messages = system + [{"role": "user", "content": fold(conv.turns, conv.character, conv.language)}]
        if (prefill or self.prefill) == "continue":
            messages.append({"role": "assistant", "content": reply_prefix(conv.character)})
            params.update({"stop": [STOP], "continue_final_message": True, "add_generation_prompt": False})
        return Request(
            id=conv.id,
            messages=messages,
            stage=self.stage,
            params=params,
            parse=lambda text: cut_reply(text, conv.character, conv.language),
        )

    async def answer(self, convs: list[Conversation]) -> list[Answer]:
        """Answers in the order of `convs`; failures come back with text None and the reason.

        A reply cut by max_tokens is still an answer (what came is kept, flagged `truncated`).
        """
        by_id = {c.id: c for c in convs}
        if len(by_id) != len(convs):
            raise ValueError("conversation ids must be unique")
        out: dict[str, Answer] = {}
        retry: list[Conversation] = []
        for final in (False, True):
            todo = retry if final else convs
            if not todo:
                break
            if final:
                self.prefill = "none"
            async for res in self.engine.stream(self.request(c, "none" if final else None) for c in todo):
                conv = by_id[res.request.id]
                truncated = res.error == "truncated" and bool(res.text)
                value = res.value if res.ok else (res.request.parse(res.text) if truncated else None)
                if (res.ok or truncated) and value is None and self.style == "quote" and not final:
                    retry.append(conv)  # only `<Name>: ` came back: the server ignored the prefill
                    continue
                error = None if value else ("empty" if res.ok or truncated else res.error)
                out[conv.id] = Answer(conv, value or None, error, res.cached, truncated)
        return [out[c.id] for c in convs]
