"""Card files -> Cards: .json (V3, V2, or V1 flat), .png (SillyTavern: base64 JSON in a `ccv3` or
`chara` text chunk; `ccv3` wins), .jsonl (Card records, as `factory cards import --out x.jsonl`
writes them), and folders of them. Every error names the file (and line or field).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from factory.records import Card, iter_user_jsonl
from factory.stages.persona.card_png import png_text
from factory.stages.persona.card_v2 import v2_to_card

SUFFIXES = (".json", ".png", ".jsonl")
MAX_JSON_CARD = 64 * 2**20  # a .json card bigger than this is not a card


def card_records(path: Path, torn_tail_ok: bool = False) -> list[tuple[dict, Card]]:
    """(line as written, Card) per line of a Card-records JSONL: a bad line is an error naming file:line."""
    out = []
    for n, obj in iter_user_jsonl(path, torn_tail_ok=torn_tail_ok):
        try:
            out.append((obj, Card.model_validate(obj)))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err.get("loc", ())) or "record"
            raise ValueError(f"{path}:{n}: not a card record: {field}: {err.get('msg', 'invalid')}") from None
    return out


def read_card_file(path: Path) -> list[Card]:
    where = str(path)
    if path.suffix.lower() == ".jsonl":
        return [c for _, c in card_records(path)]
    if path.suffix.lower() != ".png" and path.stat().st_size > MAX_JSON_CARD:
        raise ValueError(
            f"{where}: {path.stat().st_size} bytes, more than a card file may have "
            f"({MAX_JSON_CARD // 2**20} MiB)"
        )
    try:
        text = png_text(path, where) if path.suffix.lower() == ".png" else path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{where}: not UTF-8 text") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from None
    return [v2_to_card(obj, where)]


def card_files(paths: list[Path]) -> list[Path]:
    """Files named, plus the card files directly inside directories named, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix.lower() in SUFFIXES and f.is_file())
            if not found:
                raise ValueError(f"{p}: no card files (.json, .png, .jsonl) in this directory")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    return out


def read_cards(paths: list[Path]) -> list[Card]:
    cards: dict[str, Card] = {}
    for f in card_files(paths):
        for c in read_card_file(f):
            cards.setdefault(c.id, c)
    return list(cards.values())
