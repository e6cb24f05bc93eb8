"""A card as text: the system prompt of a persona sample (full / short / none) and the card shown
to the model that writes sessions; and the character's turn as one message (action + words).

Character turns use the samples' markup (factory.stages.shared.markup), the same as experience samples:
en `*waves* Hello.`, zh `（挥手）「你好。」`; the action is the narration channel.
"""

from __future__ import annotations

import random
import re
import zlib

from factory.lang import aside, lang_key, punctuation
from factory.records import Card
from factory.stages.shared.markup import convention, split_inline
from factory.stages.shared.markup import render as mark

HEAD = {
    "en": "You are {name}. Stay in character: speak and act as {name} would, never as an AI assistant.",
    "zh": "你是{name}。请始终保持角色：像{name}那样说话和行动，绝不以人工智能助手的身份回答。",
}
FIELDS = {  # system-prompt order: who, then what they are like, then where the user meets them
    "en": {
        "name": "Name",
        "nickname": "Nickname",
        "gender": "Gender",
        "age": "Age",
        "height": "Height",
        "self_reference": "Refers to self as",
        "occupation": "Occupation",
        "personality": "Personality",
        "speaking_style": "Speaking style",
        "catchphrases": "Catchphrases",
        "background": "Background",
        "education_work": "Education and work",
        "relationships": "Relationships",
        "scenario": "Scenario",
    },
    "zh": {
        "name": "姓名",
        "nickname": "昵称",
        "gender": "性别",
        "age": "年龄",
        "height": "身高",
        "self_reference": "自称",
        "occupation": "职业",
        "personality": "性格",
        "speaking_style": "说话风格",
        "catchphrases": "口头禅",
        "background": "背景",
        "education_work": "教育与工作",
        "relationships": "人际关系",
        "scenario": "情境",
    },
}
EXAMPLES = {"en": ("Example dialogue:", "User"), "zh": ("对话示例：", "用户")}
SHORT = {
    "en": "You are {name}{what}. {personality} Stay in character.",
    "zh": "你是{name}{what}。{personality}请始终保持角色。",
}


USER_MACRO = {"en": "the user", "zh": "用户"}
# {{char}} {{user}} {{original}} (any case), <BOT> <USER> <char>, {{// a comment}}, {{random:a,b}} / {{pick:a,b}}
_MACRO = re.compile(
    r"\{\{\s*(char|user|original)\s*\}\}|<(bot|user|char)>|\{\{\s*//.*?\}\}"
    r"|\{\{\s*(random|pick)\s*::?(.*?)\}\}",
    re.I | re.S,
)


def display_name(card: Card) -> str:
    """What {{char}} becomes: a V3 card's `nickname` when it has one (the V3 spec), else its name."""
    data = card.extra.get("ccv2")
    nick = (
        data.get("nickname") if isinstance(data, dict) and card.extra.get("spec") == "chara_card_v3" else ""
    )
    return nick.strip() if isinstance(nick, str) and nick.strip() else card.name


def macros(text: str, card: Card, original: str = "", rng: random.Random | None = None) -> str:
    """Fill the macros imported (SillyTavern) cards use, case-insensitively as the V3 spec asks:
    {{char}} / <BOT>, {{user}} / <USER>, {{original}} (what the card's own prompt replaces),
    comments removed, and {{random:...}} picked with `rng` (else seeded by the text: reproducible)."""
    if "{{" not in text and "<" not in text:
        return text
    user, char = USER_MACRO[lang_key(card.language)], display_name(card)

    def fill(m: re.Match) -> str:
        word = (m.group(1) or m.group(2) or "").lower()
        if word in ("char", "bot"):
            return char
        if word == "user":
            return user
        if word == "original":
            return original
        if m.group(3):
            options = [o.replace("\\,", ",") for o in re.split(r"(?<!\\),", m.group(4))]
            return (rng or random.Random(zlib.crc32(text.encode()))).choice(options)
        return ""  # {{// comment}}

    return _MACRO.sub(fill, text)


def first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?。！？])(\s|$)", text.strip(), re.S)
    return (m.group(1) if m else text.strip())[:200]


def head_text(card: Card, mode: str) -> str:
    """The part a card's own `system_prompt` replaces (and {{original}} stands for): "You are X..."
    with the markup convention (full), or the whole one-line card (short)."""
    lang = lang_key(card.language)
    if mode == "short":
        what = aside(card.occupation, lang)
        text = SHORT[lang].format(name=card.name, what=what, personality=first_sentence(card.personality))
        return text.replace("  ", " ")
    return HEAD[lang].format(name=card.name) + " " + convention(lang)


def card_parts(card: Card) -> tuple[str, str]:
    """(the card's fields, its example dialogue) as text, for the full system prompt."""
    lang = lang_key(card.language)
    colon = punctuation(lang).colon
    lines = []
    for field, label in FIELDS[lang].items():
        value = getattr(card, field)
        value = " / ".join(value) if isinstance(value, list) else value
        if value:
            lines.append(f"{label}{colon}{value}")
    examples = ""
    if card.example_dialogues:
        title, user = EXAMPLES[lang]
        examples = (
            title
            + "\n"
            + "\n".join(
                f"{user if m.get('role') == 'user' else card.name}{colon}{m.get('text', '')}"
                for block in card.example_dialogues
                for m in block
            )
        )
    return "\n".join(lines), examples


def render_card(card: Card, mode: str = "full", head: bool = True) -> str:
    """The card as a system prompt; `head=False` leaves out "You are X" (for prompts about the card)."""
    if mode == "none":
        return ""
    if mode == "short":
        return macros(head_text(card, "short"), card)
    fields, examples = card_parts(card)
    parts = ([head_text(card, mode)] if head else []) + [fields] + ([examples] if examples else [])
    return macros("\n\n".join(parts), card)


def character_content(action: str, words: str, language: str) -> str:
    """One assistant message in the samples' markup (factory.stages.shared.markup): en `*sighs* Fine.`, zh `（叹气）「好吧。」`."""
    parts = [mark("action", action, language)] if action.strip() else []
    if words.strip():
        parts.append(mark("speech", words, language))
    return punctuation(language).space.join(parts)


def split_action(text: str, language: str) -> tuple[str, str]:
    """`*sighs* Fine.` -> ("sighs", "Fine."): a model that wrote the action inline still fills the channel."""
    parts = split_inline(text, language)
    actions = " ".join(t for mode, t in parts if mode == "action")
    words = " ".join(t for mode, t in parts if mode == "speech")
    return actions, words
