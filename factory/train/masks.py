"""Token ids + assistant mask for one conversation: loss only on the character's own turns.

Qwen's stock template has no `{% generation %}` markers and knows nothing of a per-message
`weight`, so the masks are built here: the conversation is rendered as text pieces, each flagged
trainable or not, tokenized once with offsets, and a token is trained only when it lies wholly
inside a trainable piece. Trainable = an assistant message whose `weight` is not 0: its content
and its `<|im_end|>` (the eos). Never the `<|im_start|>assistant\\n` header, the newline after
`<|im_end|>`, the system prompt, user turns, or weight-0 assistant turns (another character's
lines in a multi-party scene).

`chatml` renders exactly templates.CHATML_TEMPLATE; `model` renders with the tokenizer's own
template and finds each assistant turn by rendering the conversation prefix by prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IM_START, IM_END = "<|im_start|>", "<|im_end|>"


@dataclass
class Encoded:
    input_ids: list[int]
    assistant_masks: list[int]

    @property
    def trained(self) -> int:
        return sum(self.assistant_masks)


def is_target(message: dict[str, Any]) -> bool:
    return message["role"] == "assistant" and message.get("weight", 1) != 0


def chatml_pieces(messages: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """ChatML text pieces; the trainable one is an assistant turn's content plus its <|im_end|>."""
    pieces: list[tuple[str, bool]] = []
    for m in messages:
        pieces.append((f"{IM_START}{m['role']}\n", False))
        pieces.append((f"{m['content']}{IM_END}", is_target(m)))
        pieces.append(("\n", False))
    return pieces


def template_pieces(tokenizer: Any, messages: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """Pieces from the tokenizer's own template; needs a template where earlier turns render stably."""

    def render(msgs: list[dict[str, Any]], gen: bool) -> str:
        return tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=gen)

    pieces: list[tuple[str, bool]] = []
    done = ""
    for i, m in enumerate(messages):
        if not is_target(m):
            continue
        prefix, full = render(messages[:i], True) if i else "", render(messages[: i + 1], False)
        if not (prefix.startswith(done) and full.startswith(prefix)):
            raise ValueError(
                "template: the model's chat template re-renders earlier turns differently as the "
                "conversation grows; use `template: chatml`"
            )
        body = full[len(prefix) :]
        turn = body.rstrip()  # content + end-of-turn token; trailing whitespace is the next turn's business
        pieces += [(prefix[len(done) :], False), (turn, True), (body[len(turn) :], False)]
        done = full
    whole = render(messages, False)
    if not whole.startswith(done):
        raise ValueError("template: the model's chat template is not prefix-stable; use `template: chatml`")
    pieces.append((whole[len(done) :], False))
    return [p for p in pieces if p[0]]


def encode_pieces(tokenizer: Any, pieces: list[tuple[str, bool]]) -> Encoded:
    text = "".join(p for p, _ in pieces)
    spans, pos = [], 0
    for piece, train in pieces:
        if train:
            spans.append((pos, pos + len(piece)))
        pos += len(piece)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    mask = []
    for start, end in enc["offset_mapping"]:
        mask.append(int(any(s <= start and end <= e and end > start for s, e in spans)))
    return Encoded(list(enc["input_ids"]), mask)


def encode_conversation(tokenizer: Any, messages: list[dict[str, Any]], template: str = "chatml") -> Encoded:
    """input_ids and assistant_masks (1 = trained) for `messages` (role, content, optional weight)."""
    pieces = chatml_pieces(messages) if template == "chatml" else template_pieces(tokenizer, messages)
    return encode_pieces(tokenizer, pieces)
