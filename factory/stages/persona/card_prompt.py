"""An imported card's own prompt material, assembled the way a chat front-end (SillyTavern) does.

A Character Card V2/V3 carries more than descriptive fields: a `system_prompt` that replaces the
front-end's own ({{original}} standing for it), `post_history_instructions` sent after the chat,
`alternate_greetings` (swipes of the first message), a `character_book` whose entries enter the
prompt when their keys occur in the recent messages (factory.stages.persona.lorebook) and
SillyTavern's `extensions.depth_prompt` (the character's note, `depth` messages from the end).

A sample is one whole session trained at once, so it is assembled as the prompt of the session's
*final* reply: the lorebook scans the messages before it, the depth prompt counts back from it and
the post-history instructions sit right before it; the greeting is picked per session when the
session is planned, so the writer of the session sees the opening it continues from. Each part is
a switch in `sessions.card_prompt` (an ablation) and a label in `labels.card`.
"""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from factory.lang import pick
from factory.recipe.errors import Strict
from factory.records import Card, Message
from factory.stages.persona.card_render import card_parts, head_text, macros
from factory.stages.persona.lorebook import Entry, activate, read_book

WRITER_LORE_CHARS = 2000  # the lorebook shown to the model that writes a session, at most


class CardPromptConfig(Strict):
    """Which parts of an imported card's own prompt reach the samples (each one a label, `labels.card`)."""

    system_prompt: bool = Field(
        True,
        description="The card's `system_prompt` replaces the opening line of the sample's system "
        "prompt ({{original}} in it stands for that line).",
    )
    post_history_instructions: bool = Field(
        True,
        description="The card's `post_history_instructions` go in a system message right before the "
        "final reply.",
    )
    alternate_greetings: bool = Field(
        True,
        description="Each session opens with a seeded pick among `first_mes` and "
        "`alternate_greetings` (false: always `first_mes`).",
    )
    lorebook: bool = Field(
        True,
        description="`character_book` entries whose keys occur in the messages within scan depth "
        "of the final reply go into the prompt (before / after the card, or at their depth).",
    )
    depth_prompt: bool = Field(
        True,
        description="`extensions.depth_prompt` ({prompt, depth, role}) is inserted `depth` messages "
        "before the final reply.",
    )


def raw(card: Card) -> dict[str, Any]:
    """The imported card's `data` (empty for cards factory made)."""
    data = card.extra.get("ccv2")
    return data if isinstance(data, dict) else {}


def _text(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def alternates(card: Card) -> list[str]:
    return [g for g in raw(card).get("alternate_greetings") or [] if isinstance(g, str) and g.strip()]


def greeting_choices(card: Card, cfg: CardPromptConfig) -> int:
    """How many alternate greetings a session of this card may open with (0: always first_mes)."""
    return len(alternates(card)) if cfg.alternate_greetings else 0


def greeting_counts(cards: list[Card], cfg: CardPromptConfig) -> dict[str, int]:
    return {c.id: greeting_choices(c, cfg) for c in cards}


def pick_greeting(seed: int, card_id: str, index: int, n: int) -> int | None:
    """0 = first_mes, k = alternate_greetings[k-1] (the V3 `@@is_greeting` numbering); None: no
    alternates. Its own random stream, so the rest of the session plan stays what it was."""
    if n <= 0:
        return None
    return random.Random(f"{seed}:{card_id}:{index}:greeting").randint(0, n)


def greeting_text(card: Card, greeting: int | None) -> str:
    if not greeting:
        return card.first_message
    alt = alternates(card)
    return alt[greeting - 1] if greeting - 1 < len(alt) else card.first_message


def opening_text(card: Card, greeting: int | None) -> str:
    """The greeting, for the session writer's prompt: shown only when a pick was made (a card with
    alternate greetings), so sessions of other cards are asked exactly as before."""
    if greeting is None:
        return ""
    text = macros(greeting_text(card, greeting), card).strip()
    if not text:
        return ""
    return pick(
        card.language,
        f"\n\nThe chat opens with the character's greeting (the session continues from it):\n{text}",
        f"\n\n对话以角色的开场白开始（这段对话接着它往下写）：\n{text}",
    )


def greeting_label(greeting: int | None) -> str:
    return "first_mes" if not greeting else f"alternate:{greeting - 1}"


def writer_lore(card: Card) -> str:
    """The card's enabled lorebook entries, for the model writing the session (so replies can use
    what the sample's prompt will carry); empty without a book."""
    entries, _ = read_book(raw(card).get("character_book"))
    lines = []
    for e in sorted((e for e in entries if e.enabled and e.content), key=lambda e: e.order):
        keys = ", ".join(e.keys) or "-"
        lines.append(f"- [{keys}] {macros(e.content, card)}")
    if not lines:
        return ""
    body = "\n".join(lines)[:WRITER_LORE_CHARS]
    return (
        pick(
            card.language,
            "World notes (what the character knows; use them when they come up):\n",
            "世界设定（角色知道的事，话题涉及时使用）：\n",
        )
        + body
    )


def system_text(card: Card, mode: str, cfg: CardPromptConfig, lore: list[Entry]) -> tuple[str, bool]:
    """The sample's system prompt and whether the card's own system_prompt is in it. SillyTavern's
    order: main prompt (the card's system_prompt), lore before the card, the card, lore after it,
    example dialogue. Without card material this is exactly render_card(card, mode)."""
    if mode == "none":
        return "", False
    head = head_text(card, mode)
    own = _text(raw(card).get("system_prompt")) if cfg.system_prompt else ""
    first = macros(own, card, original=head) if own else head
    before = [e.content for e in lore if e.position == "before_char"]
    after = [e.content for e in lore if e.position == "after_char"]
    if mode == "short":
        parts = [first, *before, *after]
    else:
        fields, examples = card_parts(card)
        parts = [first, *before, fields, *after, examples]
    return macros("\n\n".join(p for p in parts if p), card), bool(own)


def _depth_prompt(card: Card) -> tuple[str, int, str] | None:
    dp = (raw(card).get("extensions") or {}).get("depth_prompt")
    if not isinstance(dp, dict) or not _text(dp.get("prompt")):
        return None
    depth = dp.get("depth", 4)
    depth = int(depth) if isinstance(depth, int | float) and not isinstance(depth, bool) else 4
    return _text(dp["prompt"]), max(0, depth), str(dp.get("role") or "system")


def _message(text: str, role: str) -> Message:
    return Message(role="user" if role == "user" else "system", content=text)


def assemble(
    card: Card,
    msgs: list[Message],
    user_at: list[int],
    mode: str,
    cfg: CardPromptConfig,
    greeting: int | None,
) -> tuple[list[Message], list[int], str, dict[str, Any]]:
    """(messages with the card's insertions, user_at shifted to match, system prompt, labels.card)."""
    data = raw(card)
    final = max((i for i, m in enumerate(msgs) if m.role == "assistant" and m.train), default=len(msgs))
    on = mode != "none"
    lore: list[Entry] = []
    if on and cfg.lorebook:
        entries, book = read_book(data.get("character_book"))
        scanned = [m.content for m in msgs[:final] if m.role != "system"]
        lore = activate(entries, scanned, book, greeting or 0)
    system, own = system_text(card, mode, cfg, lore)
    inserts: list[tuple[int, Message]] = []  # (position in msgs, message), in the order they go in
    for e in lore:
        if e.position == "at_depth":
            inserts.append((max(0, final - e.depth), _message(macros(e.content, card), e.role)))
    dp = _depth_prompt(card) if on and cfg.depth_prompt else None
    if dp is not None:
        inserts.append((max(0, final - dp[1]), _message(macros(dp[0], card), dp[2])))
    phi = _text(data.get("post_history_instructions")) if on and cfg.post_history_instructions else ""
    if phi:
        inserts.append((final, Message(role="system", content=macros(phi, card))))
    out: list[Message] = []
    moved: dict[int, int] = {}
    for i in range(len(msgs) + 1):
        out += [m for pos, m in inserts if pos == i]
        if i < len(msgs):
            moved[i] = len(out)
            out.append(msgs[i])
    label = {
        "system_prompt": own,
        "post_history": bool(phi),
        "depth_prompt": dp is not None,
        "lorebook_entries": [e.id for e in lore],
        "greeting": greeting_label(greeting),
    }
    return out, [moved[i] for i in user_at], system, label
