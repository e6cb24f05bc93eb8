"""Character Card V2: import -> export without loss, factory cards survive the trip back, bad files
get one line naming the file and the field (exit 2)."""

import base64
import json
import struct
import zlib

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.records import Card
from factory.stages.persona.card_files import read_cards
from factory.stages.persona.card_v2 import card_to_v2, parse_examples, render_examples, v2_to_card

TAVERN = {  # what SillyTavern writes, with the parts a lossy importer would drop
    "spec": "chara_card_v2",
    "spec_version": "2.0",
    "data": {
        "name": "Seraphina",
        "description": "{{char}} is a forest guardian with pink hair.\nShe heals travellers.",
        "personality": "caring, protective, a little sly",
        "scenario": "{{user}} wakes in her glade.",
        "first_mes": "*Seraphina kneels beside you* Easy now. You took a nasty fall.",
        "mes_example": "<START>\n{{user}}: Where am I?\n{{char}}: *smiles* In my glade.\nYou are safe here.\n"
        "<START>\n{{user}}: Who are you?\n{{char}}: Seraphina. *bows*",
        "creator_notes": "Be gentle with her.",
        "system_prompt": "Write {{char}}'s next reply.",
        "post_history_instructions": "Stay in the present tense.",
        "alternate_greetings": ["*hums* Oh, you're awake.", "Another lost one?"],
        "character_book": {
            "name": "glade lore",
            "entries": [
                {"keys": ["glade"], "content": "Sacred ground.", "enabled": True, "insertion_order": 0}
            ],
        },
        "tags": ["fantasy", "healer"],
        "creator": "someone",
        "character_version": "1.2",
        "extensions": {
            "talkativeness": "0.5",
            "fav": False,
            "world": "Eldoria",
            "depth_prompt": {"prompt": "She smells of pine.", "depth": 4},
        },
        "x_custom_field": {"kept": [1, 2, 3]},
    },
}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def png_with(text_chunks: dict[bytes, bytes]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    parts = [chunk(b"IHDR", ihdr)] + [chunk(b"tEXt", k + b"\0" + v) for k, v in text_chunks.items()]
    return (
        b"\x89PNG\r\n\x1a\n"
        + b"".join(parts)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


def test_import_then_export_gives_back_the_same_card(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "seraphina.json").write_text(json.dumps(TAVERN, indent=4))
    assert invoke("cards", "import", src, "--out", tmp_path / "run").exit_code == 0
    (card,) = [json.loads(x) for x in (tmp_path / "run" / "cards.jsonl").read_text().splitlines()]
    assert card["source"] == "ccv2:seraphina.json" and card["first_message"].startswith("*Seraphina kneels")
    assert card["example_dialogues"][0] == [
        {"role": "user", "text": "Where am I?"},
        {"role": "char", "text": "*smiles* In my glade.\nYou are safe here."},
    ]
    res = invoke("cards", "export", tmp_path / "run", "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    (exported,) = list((tmp_path / "out").glob("*.json"))
    assert json.loads(exported.read_text()) == TAVERN


def test_png_cards_from_sillytavern_import_like_json(tmp_path):
    blob = png_with({b"Software": b"x", b"chara": base64.b64encode(json.dumps(TAVERN).encode())})
    (tmp_path / "seraphina.png").write_bytes(blob)
    (card,) = read_cards([tmp_path / "seraphina.png"])
    assert card.source == "ccv2:seraphina.png" and card_to_v2(card) == TAVERN


def test_v1_cards_are_read_and_exported_as_v2(tmp_path):
    v1 = {
        k: TAVERN["data"][k]
        for k in ("name", "description", "personality", "scenario", "first_mes", "mes_example")
    }
    (tmp_path / "old.json").write_text(json.dumps(v1))
    (card,) = read_cards([tmp_path / "old.json"])
    out = card_to_v2(card)
    assert out["spec"] == "chara_card_v2" and out["spec_version"] == "2.0"
    assert {k: out["data"][k] for k in v1} == v1  # its own fields as they were
    # and every field the V2 spec requires, empty where V1 had none (character_book is optional)
    required = {
        "creator_notes": "",
        "system_prompt": "",
        "post_history_instructions": "",
        "alternate_greetings": [],
        "tags": [],
        "creator": "",
        "character_version": "",
        "extensions": {},
    }
    assert {k: out["data"][k] for k in required} == required
    assert set(out["data"]) == set(v1) | set(required)


def test_factory_cards_survive_export_and_import():
    card = Card(
        id="card-0123456789abcdef",
        name="Mira Holt",
        gender="woman",
        age="34",
        height="165 cm",
        nickname="Mi",
        self_reference="yours truly",
        occupation="lighthouse keeper",
        personality="stoic",
        background="Born at sea.",
        relationships="The user is her rival.",
        speaking_style="terse",
        catchphrases=["Hold fast."],
        education_work="Naval school.",
        example_dialogues=[[{"role": "user", "text": "Hi"}, {"role": "char", "text": "*nods* Hm."}]],
        scenario="A storm.",
        first_message="*wipes the lens* Late again.",
        language="en",
        seed={"occupation": "lighthouse keeper", "genre": "drama"},
    )
    exported = card_to_v2(card)
    assert exported["data"]["extensions"]["factory"]["seed"] == card.seed
    assert "Refers to self as: yours truly" in exported["data"]["description"]
    assert exported["data"]["mes_example"] == "<START>\n{{user}}: Hi\n{{char}}: *nods* Hm."
    back = v2_to_card(json.loads(json.dumps(exported)), "mira.json")
    assert back.model_dump(exclude={"source", "extra"}) == card.model_dump(exclude={"source", "extra"})
    assert card_to_v2(back) == exported  # and once imported, export is stable


def test_examples_parse_and_render_round_trip():
    text = "<START>\n{{user}}: a\n{{char}}: b\nmore b\n<START>\n<USER>: c\n<BOT>: d"
    blocks = parse_examples(text)
    assert blocks == [
        [{"role": "user", "text": "a"}, {"role": "char", "text": "b\nmore b"}],
        [{"role": "user", "text": "c"}, {"role": "char", "text": "d"}],
    ]
    assert parse_examples(render_examples(blocks)) == blocks


@pytest.mark.parametrize(
    "content,expected",
    [
        ('{"spec": "chara_card_v2", "data": {"name": "A",}}', "bad.json: not valid JSON (line 1, column"),
        (
            json.dumps({"spec": "risu_card_v9", "data": {"name": "A"}}),
            "bad.json: spec: expected 'chara_card_v2' or 'chara_card_v3', got 'risu_card_v9'",
        ),
        (json.dumps({"spec": "chara_card_v2", "data": ["A"]}), "bad.json: data: expected an object"),
        (
            json.dumps({"spec": "chara_card_v2", "data": {"description": "x"}}),
            "bad.json: data.name: required",
        ),
        (
            json.dumps({"spec": "chara_card_v2", "data": {"name": "A", "first_mes": 3}}),
            "bad.json: data.first_mes: expected a string, got int",
        ),
        (
            json.dumps({"spec": "chara_card_v2", "data": {"name": "A", "alternate_greetings": "hi"}}),
            "bad.json: data.alternate_greetings: expected a list of strings",
        ),
        (
            json.dumps({"spec": "chara_card_v2", "data": {"name": "A", "extensions": []}}),
            "bad.json: data.extensions: expected an object, got list",
        ),
        (json.dumps([1, 2]), "bad.json: top level: expected a JSON object"),
    ],
)
def test_malformed_cards_get_one_line_naming_file_and_field(tmp_path, content, expected):
    (tmp_path / "bad.json").write_text(content)
    res = invoke("cards", "import", tmp_path / "bad.json", "--out", tmp_path / "cards.jsonl")
    assert res.exit_code == 2
    assert (
        res.output.startswith("error: ")
        and expected in res.output
        and len(res.output.strip().splitlines()) == 1
    )
    assert not (tmp_path / "cards.jsonl").exists()


def test_png_without_card_and_empty_folder_and_missing_run(tmp_path):
    (tmp_path / "pic.png").write_bytes(png_with({b"Software": b"x"}))
    res = invoke("cards", "import", tmp_path / "pic.png", "--out", tmp_path / "c.jsonl")
    assert res.exit_code == 2 and "pic.png: no `chara` or `ccv3` text chunk" in res.output
    (tmp_path / "empty").mkdir()
    res = invoke("cards", "import", tmp_path / "empty", "--out", tmp_path / "c.jsonl")
    assert res.exit_code == 2 and "no card files" in res.output
    res = invoke("cards", "export", tmp_path / "nothing", "--out", tmp_path / "o")
    assert res.exit_code == 2 and f"error: {tmp_path / 'nothing'}: no such folder" in res.output
    assert not (tmp_path / "o").exists()
    res = invoke("cards", "export", tmp_path / "empty", "--out", tmp_path / "o")  # a folder, but no run
    assert res.exit_code == 2 and "empty: no cards.jsonl here" in res.output


def test_import_to_jsonl_merges_and_feeds_a_recipe(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(TAVERN))
    out = tmp_path / "lib" / "cards.jsonl"
    assert invoke("cards", "import", tmp_path / "a.json", "--out", out).exit_code == 0
    assert invoke("cards", "import", tmp_path / "a.json", "--out", out).exit_code == 0
    (card,) = read_cards([out])
    assert card.name == "Seraphina" and card_to_v2(card) == TAVERN
