"""Character Card V2/V3 (chara_card_v2, chara_card_v3) <-> Card, and reading cards from files.

Import keeps the card's `data` verbatim in `Card.extra["ccv2"]` (whichever version: V3's `data` is
a superset of V2's), its spec in `extra["spec"]` and any top-level keys besides spec/data (the V1
mirror fields SillyTavern also writes) in `extra["root"]`; export starts from them and only writes
a field anew when the Card's value for it changed, so import -> export gives back the same JSON
(extensions, alternate greetings, character books, unknown keys included). A field the spec
requires and the source lacked (a V1 card) is filled with its empty value. Cards factory made carry
their full record under `data.extensions.factory`, so export -> import restores them.
Reading card files is card_files.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from factory.lang import has_han, lang_key, pick
from factory.records import Card, make_id

SPEC, SPEC_VERSION = "chara_card_v2", "2.0"
SPEC_V3, SPEC_V3_VERSION = "chara_card_v3", "3.0"
# every `data` field the V2 spec requires, with its empty value (character_book is optional)
V2_REQUIRED: dict[str, Any] = {
    "name": "",
    "description": "",
    "personality": "",
    "scenario": "",
    "first_mes": "",
    "mes_example": "",
    "creator_notes": "",
    "system_prompt": "",
    "post_history_instructions": "",
    "alternate_greetings": [],
    "tags": [],
    "creator": "",
    "character_version": "",
    "extensions": {},
}
STRING_FIELDS = (
    "name",
    "description",
    "personality",
    "scenario",
    "first_mes",
    "mes_example",
    "creator_notes",
    "system_prompt",
    "post_history_instructions",
    "creator",
    "character_version",
)
OWN_FIELDS = (
    "gender",
    "age",
    "height",
    "nickname",
    "self_reference",
    "occupation",
    "relationships",
    "speaking_style",
    "catchphrases",
    "education_work",
    "language",
    "seed",
    "source",
    "id",
)
_SPEAKER = re.compile(r"^\s*(\{\{user\}\}|\{\{char\}\}|<USER>|<BOT>)\s*:\s?", re.I)


# -- mes_example <-> example_dialogues ---------------------------------------------------------
def parse_examples(text: str) -> list[list[dict[str, str]]]:
    """`<START>` blocks of `{{user}}:` / `{{char}}:` lines -> [[{"role": "user"|"char", "text"}]]."""
    blocks: list[list[dict[str, str]]] = []
    for raw in re.split(r"<START>", text or "", flags=re.I):
        block: list[dict[str, str]] = []
        for line in raw.splitlines():
            m = _SPEAKER.match(line)
            if m:
                role = "user" if m.group(1).lower() in ("{{user}}", "<user>") else "char"
                block.append({"role": role, "text": line[m.end() :].strip()})
            elif block and line.strip():
                block[-1]["text"] = (block[-1]["text"] + "\n" + line.strip()).strip()
        if block:
            blocks.append(block)
    return blocks


def render_examples(blocks: list[list[dict[str, str]]]) -> str:
    lines: list[str] = []
    for block in blocks:
        lines.append("<START>")
        lines += [
            f"{'{{user}}' if m.get('role') == 'user' else '{{char}}'}: {m.get('text', '')}" for m in block
        ]
    return "\n".join(lines)


# -- Card -> CCv2 -----------------------------------------------------------------------------
_DESC = {
    "en": {
        "nickname": "Nickname",
        "gender": "Gender",
        "age": "Age",
        "height": "Height",
        "self_reference": "Refers to self as",
        "occupation": "Occupation",
        "education_work": "Education and work",
        "background": "Background",
        "relationships": "Relationships",
        "speaking_style": "Speaking style",
    },
    "zh": {
        "nickname": "昵称",
        "gender": "性别",
        "age": "年龄",
        "height": "身高",
        "self_reference": "自称",
        "occupation": "职业",
        "education_work": "教育与工作",
        "background": "背景",
        "relationships": "人际关系",
        "speaking_style": "说话风格",
    },
}


def describe(card: Card) -> str:
    labels = _DESC[lang_key(card.language)]
    lines = [f"{label}: {getattr(card, f)}" for f, label in labels.items() if getattr(card, f)]
    if card.catchphrases:
        lines.append(pick(card.language, "Catchphrases", "口头禅") + ": " + " / ".join(card.catchphrases))
    return "\n".join(lines)


_PAIRS = {
    "name": "name",
    "background": "description",
    "personality": "personality",
    "scenario": "scenario",
    "first_message": "first_mes",
    "example_dialogues": "mes_example",
}


def fresh_data(card: Card) -> dict[str, Any]:
    """The V2 `data` of a card written from its fields alone (a card factory made)."""
    own = {f: getattr(card, f) for f in OWN_FIELDS} | {"background": card.background}
    return {
        "name": card.name,
        "description": describe(card),
        "personality": card.personality,
        "scenario": card.scenario,
        "first_mes": card.first_message,
        "mes_example": render_examples(card.example_dialogues),
        "creator_notes": f"Made by factory ({card.source}); seed: "
        + ", ".join(f"{k}={v}" for k, v in card.seed.items()),
        "system_prompt": "",
        "post_history_instructions": "",
        "alternate_greetings": [],
        "tags": sorted({*card.seed.values(), card.language}),
        "creator": "factory",
        "character_version": "1.0",
        "extensions": {"factory": own},
    }


def card_data(card: Card) -> dict[str, Any]:
    """The card's V2 `data`: the imported one brought up to date, else one written afresh."""
    raw = card.extra.get("ccv2")
    fresh = fresh_data(card)
    return updated_data(card, raw, fresh) if isinstance(raw, dict) else fresh


def with_root(card: Card, spec: str, version: str, data: dict[str, Any]) -> dict[str, Any]:
    """The whole card file: the imported top-level keys (their copies of data fields updated), then
    spec, spec_version and data."""
    root = card.extra.get("root") if isinstance(card.extra.get("root"), dict) else {}
    mirrored = {k: data.get(k, v) for k, v in root.items()}
    return {**mirrored, "spec": spec, "spec_version": version, "data": data}


def card_to_v2(card: Card) -> dict[str, Any]:
    return with_root(card, SPEC, SPEC_VERSION, card_data(card))


def updated_data(card: Card, raw: dict, fresh: dict) -> dict:
    """The imported `data` with the fields the Card changed written anew, and the fields the V2 spec
    requires that it lacked added empty."""
    data = json.loads(json.dumps(raw))  # a deep copy that export may change
    for key, empty in V2_REQUIRED.items():
        data.setdefault(key, json.loads(json.dumps(empty)))
    then = card_fields(raw)
    ext = data.get("extensions") if isinstance(data.get("extensions"), dict) else None
    mine = ext is not None and isinstance(ext.get("factory"), dict)
    for field, key in _PAIRS.items():
        if getattr(card, field) != then.get(field):
            data[key] = card.background if key == "description" and not mine else fresh[key]
    if mine and any(getattr(card, f) != then.get(f) for f in OWN_FIELDS if f in then):
        ext["factory"] = {**ext["factory"], **fresh["extensions"]["factory"]}
    return data


def card_fields(data: dict) -> dict[str, Any]:
    """The Card fields a V2 `data` object gives (extensions.factory wins where it has them)."""
    own = (data.get("extensions") or {}).get("factory") if isinstance(data.get("extensions"), dict) else None
    own = own if isinstance(own, dict) else {}
    text = " ".join(str(data.get(k, "")) for k in ("description", "first_mes", "personality"))
    fields: dict[str, Any] = {
        "name": str(data.get("name", "")).strip(),
        "background": data.get("description", ""),
        "personality": data.get("personality", ""),
        "scenario": data.get("scenario", ""),
        "first_message": data.get("first_mes", ""),
        "example_dialogues": parse_examples(data.get("mes_example", "")),
        "language": "zh" if has_han(text) else "en",
    }
    for f in (*OWN_FIELDS, "background"):
        if f in own and f not in ("id", "source"):
            fields[f] = own[f]
    return fields


# -- CCv2 -> Card (with checks that name the file and field) -------------------------------------
def _check(data: dict, where: str) -> None:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: data.name: required, a non-empty string")
    for f in STRING_FIELDS:
        if f in data and not isinstance(data[f], str):
            raise ValueError(f"{where}: data.{f}: expected a string, got {type(data[f]).__name__}")
    for f in ("alternate_greetings", "tags"):
        v = data.get(f, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ValueError(f"{where}: data.{f}: expected a list of strings")
    for f in ("extensions", "character_book"):
        if f in data and data[f] is not None and not isinstance(data[f], dict):
            raise ValueError(f"{where}: data.{f}: expected an object, got {type(data[f]).__name__}")


def v2_to_card(obj: Any, where: str) -> Card:
    """A Card from a parsed card file; `where` (the file name) is in every error and in the source."""
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: top level: expected a JSON object")
    if "spec" not in obj and "data" not in obj and "name" in obj:  # V1: the fields at top level
        obj = {"spec": SPEC, "spec_version": SPEC_VERSION, "data": obj}
    if obj.get("spec") not in (SPEC, SPEC_V3):
        raise ValueError(f"{where}: spec: expected {SPEC!r} or {SPEC_V3!r}, got {obj.get('spec')!r}")
    data = obj.get("data")
    if not isinstance(data, dict):
        raise ValueError(f"{where}: data: expected an object")
    _check(data, where)
    fields = card_fields(data)
    own = data.get("extensions", {}).get("factory") if isinstance(data.get("extensions"), dict) else None
    own = own if isinstance(own, dict) else {}
    card_id = own.get("id") or make_id("card", "ccv2", data)
    extra: dict[str, Any] = {"ccv2": data}
    if obj["spec"] == SPEC_V3:
        extra["spec"] = SPEC_V3
    root = {k: v for k, v in obj.items() if k not in ("spec", "spec_version", "data")}
    if root:
        extra["root"] = root
    if Path(where).suffix.lower() == ".png":
        extra["picture"] = str(Path(where).resolve())  # `cards export --png` puts the card back on it
    try:
        return Card(id=card_id, source=f"ccv2:{Path(where).name}", extra=extra, **fields)
    except Exception as exc:  # pydantic: a wrong type in extensions.factory
        raise ValueError(f"{where}: data.extensions.factory: {str(exc).splitlines()[0]}") from None
