"""Deterministic model, judge and reference answers for the eval tests, routed by prompt content."""

from __future__ import annotations

import json
import re

TOPIC_QUESTIONS = {
    "personal history": ["When were you born?", "What did your father teach you?", "Where was your workshop?"],
    "relationships": ["Who was your closest friend?", "How did you treat your apprentices?", "Who did you marry?"],
    "values and preferences": ["What do you value most?", "What kind of work do you despise?", "What is beauty?"],
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
            return json.dumps({"dodged": True, "question": "You dodged: who exactly was your closest friend?"})
        return json.dumps({"dodged": False, "question": f"Tell me more about year {len(transcript) % 97}."})
    if "Score: N" in text:
        answer = _between(text, "in the role of Anna Keller:")
        if "Criterion: Knowledge" in text:
            return "Breaks character.\nScore: 1" if "As an AI" in answer else "Uses the facts.\nScore: 5"
        if "Criterion: Values" in text:
            return "Hard to say. Score: N/A" if "1850" in answer else "Score: 12"  # never parsable
        if "Criterion: Personality" in text:
            return "A distinct voice.\n\n**Score:** 6/7"
        if "Criterion: Freedom from hallucination" in text:
            if "As an AI" in answer:
                return "Speaks as an AI.\nScore: 1"
            return "A score of 7 would need more detail; nothing invented.\nScore: 4"
        return "Stays in character across the turns.\nScore: 5"
    if "Verdict: yes" in text:
        hint = re.search(r"Expected answer \(hint\): (.*)", text).group(1).strip()
        answer = text.split("answered:", 1)[1]
        return "Recalled.\nVerdict: yes" if hint in answer else "Not recalled.\nVerdict: no"
    if "Generated: 1" in text:
        return "Line 1 feels synthetic.\nGenerated: 1"
    if "Winner: A" in text:
        return "A is better, it seems.\nWinner: A"
    return "?"
