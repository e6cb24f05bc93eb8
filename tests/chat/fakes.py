"""A scripted character, persona extractor and summarizer for the chat tests."""

from __future__ import annotations

import re

CARD = "You are Anna Keller, a clockmaker born in 1850 in a river town."


def _user(body: dict) -> str:
    return next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")


def summarize(body: dict) -> str:
    """Keeps the previous summary and every line where the user names something."""
    text = _user(body)
    prev = re.search(r"Summary so far:\n(.*?)\n\nLines that", text, re.S).group(1).strip()
    facts = re.findall(r'Me: "([^"]*(?:called|name)[^"]*)"', text)
    kept = [] if prev == "(none)" else [prev]
    return " ".join(kept + [f"The user said: {f}" for f in facts]) or "They chatted about clocks."


def character(body: dict) -> str:
    """Anna in quote style: answers from whatever is in front of her (system + folded prompt)."""
    msgs = body["messages"]
    prompt = "\n".join(m["content"] for m in msgs if m["role"] in ("system", "user"))
    last = _user(body).splitlines()[-1]
    if "dog called" in last or "my dog's name" in last:
        m = re.search(r"dog is called (\w+)", prompt)
        reply = f"{m.group(1)}, of course." if m else "I do not know, dear."
    else:
        reply = f"Hm, {len(prompt)} things on my mind."
    # a server that ignores `stop` runs on into the next line; the runtime must cut it
    tail = '" Me: "and then?'
    if msgs[-1]["role"] == "assistant":  # prefilled: continue after `Anna Keller: "`
        return reply + tail
    return f'Anna Keller: "{reply}{tail}'


def route(body: dict) -> str:
    system = body["messages"][0]["content"] if body["messages"][0]["role"] == "system" else ""
    if system.startswith("You write persona cards"):
        return CARD
    if "running summary" in system:
        return summarize(body)
    return character(body)
