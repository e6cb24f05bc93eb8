"""Sample builder for the persona route: one `persona_session` sample per session.

The card is the system prompt (full / short / none: `sessions.system_prompt`, the ablation of
whether a model learns to read its card); the session's greeting (the card's first message or a
seeded alternate) opens the dialogue (not trained on), then user and character alternate, every
character turn trained on. An imported card's own prompt material (system prompt, lorebook,
depth prompt, post-history instructions) is assembled by card_prompt and labelled `labels.card`.
Turn indices in the labels (probes, refusal turns) index `messages`, so evaluation can slice them
directly.
"""

from __future__ import annotations

from collections.abc import Iterator

from factory.records import Card, Message, Sample, Session, make_id
from factory.run.context import RunContext
from factory.stages.persona.card_prompt import CardPromptConfig, assemble, greeting_counts, greeting_text
from factory.stages.persona.card_render import character_content, macros, split_action
from factory.stages.persona.pushback import observed as pushback_observed
from factory.stages.persona.session_plan import SessionPlan, plans_for

TYPE = "persona_session"


def session_messages(
    card: Card, session: Session, greeting: str | None = None
) -> tuple[list[Message], list[int]]:
    """Messages (opened by `greeting`, else the card's first message), and for each user turn of the
    session the index of its message."""
    msgs: list[Message] = []
    opening = card.first_message if greeting is None else greeting
    if opening:
        action, words = split_action(macros(opening, card), card.language)
        msgs.append(
            Message(
                role="assistant",
                content=character_content(action, words, card.language),
                name=card.name,
                train=False,
            )
        )
    user_at: list[int] = []
    action = ""
    for t in session.turns:
        if t.speaker == "user":
            user_at.append(len(msgs))
            msgs.append(Message(role="user", content=t.text))
        elif t.mode == "action":
            action = f"{action} {t.text}".strip()
        else:
            content = character_content(action, t.text, card.language)
            action = ""
            if msgs and msgs[-1].role == "assistant" and msgs[-1].train:
                msgs[-1].content += " " + content
            else:
                msgs.append(Message(role="assistant", content=content, name=card.name, train=True))
    if action:  # an action with no words after it
        msgs.append(
            Message(
                role="assistant",
                content=character_content(action, "", card.language),
                name=card.name,
                train=True,
            )
        )
    return msgs, user_at


def build_sample(
    card: Card,
    session: Session,
    plan: SessionPlan | None,
    mode: str,
    card_prompt: CardPromptConfig | None = None,
) -> Sample | None:
    greeting = plan.greeting if plan else None
    msgs, user_at = session_messages(card, session, greeting_text(card, greeting))
    if not any(m.train for m in msgs):
        return None
    msgs, user_at, system, card_label = assemble(
        card, msgs, user_at, mode, card_prompt or CardPromptConfig(), greeting
    )
    turn_of = {i: at for i, at in enumerate(user_at)}  # session turn index -> message index

    def reply_to(k: int) -> int | None:
        """The character's reply to the k-th user turn (past any card text inserted before it)."""
        if k >= len(user_at):
            return None
        at = user_at[k] + 1
        while at < len(msgs) and msgs[at].role == "system":
            at += 1
        return at if at < len(msgs) and msgs[at].role == "assistant" else None

    probes = []
    session_user = [i for i, t in enumerate(session.turns) if t.speaker == "user"]
    for p in session.probes:
        k_plant, k_ask = session_user.index(p.planted_turn), session_user.index(p.asked_turn)
        answer = reply_to(k_ask)
        probes.append(
            {
                "fact": p.fact,
                "planted_turn": turn_of[k_plant],
                "asked_turn": turn_of[k_ask],
                "answer_hint": p.answer_hint,
                "recalled": bool(
                    answer is not None and p.answer_hint.lower() in msgs[answer].content.lower()
                ),
            }
        )
    pushback = []
    for k, kind in plan.pushback.items() if plan else []:
        at = reply_to(k)
        if at is not None:
            pushback.append(
                {"turn": at, "kind": kind, "observed": pushback_observed(msgs[at].content, card.language)}
            )
    labels = {
        "card_id": card.id,
        "session_id": session.id,
        "archetype": session.user_archetype,
        "card_source": card.source,
        "seed": dict(card.seed),
        "system_prompt": mode,
        "probes": probes,
        "refusal_turns": [p["turn"] for p in pushback],
        "pushback": pushback,
        "card": card_label,
    }
    return Sample(
        id=make_id("smp", TYPE, session.id, mode),
        type=TYPE,
        character=card.name,
        language=card.language,
        system=system,
        messages=msgs,
        source_ids=[card.id, session.id],
        labels=labels,
    )


def persona_samples(ctx: RunContext) -> Iterator[Sample]:
    """BUILDERS entry: every session of every card, in id order."""
    cfg = ctx.recipe.sessions
    if cfg is None or ctx.recipe.cards is None:
        return
    cards = {o["id"]: Card.model_validate(o) for o in ctx.run.records("cards")}
    languages = {c.id: c.language for c in cards.values()}
    greetings = greeting_counts(list(cards.values()), cfg.card_prompt)
    plans = {p.session_id: p for p in plans_for(ctx.recipe.seed, sorted(cards), cfg, languages, greetings)}
    for obj in ctx.run.records("sessions"):
        session = Session.model_validate(obj)
        card = cards.get(session.card_id)
        if card is None:
            continue
        sample = build_sample(card, session, plans.get(session.id), cfg.system_prompt, cfg.card_prompt)
        if sample is not None:
            yield sample
