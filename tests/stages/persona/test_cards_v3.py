"""Character Card V3: chara_card_v3 JSON and `ccv3` PNGs import; export writes V3 JSON, or PNGs with
both `chara` (V2) and `ccv3` chunks on the card's own picture (or a placeholder); round trips lossless."""

import base64
import io
import json

import png
from click.testing import CliRunner

from factory.cli import main
from factory.records import Card
from factory.stages.persona.card_export import card_to_v3
from factory.stages.persona.card_files import read_cards
from factory.stages.persona.card_v2 import card_to_v2

DATA = {  # a SillyTavern V3 export's data: V2's fields plus V3's own, and a lorebook
    "name": "Seraphina",
    "description": "{{char}} is a forest guardian with pink hair.",
    "personality": "caring, protective",
    "scenario": "{{user}} wakes in her glade.",
    "first_mes": "*Seraphina kneels beside you* Easy now.",
    "mes_example": "<START>\n{{user}}: Where am I?\n{{char}}: In my glade.",
    "creator_notes": "Be gentle with her.",
    "system_prompt": "Write {{char}}'s next reply.",
    "post_history_instructions": "Stay in the present tense.",
    "alternate_greetings": ["Oh, you're awake."],
    "group_only_greetings": ["Welcome, all of you."],
    "tags": ["fantasy"],
    "creator": "someone",
    "character_version": "1.2",
    "nickname": "Sera",
    "creator_notes_multilingual": {"en": "Be gentle with her.", "de": "Sei sanft."},
    "source": ["https://example.org/seraphina"],
    "assets": [{"type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"}],
    "creation_date": 1700000000,
    "modification_date": 1700000500,
    "character_book": {
        "name": "glade lore",
        "entries": [{"keys": ["glade"], "content": "Sacred ground.", "enabled": True, "insertion_order": 0}],
    },
    "extensions": {"talkativeness": "0.5", "depth_prompt": {"prompt": "She smells of pine.", "depth": 4}},
}
V3 = {  # SillyTavern also mirrors V1 fields at the top level
    "name": "Seraphina",
    "description": DATA["description"],
    "avatar": "none",
    "talkativeness": "0.5",
    "create_date": "2024-1-1 @12h",
    "spec": "chara_card_v3",
    "spec_version": "3.0",
    "data": DATA,
}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def picture(extra_text: dict[str, str] | None = None) -> bytes:
    """A real 4x3 RGB PNG (pypng), with tEXt chunks put before IEND as SillyTavern does."""
    buf = io.BytesIO()
    png.Writer(4, 3, greyscale=False).write(
        buf, [[(x * 60 + y * 20) % 256 for x in range(12)] for y in range(3)]
    )
    chunks = list(png.Reader(bytes=buf.getvalue()).chunks())
    text = [(b"tEXt", k.encode() + b"\0" + v.encode()) for k, v in (extra_text or {}).items()]
    out = io.BytesIO()
    png.write_chunks(out, chunks[:-1] + text + chunks[-1:])
    return out.getvalue()


def b64(obj) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


def text_chunks(blob: bytes) -> dict[str, dict]:
    out = {}
    for kind, data in png.Reader(bytes=blob).chunks():
        if kind == b"tEXt":
            key, _, value = data.partition(b"\0")
            if key in (b"chara", b"ccv3"):
                out[key.decode()] = json.loads(base64.b64decode(value))
    return out


def image_chunks(blob: bytes) -> list[tuple[bytes, bytes]]:
    return [(k, d) for k, d in png.Reader(bytes=blob).chunks() if k != b"tEXt"]


def test_v3_json_imports_and_exports_as_it_came(tmp_path):
    (tmp_path / "seraphina.json").write_text(json.dumps(V3, indent=2))
    assert invoke("cards", "import", tmp_path / "seraphina.json", "--out", tmp_path / "run").exit_code == 0
    (card,) = [
        Card.model_validate_json(x) for x in (tmp_path / "run" / "cards.jsonl").read_text().splitlines()
    ]
    assert card.name == "Seraphina" and card.first_message.startswith("*Seraphina kneels")
    res = invoke("cards", "export", tmp_path / "run", "--out", tmp_path / "v3", "--format", "v3")
    assert res.exit_code == 0, res.output
    (exported,) = list((tmp_path / "v3").glob("*.json"))
    assert json.loads(exported.read_text()) == V3  # lossless, top-level mirror fields included
    res = invoke("cards", "export", tmp_path / "run", "--out", tmp_path / "v2")
    (v2,) = [json.loads(p.read_text()) for p in (tmp_path / "v2").glob("*.json")]
    assert v2["spec"] == "chara_card_v2" and v2["spec_version"] == "2.0" and v2["data"] == DATA


def test_png_with_only_a_ccv3_chunk_imports(tmp_path):
    (tmp_path / "s.png").write_bytes(picture({"Software": "x", "ccv3": b64(V3)}))
    (card,) = read_cards([tmp_path / "s.png"])
    assert card_to_v3(card) == V3 and card.extra["picture"] == str((tmp_path / "s.png").resolve())


def test_ccv3_wins_over_a_backfilled_chara_chunk(tmp_path):
    stale = {"spec": "chara_card_v2", "spec_version": "2.0", "data": {**DATA, "name": "Old Name"}}
    (tmp_path / "s.png").write_bytes(picture({"chara": b64(stale), "ccv3": b64(V3)}))
    (card,) = read_cards([tmp_path / "s.png"])
    assert card.name == "Seraphina"


def test_png_export_keeps_the_picture_and_writes_both_chunks(tmp_path):
    src = picture({"Software": "ST", "chara": b64({"spec": "chara_card_v2", "data": DATA}), "ccv3": b64(V3)})
    (tmp_path / "in.png").write_bytes(src)
    assert invoke("cards", "import", tmp_path / "in.png", "--out", tmp_path / "run").exit_code == 0
    res = invoke("cards", "export", tmp_path / "run", "--out", tmp_path / "out", "--png")
    assert res.exit_code == 0, res.output
    (out,) = list((tmp_path / "out").glob("*.png"))
    blob = out.read_bytes()
    assert image_chunks(blob) == image_chunks(src)  # the picture's own chunks, byte for byte
    width, height, rows, _ = png.Reader(bytes=blob).read()
    assert (width, height) == (4, 3) and len(list(rows)) == 3  # still a valid PNG
    chunks = text_chunks(blob)
    assert chunks["ccv3"] == V3 and chunks["chara"]["spec"] == "chara_card_v2"
    assert chunks["chara"]["data"] == DATA
    kinds = [k for k, _ in png.Reader(bytes=blob).chunks()]
    assert kinds[-1] == b"IEND" and kinds.count(b"tEXt") == 3  # Software + one chara + one ccv3
    (back,) = read_cards([out])
    assert card_to_v3(back) == V3


def test_synthetic_card_gets_a_placeholder_png_that_imports_back(tmp_path):
    card = Card(
        id="card-0123456789abcdef",
        name="Mira Holt",
        occupation="lighthouse keeper",
        personality="stoic",
        background="Born at sea.",
        first_message="*wipes the lens* Late again.",
        seed={"occupation": "lighthouse keeper"},
    )
    (tmp_path / "cards.jsonl").write_text(card.model_dump_json() + "\n")
    res = invoke("cards", "export", tmp_path / "cards.jsonl", "--out", tmp_path / "out", "--png")
    assert res.exit_code == 0, res.output
    (out,) = list((tmp_path / "out").glob("*.png"))
    width, height, _, info = png.Reader(bytes=out.read_bytes()).read()
    assert (width, height) == (256, 256) and not info["greyscale"]
    chunks = text_chunks(out.read_bytes())
    assert chunks["chara"] == card_to_v2(card) and chunks["ccv3"] == card_to_v3(card)
    assert chunks["ccv3"]["spec"] == "chara_card_v3" and chunks["ccv3"]["data"]["group_only_greetings"] == []
    (back,) = read_cards([out])
    keep = {"source", "extra"}
    assert back.model_dump(exclude=keep) == card.model_dump(exclude=keep)
