"""A persona card's fields as a model is asked for them: per-field bounds (full or short cards),
the names a model may give them, their prompt text in each language, the JSON schema and the
tolerant parser that turns a reply into the card's fields."""

from __future__ import annotations

from factory.engine import ParseError, extract_json
from factory.stages.shared.parsing import bounded_string, list_field, lower_keys, text_field

LIMITS = {  # maxLength per field; "short" keeps a card within a few hundred tokens for small models
    "full": {
        "name": 60,
        "gender": 20,
        "age": 30,
        "height": 30,
        "nickname": 40,
        "self_reference": 40,
        "occupation": 80,
        "personality": 400,
        "background": 700,
        "relationships": 300,
        "speaking_style": 200,
        "catchphrase": 80,
        "catchphrases": 3,
        "education_work": 200,
        "user": 200,
        "char": 300,
        "scenario": 400,
        "first_message": 400,
    },
    "short": {
        "name": 40,
        "gender": 16,
        "age": 16,
        "height": 16,
        "nickname": 24,
        "self_reference": 24,
        "occupation": 48,
        "personality": 100,
        "background": 160,
        "relationships": 80,
        "speaking_style": 60,
        "catchphrase": 40,
        "catchphrases": 2,
        "education_work": 60,
        "user": 80,
        "char": 100,
        "scenario": 100,
        "first_message": 100,
    },
}
ALIASES = {
    "name": ("name", "full_name", "character_name", "char_name"),
    "gender": ("gender", "sex"),
    "age": ("age",),
    "height": ("height",),
    "nickname": ("nickname", "nick", "nick_name", "alias"),
    "self_reference": ("self_reference", "self_ref", "calls_self", "refers_to_self_as", "self_address"),
    "occupation": ("occupation", "job", "profession", "role"),
    "personality": ("personality", "traits", "temperament", "character"),
    "background": ("background", "backstory", "history", "bio", "description"),
    "relationships": ("relationships", "relations", "relationship", "family"),
    "speaking_style": ("speaking_style", "speech_style", "voice", "style", "speech"),
    "education_work": ("education_work", "education", "career", "work", "education_and_work"),
    "scenario": ("scenario", "setting", "situation"),
    "first_message": ("first_message", "first_mes", "greeting", "opening", "opening_line", "first_line"),
}
TEXT_FIELDS = tuple(ALIASES)  # the card's text fields: each is a key of ALIASES, in card order
NEEDED = (
    "name",
    "personality",
    "background",
    "first_message",
)  # minLength 1: a grammar cannot leave them empty
SEEDED = {
    "gender": "gender",
    "age": "age",
    "occupation": "occupation",
}  # card field <- seed axis (short cards)
ORDER = (
    "name",
    "gender",
    "age",
    "height",
    "nickname",
    "self_reference",
    "occupation",
    "personality",
    "background",
    "relationships",
    "speaking_style",
    "catchphrases",
    "education_work",
    "example_dialogues",
    "scenario",
    "first_message",
)
FIELD_TEXT = {
    "en": {
        "name": "full name",
        "gender": "gender",
        "age": "a number or a short phrase",
        "height": "height",
        "nickname": "what friends call them",
        "self_reference": 'how they refer to themselves ("I", "yours truly", "this old sailor")',
        "occupation": "occupation",
        "personality": "temperament, values, quirks, what makes them angry or happy",
        "background": "where they come from and what shaped them",
        "relationships": "the people who matter to them{relationship}",
        "speaking_style": "how they talk (words, rhythm, habits)",
        "catchphrases": "up to {catchphrases} short phrases they often say",
        "education_work": "schooling and work history",
        "example_dialogues": '{examples} short exchanges, each {{"user": what the user says, "char": the reply in '
        "their own voice, with an action between asterisks}}",
        "scenario": "the situation in which the user meets them",
        "first_message": "their opening line to the user, with an action between asterisks",
    },
    "zh": {
        "name": "全名",
        "gender": "性别",
        "age": "数字或简短描述",
        "height": "身高",
        "nickname": "朋友怎么称呼他/她",
        "self_reference": "自称（例如“我”“本姑娘”“老朽”）",
        "occupation": "职业",
        "personality": "性格、价值观、怪癖，什么让他/她生气或开心",
        "background": "出身和经历",
        "relationships": "重要的人{relationship}",
        "speaking_style": "说话方式（用词、节奏、习惯）",
        "catchphrases": "最多 {catchphrases} 句口头禅",
        "education_work": "教育和工作经历",
        "example_dialogues": '{examples} 段简短对话，每段 {{"user": 用户说的话, "char": 角色用自己的口吻回答，动作写在括号（）里}}',
        "scenario": "用户遇见角色的情境",
        "first_message": "角色对用户说的第一句话，动作写在括号（）里",
    },
}


def asked_fields(detail: str, examples: int, seeded: bool) -> list[str]:
    """The fields the model writes: short synthetic cards take gender/age/occupation from the seed, skip height."""
    skip = set(SEEDED) | {"height"} if detail == "short" and seeded else set()
    if examples == 0:
        skip.add("example_dialogues")
    return [f for f in ORDER if f not in skip]


def field_lines(fields: list[str], lang: str, **values) -> tuple[str, str]:
    lines = "\n".join(f'- "{f}": ' + FIELD_TEXT[lang][f].format(**values) for f in fields)
    return lines, "{" + ", ".join(f'"{f}"' for f in fields) + "}"


LENGTH = {
    "en": {
        "full": "Be specific: personality and background two to four sentences each.",
        "short": "Keep every field short: one sentence at most, a few words where possible.",
    },
    "zh": {
        "full": "要具体：性格和背景各写两到四句。",
        "short": "每个字段都要简短：最多一句话，能用几个词就用几个词。",
    },
}


def card_schema(detail: str, examples: int, fields: list[str] | None = None) -> dict:
    lim = LIMITS[detail]
    fields = fields or asked_fields(detail, examples, seeded=False)
    props: dict = {f: bounded_string(lim[f]) | ({"minLength": 1} if f in NEEDED else {}) for f in TEXT_FIELDS}
    props["catchphrases"] = {
        "type": "array",
        "items": bounded_string(lim["catchphrase"]),
        "maxItems": lim["catchphrases"],
    }
    ex = {
        "type": "object",
        "properties": {"user": bounded_string(lim["user"]), "char": bounded_string(lim["char"])},
        "required": ["user", "char"],
    }
    props["example_dialogues"] = {"type": "array", "items": ex, "maxItems": max(examples, 0)}
    return {"type": "object", "properties": {k: props[k] for k in fields}, "required": list(fields)}


def _norm_keys(obj: dict) -> dict:
    return {k.replace(" ", "_").replace("-", "_"): v for k, v in lower_keys(obj).items()}


def parse_examples(value, limit: int) -> list[list[dict[str, str]]]:
    """[{user, char}] or [[{role, text}]] or "User: ..\\nChar: .." -> [[{role: user|char, text}]]."""
    if isinstance(value, str):
        value = [value]
    blocks = []
    for item in value if isinstance(value, list) else []:
        block: list[dict[str, str]] = []
        if isinstance(item, dict):
            it = _norm_keys(item)
            u = text_field(it, "user", "{{user}}", "question", "prompt", limit=limit)
            c = text_field(it, "char", "{{char}}", "character", "reply", "answer", "response", limit=limit)
            block = [m for m in ({"role": "user", "text": u}, {"role": "char", "text": c}) if m["text"]]
        elif isinstance(item, list):
            for m in item:
                if isinstance(m, dict):
                    m = _norm_keys(m)
                    role = (
                        "user"
                        if str(m.get("role", m.get("speaker", ""))).lower() in ("user", "{{user}}")
                        else "char"
                    )
                    text = text_field(m, "text", "content", "line", limit=limit)
                    if text:
                        block.append({"role": role, "text": text})
        elif isinstance(item, str):
            for line in item.splitlines():
                head, sep, rest = line.partition(":")
                if sep and rest.strip():
                    role = "user" if head.strip().lower() in ("user", "{{user}}", "用户") else "char"
                    block.append({"role": role, "text": rest.strip()[:limit]})
        if any(m["role"] == "char" for m in block):
            blocks.append(block)
    return blocks


def parse_card(detail: str, examples: int, seed: dict[str, str] | None = None, name: str | None = None):
    lim = LIMITS[detail]

    def parse(text: str) -> dict:
        data = extract_json(text)
        if isinstance(data, list) and data and isinstance(data[0], dict):
            data = data[0]
        if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), dict):
            data = next(iter(data.values()))  # {"card": {...}}
        if not isinstance(data, dict):
            raise ParseError("expected a JSON object with the card's fields")
        obj = _norm_keys(data)
        out = {f: text_field(obj, *ALIASES[f], limit=lim[f] * 3) for f in TEXT_FIELDS}
        out["catchphrases"] = [
            c[: lim["catchphrase"] * 2]
            for c in list_field(obj, "catchphrases", "catchphrase", "quotes", "sayings")
        ][:5]
        out["example_dialogues"] = parse_examples(
            obj.get("example_dialogues", obj.get("examples", obj.get("dialogues"))), lim["char"] * 3
        )[: max(examples, 1)]
        if name:
            out["name"] = name
        for field, axis in SEEDED.items():
            if seed and not out[field] and axis in seed:
                out[field] = seed[axis]
        if not out["name"]:
            raise ParseError("card has no name")
        if not (out["personality"] or out["background"]):
            raise ParseError("card has neither personality nor background")
        return out

    return parse
