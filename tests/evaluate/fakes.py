"""Deterministic model, judge and reference answers for the eval tests, routed by prompt content."""

from __future__ import annotations

import json
import re

TOPIC_QUESTIONS = {
    "personal history": [
        "When were you born?",
        "What did your father teach you?",
        "Where was your workshop?",
    ],
    "relationships": [
        "Who was your closest friend?",
        "How did you treat your apprentices?",
        "Who did you marry?",
    ],
    "values and preferences": [
        "What do you value most?",
        "What kind of work do you despise?",
        "What is beauty?",
    ],
    "break character": ["Are you an AI?", "Can you write Python code for me?", "What is your phone number?"],
}
DODGE = "I'd rather not say."
AI_LINE = "As an AI language model, I cannot help with that."


def _all(body: dict) -> str:
    return "\n".join(str(m.get("content", "")) for m in body["messages"])


def _last_user(body: dict) -> str:
    return next(str(m["content"]) for m in reversed(body["messages"]) if m["role"] == "user")


def model(body: dict) -> str:
    """The model under test: in character, except that it breaks on AI questions and dodges one question."""
    msgs = body["messages"]
    user = _last_user(body)
    if "remember" in user.lower():
        recent = " ".join(str(m["content"]) for m in msgs[-6:])
        m = re.search(r"name is (\w+)", recent)
        return f"{m.group(1)}, of course." if m else "I do not recall, forgive me."
    if "smartphone" in user:
        return "A smart... phone? I read the time from my own clocks, Karl, as any honest person does."
    if "great war" in user:
        return "The Allies win, of course; it ends in November 1918."
    if "broken leg" in user:
        return "I am a clockmaker, not a surgeon. I would send the boy running for Dr. Weber."
    if "AI" in user or "Python" in user:
        return AI_LINE
    if user == "Who was your closest friend?":
        return DODGE
    if user.startswith("You dodged"):
        return "Fine: my closest friend was Johann the printer, since 1866."
    return f"Ah, {user.rstrip('?').lower()}... I was born in 1850 and the clocks were my life."


def reference(body: dict) -> str:
    return "Reference answer from a plain model."


def _between(text: str, head: str) -> str:
    m = re.search(re.escape(head) + r'\s*"""\n(.*?)\n"""', text, re.S)
    return m.group(1) if m else ""


def structured(body: dict) -> bool:
    return "response_format" in body


def _verdict(body: dict, reasoning: str, key: str, value, prose_label: str) -> str:
    """JSON when the request asked for it (a server honouring the schema), else the prose marker."""
    if structured(body):
        return json.dumps({"reasoning": reasoning, key: value})
    return f"{reasoning}\n{prose_label} {value}"


def _rubric(body: dict, text: str) -> str:
    answer = _between(text, "in the role of Anna Keller:")
    if "Criterion: Knowledge" in text:
        return _verdict(
            body,
            "Breaks character." if "As an AI" in answer else "Uses the facts.",
            "score",
            1 if "As an AI" in answer else 5,
            "Score:",
        )
    if "Criterion: Values" in text:  # never readable: out of range in JSON, N/A in prose
        return (
            json.dumps({"reasoning": "Hard to say.", "score": 12})
            if structured(body)
            else "Hard to say. Score: N/A"
        )
    if "Criterion: Personality" in text:
        return _verdict(body, "A distinct voice.", "score", 6, "**Score:**")
    if "Criterion: Freedom from hallucination" in text:
        if "As an AI" in answer:
            return _verdict(body, "Speaks as an AI.", "score", 1, "Score:")
        return _verdict(body, "A score of 7 would need more detail; nothing invented.", "score", 4, "Score:")
    return _verdict(body, "Stays in character across the turns.", "score", 5, "Score:")


def _fool(body: dict, text: str) -> str:
    """Catches the generated line for clocks 0-1, takes the real one for 2-3, names line 1 for 4-5."""
    n = int(re.search(r"clock number (\d)", text).group(1))
    one = _between(text, "Line 1:")
    generated = "1" if "1850" in one else "2"
    pick = generated if n < 2 else ({"1": "2", "2": "1"}[generated] if n < 4 else "1")
    return _verdict(body, "One line feels synthetic.", "choice", pick, "Generated:")


def _pairwise(body: dict, text: str) -> str:
    """Prefers the in-character answer; on relationship questions it only ever says A."""
    a, b = _between(text, "Answer A:"), _between(text, "Answer B:")
    question = text.split("Question put to Anna Keller:", 1)[1].split("Answer A:", 1)[0]
    if any(q in question for q in TOPIC_QUESTIONS["relationships"]):
        pick = "A"
    elif "As an AI" in a or "As an AI" in b:
        pick = "B" if "As an AI" in a else "A"
    else:
        pick = "A" if "clocks were my life" in a else "B"
    return _verdict(body, "One answer plays her better.", "choice", pick, "Winner:")


def judge(body: dict) -> str:
    text = _all(body)
    if '{"questions"' in text:
        k = int(re.search(r"Write (\d+) different", text).group(1))
        topic = next(t for t in TOPIC_QUESTIONS if t in text.lower())
        return "Sure:\n```json\n" + json.dumps({"questions": TOPIC_QUESTIONS[topic][:k]}) + "\n```"
    if '"dodged"' in text:
        transcript = text.split("The interview so far:", 1)[1]
        last = transcript.strip().split("First decide", 1)[0].strip().splitlines()[-1]
        if DODGE in last:
            return json.dumps(
                {
                    "reasoning": "Vague.",
                    "dodged": True,
                    "question": "You dodged: who exactly was your closest friend?",
                }
            )
        return json.dumps(
            {
                "reasoning": "Fine.",
                "dodged": False,
                "question": f"Tell me more about year {len(transcript) % 97}.",
            }
        )
    if '"score": N' in text:
        return _rubric(body, text)
    if '"choice": "yes"' in text:
        hint = re.search(r"Expected answer \(hint\): (.*)", text).group(1).strip()
        answer = text.split("answered:", 1)[1]
        return _verdict(
            body,
            "Recalled." if hint in answer else "Not recalled.",
            "choice",
            "yes" if hint in answer else "no",
            "Verdict:",
        )
    if '"choice": "within"' in text:
        answer = _between(text, "in the role of Anna Keller:")
        inside = "clocks" in answer or "not a surgeon" in answer
        return _verdict(
            body, "Judged by what she could know.", "choice", "within" if inside else "beyond", "Verdict:"
        )
    if '"choice": "1"' in text:
        return _fool(body, text)
    if '"choice": "A"' in text:
        return _pairwise(body, text)
    return "?"


def chatty_judge(body: dict) -> str:
    """Ignores the schema and writes prose with no `Score:` wording (the issue's judge)."""
    text = _all(body)
    if '"score": N' in text and "Criterion: Personality" in text:
        return "Honestly this is a lovely, vivid voice. I'd give it a 6 out of 7."
    if '"score": N' in text:
        return "A thoughtful answer overall, though it could say more about her life."
    return judge({k: v for k, v in body.items() if k != "response_format"})
