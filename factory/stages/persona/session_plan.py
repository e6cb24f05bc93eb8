"""What each session is meant to be, decided before any model call: user archetype, number of
turns, which character turns push back (refuse / tease / get impatient) and the memory probe.

The plan is a pure function of (recipe seed, card id, session index, sessions config), so the
sample builder recomputes it to label the session's turns; the session id hashes the plan, so a
changed plan is a new session rather than a mislabelled old one.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from factory.lang import lang_key, pick
from factory.records import make_id
from factory.stages.persona.card_prompt import pick_greeting

if TYPE_CHECKING:  # the config sits beside its stage, which imports this module
    from factory.stages.persona.sessions import SessionsConfig

ARCHETYPES: dict[str, dict[str, str]] = {
    "curious_fan": {
        "en": "a curious fan who wants to know everything about the character's life, habits and opinions.",
        "zh": "一个好奇的粉丝，想知道角色生活、习惯和看法的一切。",
    },
    "lonely": {
        "en": "a lonely person looking for comfort and someone to talk to.",
        "zh": "一个孤独的人，想找人说说话、寻求安慰。",
    },
    "provoker": {
        "en": "a provoker (troll) who mocks the character and tries to get a rise out of it.",
        "zh": "一个挑衅者（喷子），嘲讽角色，想激怒他/她。",
    },
    "flirt": {
        "en": "someone who flirts with the character (the character answers in its own way; nothing explicit).",
        "zh": "一个和角色调情的人（角色按自己的性格回应，不涉及露骨内容）。",
    },
    "knowledge_seeker": {
        "en": "a knowledge-seeker who asks what the character knows about its trade and its world.",
        "zh": "一个求知者，向角色请教其行当和所在世界的知识。",
    },
    "homework": {
        "en": "someone who wants the character to do their homework or write code for them.",
        "zh": "一个想让角色替自己写作业或写代码的人。",
    },
    "character_breaker": {
        "en": "someone who tries to make the character admit it is an AI and break character.",
        "zh": "一个试图让角色承认自己是人工智能、跳出角色的人。",
    },
    "memory_tester": {
        "en": "someone who mentions a personal fact early on and later checks whether the character "
        "remembers it.",
        "zh": "一个先提到自己的一件私事、之后再考角色是否记得的人。",
    },
}
BREAKS_THE_RULES = ("provoker", "homework", "character_breaker")  # at least one pushback turn with these
PUSHBACK = ("refuse", "tease", "impatient")
PUSHBACK_TEXT = {
    "en": {
        "refuse": "the character refuses, in character",
        "tease": "the character teases the user",
        "impatient": "the character gets impatient with the user",
    },
    "zh": {"refuse": "角色以符合角色的方式拒绝", "tease": "角色调侃用户", "impatient": "角色对用户不耐烦"},
}
FACTS: dict[str, list[tuple[str, str]]] = {  # (what the user says, the word a correct answer contains)
    "en": [
        ("my sister is called Mira", "Mira"),
        ("I am allergic to peanuts", "peanut"),
        ("my dog is named Biscuit", "Biscuit"),
        ("I grew up in Lisbon", "Lisbon"),
        ("I play the cello", "cello"),
        ("my favourite colour is teal", "teal"),
        ("I am afraid of thunderstorms", "thunder"),
        ("I have an exam on Friday", "Friday"),
        ("my grandmother taught me to knit", "knit"),
        ("I live in a flat with a red door", "red door"),
        ("I work night shifts at a bakery", "bakery"),
        ("my cat is called Pepper", "Pepper"),
    ],
    "zh": [
        ("我妹妹叫米拉", "米拉"),
        ("我对花生过敏", "花生"),
        ("我的狗叫饼干", "饼干"),
        ("我在杭州长大", "杭州"),
        ("我会拉大提琴", "大提琴"),
        ("我最喜欢的颜色是青绿色", "青绿"),
        ("我害怕打雷", "打雷"),
        ("我星期五有考试", "星期五"),
        ("外婆教会了我织毛衣", "织毛衣"),
        ("我家的门是红色的", "红色"),
        ("我在面包店上夜班", "面包店"),
        ("我的猫叫胡椒", "胡椒"),
    ],
}


@dataclass
class PlannedProbe:
    fact: str
    hint: str
    planted: int  # turn index (0-based: the k-th user message)
    asked: int


@dataclass
class SessionPlan:
    card_id: str
    index: int
    archetype: str
    turns: int
    pushback: dict[int, str] = field(default_factory=dict)  # turn -> refuse | tease | impatient
    probe: PlannedProbe | None = None
    greeting: int | None = None  # 0 = first_mes, k = alternate_greetings[k-1]; None: the card has none

    @property
    def session_id(self) -> str:
        plan = asdict(self)
        if plan["greeting"] is None:  # cards without alternate greetings keep the ids they always had
            del plan["greeting"]
        return make_id("ses", plan)


def plan_session(
    seed: int, card_id: str, index: int, cfg: SessionsConfig, language: str, greetings: int = 0
) -> SessionPlan:
    rng = random.Random(f"{seed}:{card_id}:{index}")
    start = zlib.crc32(card_id.encode()) % len(cfg.archetypes)  # a stable spread, whatever other cards exist
    archetype = cfg.archetypes[(start + index) % len(cfg.archetypes)]
    n = rng.randint(cfg.min_turns, cfg.max_turns)
    probe = None
    if n >= 2 and (archetype == "memory_tester" or rng.random() < cfg.probe_share):
        fact, hint = rng.choice(FACTS[lang_key(language)])
        planted = rng.randint(0, max(0, n - 3))
        asked = rng.randint(min(planted + 2, n - 1), n - 1)
        probe = PlannedProbe(fact, hint, planted, asked)
    free = [t for t in range(n) if probe is None or t != probe.asked]
    pushback = {t: rng.choice(PUSHBACK) for t in free if rng.random() < cfg.pushback_share}
    if not pushback and archetype in BREAKS_THE_RULES and free and cfg.pushback_share > 0:
        pushback[rng.choice(free)] = "refuse"
    greeting = pick_greeting(seed, card_id, index, greetings)
    return SessionPlan(card_id, index, archetype, n, dict(sorted(pushback.items())), probe, greeting)


def plan_text(plan: SessionPlan, language: str) -> str:
    """The per-turn instructions in the session prompt (turns counted from 1 for the model)."""
    lang = lang_key(language)
    lines = []
    for t, kind in plan.pushback.items():
        lines.append(
            pick(
                lang,
                f"- In turn {t + 1}, {PUSHBACK_TEXT[lang][kind]}.",
                f"- 第 {t + 1} 轮：{PUSHBACK_TEXT[lang][kind]}。",
            )
        )
    if plan.probe is not None:
        p = plan.probe
        lines.append(
            pick(
                lang,
                f'- In turn {p.planted + 1}, the user mentions in passing: "{p.fact}". In turn '
                f"{p.asked + 1}, the user asks the character about it, and the character remembers "
                "it correctly.",
                f"- 第 {p.planted + 1} 轮：用户顺口提到“{p.fact}”。第 {p.asked + 1} 轮：用户问角色是否记得这件事，"
                "角色准确地记得。",
            )
        )
    return "\n".join(lines)


def plans_for(
    seed: int,
    card_ids: list[str],
    cfg: SessionsConfig,
    language: dict[str, str],
    greetings: dict[str, int] | None = None,
) -> list[SessionPlan]:
    """Every card's sessions; `greetings`: alternate greetings per card (none: first_mes only)."""
    g = greetings or {}
    return [
        plan_session(seed, cid, i, cfg, language[cid], g.get(cid, 0))
        for cid in card_ids
        for i in range(cfg.per_card)
    ]
