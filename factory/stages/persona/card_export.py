"""Cards out: Character Card V2 or V3 JSON files, or SillyTavern PNGs carrying both.

V3 (`chara_card_v3`) is V2's `data` plus `group_only_greetings` (required) and optional fields;
a card imported as V3 keeps all of its own. A PNG gets the picture the card came with (its bytes
kept, only the card chunks replaced) or, for a card factory made, a plain placeholder square, and
both a `chara` (V2) and a `ccv3` (V3) chunk, the way SillyTavern exports, so V2-only readers work.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from factory.records import Card
from factory.stages.persona.card_png import card_png, placeholder_png
from factory.stages.persona.card_v2 import SPEC_V3, SPEC_V3_VERSION, card_data, card_to_v2, with_root

Format = Literal["v2", "v3"]
V3_REQUIRED: dict[str, Any] = {"group_only_greetings": []}  # beyond V2's required fields


def card_to_v3(card: Card) -> dict[str, Any]:
    data = card_data(card)
    for key, empty in V3_REQUIRED.items():
        data.setdefault(key, list(empty))
    return with_root(card, SPEC_V3, SPEC_V3_VERSION, data)


CONVERT = {"v2": card_to_v2, "v3": card_to_v3}


def export_name(card: Card, suffix: str = ".json") -> str:
    slug = re.sub(r"[^\w]+", "_", card.name, flags=re.UNICODE).strip("_").lower()[:40] or "card"
    return f"{slug}_{card.id.split('-')[-1][:8]}{suffix}"


def picture(card: Card) -> bytes:
    """The PNG the card was imported from, else a placeholder (also when that file is gone)."""
    src = card.extra.get("picture")
    if isinstance(src, str) and Path(src).is_file():
        return Path(src).read_bytes()
    return placeholder_png(card.id)


def png_bytes(card: Card) -> bytes:
    text = {
        "chara": json.dumps(card_to_v2(card), ensure_ascii=False),
        "ccv3": json.dumps(card_to_v3(card), ensure_ascii=False),
    }
    return card_png(picture(card), text, card.extra.get("picture") or card.id)


def write_cards(cards: list[Card], out: Path, fmt: Format = "v2", png: bool = False) -> list[Path]:
    """One file per card in `out`: JSON in `fmt`, or (png) a PNG with both versions."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for c in cards:
        if png:
            p = out / export_name(c, ".png")
            p.write_bytes(png_bytes(c))
        else:
            p = out / export_name(c)
            p.write_text(json.dumps(CONVERT[fmt](c), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(p)
    return written
