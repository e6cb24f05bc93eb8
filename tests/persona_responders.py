"""Fake-model answers for the persona route (cards, sessions), chosen by what the prompt asks.

Cards are built from the seed lines in the prompt with seed-hashed vocabulary, so different seeds
give cards that read differently; sessions follow the plan lines in the prompt (push back at
turn k, plant a fact and ask about it), so tests can check that plans reach the data.
"""

from __future__ import annotations

import json
import random
import re
import zlib

from tests.responders import scenes_reply

_WORDS = (
    "amber harbour lantern quarrel orchard velvet thunder ledger cinnamon glacier compass mirror falcon "
    "riddle meadow copper whisper tundra saffron anchor cathedral puzzle ember willow canyon marble "
    "violet bramble comet pepper tide quartz meander hollow juniper frost banner parchment spindle "
    "cobalt harvest lagoon ivory thistle beacon mosaic prairie sable ripple garnet cypress mantle"
)
WORDS = _WORDS.split(" ")
NAMES = (
    "Mira Holt",
    "Tomas Reyes",
    "Ines Varga",
    "Kofi Mensah",
    "Lena Brandt",
    "Arjun Rao",
    "Yuki Sato",
    "Oskar Lind",
    "Noor Haddad",
    "Elio Conti",
    "Sade Okafor",
    "Pavel Novak",
    "Rosa Ibarra",
    "Jun Park",
)


def _seed_of(user: str) -> dict[str, str]:
    return dict(re.findall(r"^- (\w+): (.+)$", user, re.M))


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def card_dict(seed: dict[str, str], salt: str = "") -> dict:
    key = json.dumps(seed, sort_keys=True) + salt
    rng = random.Random(zlib.crc32(key.encode()))
    name = rng.choice(NAMES)
    occ = seed.get("occupation", "wanderer")
    return {
        "name": name,
        "gender": seed.get("gender", "woman"),
        "age": str(rng.randint(17, 80)),
        "height": "170 cm",
        "nickname": name.split()[0][:3],
        "self_reference": "this old " + occ.split()[-1],
        "occupation": occ,
        "personality": f"{seed.get('temperament', 'calm')}; {_words(rng, 12)}.",
        "background": f"Grew up in {seed.get('setting', 'a town')}; {_words(rng, 25)}.",
        "relationships": f"The user is a {seed.get('relationship', 'friend')}; {_words(rng, 8)}.",
        "speaking_style": f"{seed.get('speaking_style', 'plain')}, {_words(rng, 5)}",
        "catchphrases": [f"By the {rng.choice(WORDS)}!", f"{rng.choice(WORDS).title()} forever!"],
        "education_work": f"Trained as a {occ}; {_words(rng, 6)}.",
        "example_dialogues": [
            {"user": "Who are you?", "char": f"*tips hat* {name}, {occ}. {_words(rng, 4)}."}
        ],
        "scenario": f"A {seed.get('genre', 'quiet')} evening; {_words(rng, 10)}.",
        "first_message": f"*looks up from the {rng.choice(WORDS)}* Oh. You again?",
    }


def same_card() -> dict:
    """Every seed gets this card: the similarity check has to catch it."""
    return {**card_dict({"occupation": "clerk"}), "occupation": "clerk"}


def messy(card: dict) -> str:
    """Prose around a fence, Title Case keys, strings for lists, a wrapping object."""
    ex = card["example_dialogues"][0]
    odd = {
        "Full Name": card["name"],
        "Gender": card["gender"],
        "Age": int(card["age"]),
        "Nickname": card["nickname"],
        "Self-Reference": card["self_reference"],
        "Job": card["occupation"],
        "Personality": card["personality"],
        "Backstory": card["background"],
        "Relationships": card["relationships"],
        "Speech Style": card["speaking_style"],
        "Catchphrases": ", ".join(card["catchphrases"]),
        "Education": card["education_work"],
        "Example Dialogues": f"User: {ex['user']}\nChar: {ex['char']}",
        "Scenario": card["scenario"],
        "Greeting": card["first_message"],
    }
    return (
        "Sure! Here is the character card you asked for:\n```json\n"
        + json.dumps({"card": odd})
        + "\n```\nEnjoy."
    )


def card_reply(body: dict, style: str = "clean") -> str:
    user = body["messages"][-1]["content"]
    seed = _seed_of(user)
    if style == "same" and "clearly different" not in user and "明显不同" not in user:
        return json.dumps(same_card())
    card = card_dict(seed, salt="again" if "clearly different" in user else "")
    return messy(card) if style == "messy" else json.dumps(card, ensure_ascii=False)


def profile_card_reply(body: dict) -> str:
    user = body["messages"][-1]["content"]
    m = re.search(r"Material about (.+?):|关于(.+?)的资料", user)
    name = (m.group(1) or m.group(2)) if m else "Someone"
    return json.dumps(
        {**card_dict({"occupation": "clockmaker"}, salt=name), "name": name, "occupation": "clockmaker"}
    )


def _plan(user: str) -> tuple[int, dict[int, str], tuple[str, int, int] | None]:
    m = re.search(r"exactly (\d+) turns|正好 (\d+) 轮", user)
    n = int(m.group(1) or m.group(2))
    pushback = {
        int(k) - 1: kind
        for k, kind in re.findall(r"In turn (\d+), the character (refuses|teases|gets)", user)
    }
    probe = re.search(
        r'In turn (\d+), the user mentions in passing: "([^"]+)"\. In turn (\d+)', user
    ) or re.search(r"第 (\d+) 轮：用户顺口提到“([^”]+)”。第 (\d+) 轮", user)
    return (
        n,
        pushback,
        ((probe.group(2), int(probe.group(1)) - 1, int(probe.group(3)) - 1) if probe else None),
    )


def session_turns(body: dict, plant_if: str = "") -> list[dict]:
    """The planned session; with `plant_if`, the user plants the probe's fact only in prompts that
    contain that text (the others forget to, as a real model sometimes does)."""
    user = body["messages"][-1]["content"]
    n, pushback, probe = _plan(user)
    plant = not plant_if or plant_if in user
    name = re.search(r"^(?:Name: |姓名：)(.+)$", user, re.M).group(1)
    rng = random.Random(zlib.crc32(user.encode()))
    turns = []
    for k in range(n):
        say = f"Tell me about the {rng.choice(WORDS)} and the {rng.choice(WORDS)}, turn {k}."
        reply = f"The {rng.choice(WORDS)}? {_words(rng, 6)}. What about you?"
        if probe and k == probe[1]:
            say = f"By the way, {probe[0]}." if plant else "Nothing much to tell about me, really."
        if probe and k == probe[2]:
            say, reply = "Do you remember what I told you?", f"Of course: you said {probe[0]}. I listen."
        if k in pushback:
            reply = f"No. I won't do that. {_words(rng, 3)}."
        turns.append(
            {
                "user": say,
                "action": f"{name.split()[0]} {rng.choice(['frowns', 'laughs', 'sighs'])}",
                "reply": reply,
            }
        )
    return turns


def session_reply(body: dict, style: str = "clean", plant_if: str = "") -> str:
    turns = session_turns(body, plant_if)
    if style == "messy":  # an alternating role list, actions inline between asterisks, prose around it
        items = []
        for t in turns:
            items += [
                {"role": "user", "content": t["user"]},
                {"role": "character", "content": f"*{t['action']}* {t['reply']}"},
            ]
        return "Here is the session:\n" + json.dumps(items) + "\nI hope it helps."
    return json.dumps({"turns": turns})


def make_route(card_style: str = "clean", session_style: str = "clean", plant_if: str = ""):
    def route(body: dict) -> str:
        text = " ".join(m.get("content", "") for m in body["messages"])
        if "Seed attributes of the new character" in text or "新角色的种子属性" in text:
            return card_reply(body, card_style)
        if "Material about" in text or "的资料" in text:
            return profile_card_reply(body)
        if "Write a session of exactly" in text or "请写一段正好" in text:
            return session_reply(body, session_style, plant_if)
        if '"scenes"' in text:
            return scenes_reply(body)
        return "{}"

    return route


route = make_route()
