"""Scenes: messy items read, aliases recognised, Chinese type words mapped, near-duplicates kept once."""

from __future__ import annotations

import json

from factory.stages.experience.scenes import drop_near_duplicates, normalize_type, parse_scenes, type_list

TYPES = ["conversation", "debate", "letter", "quarrel"]


def test_items_with_odd_keys_aliases_and_chinese_types():
    reply = (
        "好的：\n```json\n"
        + json.dumps(
            {
                "Scenes": [
                    {
                        "类型": "x",
                        "type": "书信往来",
                        "place": "黄州临皋亭",
                        "when": "1082年秋",
                        "people": "苏东坡、马正卿",
                        "description": "马正卿来访，商量开垦城东荒地。",
                    },
                    {
                        "type": "辩论",
                        "location": "汴京",
                        "time": "1069",
                        "participants": ["王安石"],
                        "background": "朝堂议新法。",
                    },
                    {"type": "conversation", "location": "", "background": "no place: dropped"},
                ]
            },
            ensure_ascii=False,
        )
        + "\n```"
    )
    scenes = parse_scenes("苏轼", 5, ["苏东坡", "子瞻"], TYPES)(reply)
    assert [(s["type"], s["participants"]) for s in scenes] == [
        ("letter", ["苏轼", "马正卿"]),  # alias mapped to the canonical name, no duplicate added
        ("debate", ["苏轼", "王安石"]),  # the character is always present
    ]
    assert (
        normalize_type("A heated QUARREL", TYPES) == "quarrel" and normalize_type("", TYPES) == "conversation"
    )
    assert type_list(TYPES, "zh") == "对话、辩论、书信、争吵" and type_list(TYPES, "en").startswith(
        "conversation, "
    )


def test_near_identical_scenes_are_kept_once():
    a = {"id": "scn-1", "location": "Workshop", "background": "Karl comes to ask for his unpaid wages again."}
    b = {
        "id": "scn-2",
        "location": "Workshop",
        "background": "Karl comes to ask for his unpaid wages, again.",
    }
    c = {
        "id": "scn-3",
        "location": "Church tower",
        "background": "The mayor wants the clock repaired by Sunday.",
    }
    assert [o["id"] for o in drop_near_duplicates([a, b, c], 88)] == ["scn-1", "scn-3"]
    q1 = {**c, "id": "pscn-1", "question": "Are you an AI?"}
    q2 = {**c, "id": "pscn-2", "question": "How is your cousin Wilhelm, the ship painter from Hamburg?"}
    assert len(drop_near_duplicates([q1, q2], 88)) == 2  # protection scenes differ by their question
