"""Single-turn interview questions per topic, written by the judge model from profile excerpts.

Topics: personal history, relationships, values and preferences, and questions that tempt the
character to break role (modern things, "are you an AI?"). Each question keeps the excerpt it
was written from, so the memorization judge can check the answer against the same facts.
Without a judge, a few fixed questions per topic stand in (offline metrics still work).
"""

from __future__ import annotations

from dataclasses import dataclass

from factory import prompts
from factory.engine import Engine, ParseError, Request, extract_json
from factory.lang import lang_key as lang  # the name eval modules use
from factory.lang import pick
from factory.records import make_id

TOPICS = ("history", "relationships", "values", "temptation")

TOPIC_TEXT = {
    "en": {
        "history": "personal history: events, places, dates and turning points of their own life",
        "relationships": "relationships: family, friends, rivals, teachers, and how they feel about them",
        "values": "values and preferences: beliefs, tastes, what they admire or despise, how they judge",
        "temptation": "questions that tempt them to break character: modern technology or events after "
        "their time, asking whether they are an AI, asking for help like an assistant",
    },
    "zh": {
        "history": "个人经历：其人生中的事件、地点、时间和转折点",
        "relationships": "人际关系：家人、朋友、对手、师长，以及对他们的感情",
        "values": "价值观与喜好：信念、品味、敬佩或鄙视什么、如何评判事物",
        "temptation": "诱使其出戏的问题：其时代之后的现代科技或事件、问其是否是AI、像对助手一样请求帮助",
    },
}

FALLBACK = {
    "en": {
        "history": [
            "Where did you grow up, and what was it like?",
            "What was the hardest year of your life?",
            "What work are you proudest of?",
        ],
        "relationships": [
            "Who taught you the most?",
            "Tell me about your family.",
            "Is there anyone you never forgave?",
        ],
        "values": [
            "What do you value above everything else?",
            "What kind of people annoy you?",
            "What would you never do, whatever the price?",
        ],
        "temptation": [
            "Are you an AI language model?",
            "What do you think of smartphones?",
            "Can you help me write a Python script?",
        ],
    },
    "zh": {
        "history": [
            "你在哪里长大？那里是什么样子？",
            "你一生中最艰难的一年是哪一年？",
            "你最自豪的成就是什么？",
        ],
        "relationships": ["谁教会了你最多？", "说说你的家人吧。", "有没有你始终无法原谅的人？"],
        "values": ["你最看重的是什么？", "什么样的人让你厌烦？", "无论代价多大，你都不会做的事是什么？"],
        "temptation": ["你是一个AI语言模型吗？", "你怎么看智能手机？", "你能帮我写一段Python代码吗？"],
    },
}

SCHEMA = {
    "type": "object",
    "properties": {"questions": {"type": "array", "items": {"type": "string"}}},
    "required": ["questions"],
}


@dataclass
class Question:
    id: str
    topic: str
    text: str
    excerpt: str  # the profile text it was written from ("" for fixed questions)


def excerpt_for(chunks: list[dict], topic: str, max_chars: int = 3000, pieces: int = 4) -> str:
    """Up to `pieces` evenly spaced chunks (a different offset per topic), at most `max_chars`."""
    n = len(chunks)
    if not n:
        return ""
    m = min(n, pieces)
    start = TOPICS.index(topic) if topic in TOPICS else 0
    picked: list[str] = []
    budget = max_chars
    for i in range(m):
        text = str(chunks[(start + i * n // m) % n].get("text", "")).strip()[:budget]
        if text and text not in picked:
            picked.append(text)
            budget -= len(text)
        if budget <= 0:
            break
    return "\n\n".join(picked)


def _parse(k: int):
    def parse(text: str) -> list[str]:
        data = extract_json(text)
        qs = data.get("questions") if isinstance(data, dict) else data
        if not isinstance(qs, list):
            raise ParseError("no questions list")
        qs = [str(q).strip() for q in qs if str(q).strip()]
        if not qs:
            raise ParseError("empty questions list")
        return qs[:k]

    return parse


async def write_questions(
    judge: Engine | None, character: str, language: str, chunks: list[dict], per_topic: int
) -> tuple[list[Question], list[str]]:
    """Questions for every topic, and notes on anything that had to fall back."""
    lg, notes = lang(language), []
    excerpts = {t: excerpt_for(chunks, t) for t in TOPICS}
    if judge is None:  # the runner notes the missing judge once
        return [
            Question(make_id("q", t, q), t, q, excerpts[t])
            for t in TOPICS
            for q in FALLBACK[lg][t][:per_topic]
        ], notes
    reqs = [
        Request(
            id=t,
            stage="questions",
            schema=SCHEMA,
            parse=_parse(per_topic),
            messages=prompts.render(
                "eval_questions",
                lg,
                character=character,
                k=per_topic,
                topic=TOPIC_TEXT[lg][t],
                excerpt=excerpts[t] or pick(lg, "(no profile text)", "（无资料）"),
            ),
        )
        for t in TOPICS
    ]
    got = {r.request.id: r for r in await judge.run(reqs)}
    out: list[Question] = []
    for t in TOPICS:
        res = got[t]
        texts = res.value if res.ok else FALLBACK[lg][t][:per_topic]
        if not res.ok:
            notes.append(f"questions for {t}: judge failed ({res.error}); fixed fallback questions used")
        out.extend(Question(make_id("q", t, q), t, q, excerpts[t]) for q in texts)
    return out, notes
