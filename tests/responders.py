"""Deterministic fake-model answers for the scripted server, chosen by what the prompt asks for."""

from __future__ import annotations

import json
import re
import zlib

PLACES = ["Workshop", "Market square", "Church tower", "Harbour office", "Kitchen", "Guild hall",
          "Train station", "Garden", "Town council", "Print shop", "School room", "Bridge"]
VISITORS = ["a neighbour", "the mayor", "an apprentice", "a travelling merchant", "her sister",
            "a priest", "a tax collector", "a clockmaker from Geneva", "a journalist", "a child"]
MATTERS = ["with a broken pocket watch", "to argue about an unpaid bill", "to ask for a job",
           "carrying news of a fire", "to deliver a letter", "to complain about noise at night",
           "hoping to buy the old tower clock", "to learn how to solder", "after a storm", "to say goodbye"]


def scenes_reply(body: dict) -> str:
    user = body["messages"][-1]["content"]
    m = re.search(r"(?:Imagine|设想)\s*(\d+)", user)
    k = int(m.group(1)) if m else 1
    period = re.search(r'period "([^"]+)"|“([^”]+)”', user)
    tag = (period.group(1) or period.group(2)) if period else "?"
    seed = zlib.crc32(user.encode()) % 10_000
    scenes = []
    for i in range(k):
        n = seed + i * 7919
        place, visitor, matter = (PLACES[n % len(PLACES)], VISITORS[(n // 7) % len(VISITORS)],
                                  MATTERS[(n // 49) % len(MATTERS)])
        scenes.append({"type": "conversation", "location": f"{place} ({tag})", "time": f"spring {1850 + n % 60}",
                       "participants": [visitor],
                       "background": f"{visitor} arrives at the {place.lower()} {matter}; case {n}."})
    return "Here you go:\n```json\n" + json.dumps({"scenes": scenes}) + "\n```"


def route(body: dict) -> str:
    """Pick an answer by the task the prompt is about; extend per stage."""
    text = " ".join(m.get("content", "") for m in body["messages"])
    if '"scenes"' in text:
        return scenes_reply(body)
    return "{}"
