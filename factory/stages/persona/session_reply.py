"""A session as the model writes it back: the schema of its turns (bounded by the card's detail),
the keys a model may use for them, the tolerant parser, and the session record built from it -
with the memory probe kept only where the user really planted the fact."""

from __future__ import annotations

import math

from factory.engine import ParseError
from factory.records import Card, Probe, Session, Turn
from factory.stages.persona.card_render import split_action
from factory.stages.persona.session_plan import SessionPlan
from factory.stages.shared.parsing import bounded_string, json_items, text_field

LIMITS = {
    "full": {"user": 300, "action": 160, "reply": 450},
    "short": {"user": 90, "action": 50, "reply": 120},
}
LENGTH = {
    "en": {
        "full": "Replies are one to four sentences.",
        "short": "Keep every message to one short sentence.",
    },
    "zh": {"full": "每次回答一到四句。", "short": "每条消息都只写一句短句。"},
}
USER_KEYS = ("user", "user_message", "message", "question", "input", "用户")
REPLY_KEYS = (
    "reply",
    "response",
    "answer",
    "character",
    "char",
    "assistant",
    "speech",
    "text",
    "回答",
    "角色",
)
ACTION_KEYS = ("action", "actions", "narration", "gesture", "动作")
PLANT_MATCH = 85  # rapidfuzz partial_ratio of the fact against the user's message: reworded but kept


def session_schema(turns: int, detail: str) -> dict:
    lim = LIMITS[detail]
    props = {k: bounded_string(v) | ({"minLength": 1} if k != "action" else {}) for k, v in lim.items()}
    item = {"type": "object", "properties": props, "required": ["user", "action", "reply"]}
    # exactly `turns` items with non-empty lines: a grammar-bound server (llama.cpp) then cannot stop early
    return {
        "type": "object",
        "properties": {"turns": {"type": "array", "items": item, "minItems": turns, "maxItems": turns}},
        "required": ["turns"],
    }


def _pairs(items: list[dict], name: str) -> list[dict[str, str]]:
    """Exchanges from either {user, action, reply} items or an alternating list of {role, content}."""
    reply_keys = (*REPLY_KEYS, name.lower(), name.split()[0].lower())  # {"user": .., "Mira": ..}
    if any(text_field(it, *USER_KEYS) and text_field(it, *reply_keys) for it in items):
        return [
            {
                "user": text_field(it, *USER_KEYS),
                "action": text_field(it, *ACTION_KEYS),
                "reply": text_field(it, *reply_keys),
            }
            for it in items
        ]
    out: list[dict[str, str]] = []
    for it in items:
        who = text_field(it, "role", "speaker", "from", "name").lower()
        text = text_field(it, "content", "text", "value", "line", "message")
        if who in ("user", "human", "用户"):
            out.append({"user": text, "action": "", "reply": ""})
        elif out and text:
            last = out[-1]
            last["reply"] = f"{last['reply']} {text}".strip()
            last["action"] = last["action"] or text_field(it, *ACTION_KEYS)
    return out


def parse_session(plan: SessionPlan, card: Card, detail: str):
    lim, name = LIMITS[detail], card.name

    def parse(text: str) -> list[dict[str, str]]:
        exchanges = []
        for ex in _pairs(json_items(text, "turns"), name)[: plan.turns]:
            reply = ex["reply"]
            for prefix in (f"{name}:", f"{name}：", "Character:", "char:"):
                if reply.lower().startswith(prefix.lower()):
                    reply = reply[len(prefix) :].strip()
            action = ex["action"]
            if not action:
                action, reply = split_action(reply, card.language)
            if not (ex["user"] and (reply or action)):
                break  # keep turn k = plan turn k (pushback and probes are planned by index)
            exchanges.append(
                {
                    "user": ex["user"][: lim["user"] * 3],
                    "action": action[: lim["action"] * 3],
                    "reply": reply[: lim["reply"] * 3],
                }
            )
        if len(exchanges) < max(1, math.ceil(plan.turns / 2)):
            raise ParseError(f"session has {len(exchanges)} usable turns, wanted {plan.turns}")
        return exchanges

    return parse


def planted(fact: str, hint: str, text: str) -> bool:
    """Did the user's message state the fact? The hint word (what a correct answer names) or a close
    partial match of the whole fact: tolerant of rewording and of Chinese, where words have no spaces."""
    from rapidfuzz import fuzz  # imported when sessions are checked, not with the recipe

    low, fact = text.casefold(), fact.casefold()
    if hint and hint.casefold() in low:
        return True
    # partial_ratio slides the shorter string over the longer: a message shorter than the fact
    # ("I") would match inside it, so such a message has to match the fact as a whole
    score = fuzz.partial_ratio(fact, low) if len(low) >= len(fact) else fuzz.ratio(fact, low)
    return score >= PLANT_MATCH


def to_session(plan: SessionPlan, card: Card, exchanges: list[dict[str, str]]) -> Session:
    turns: list[Turn] = []
    user_at: list[int] = []  # index in `turns` of each exchange's user message
    for ex in exchanges:
        user_at.append(len(turns))
        turns.append(Turn(speaker="user", mode="speech", text=ex["user"]))
        if ex["action"]:
            turns.append(Turn(speaker=card.name, mode="action", text=ex["action"]))
        if ex["reply"]:
            turns.append(Turn(speaker=card.name, mode="speech", text=ex["reply"]))
    probes = []
    p = plan.probe
    if p is not None and p.asked < len(exchanges) and planted(p.fact, p.hint, exchanges[p.planted]["user"]):
        probes.append(
            Probe(
                fact=p.fact, planted_turn=user_at[p.planted], asked_turn=user_at[p.asked], answer_hint=p.hint
            )
        )
    return Session(
        id=plan.session_id, card_id=card.id, user_archetype=plan.archetype, turns=turns, probes=probes
    )
