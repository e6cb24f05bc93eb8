"""recipes/persona_cards_zh.yaml validates, plans and runs on the scripted server (cut down with
--set), and its imported Chinese cards show their lorebook, greetings and prompts in the samples."""

import json
from pathlib import Path

from click.testing import CliRunner

from factory.cli import main
from factory.lang import has_han
from tests.persona_responders import make_route
from tests.stages.persona_helpers import run_scripted

RECIPE = Path(__file__).resolve().parents[3] / "recipes" / "persona_cards_zh.yaml"
SMALL = [
    "--set",
    "cards.count=2",
    "--set",
    "preferences=null",
    "--set",
    "quality=null",
    "--set",
    "export=null",
]


def test_chinese_persona_cards_recipe_plans_and_runs(server, tmp_path):
    res = CliRunner().invoke(main, ["plan", str(RECIPE), "--json", "--run", str(tmp_path / "none"), *SMALL])
    assert res.exit_code == 0, res.output
    rows = {r["stage"]: r for r in json.loads(res.output)["stages"]}
    assert rows["cards"]["requests"] == 3 + 2  # 2 synthetic + Su Shi's own, + 2 regenerations at most
    assert rows["sessions"]["requests"] == 3 + 2  # the kept cards and the 2 imported ones
    server.responder = make_route()
    out = tmp_path / "run"
    summary = run_scripted(RECIPE, server, out, *SMALL)
    assert summary["plan"]["requests"]["sessions"]["actual"] == 5
    samples = [json.loads(line) for line in (out / "samples.jsonl").read_text(encoding="utf-8").splitlines()]
    imported = [s for s in samples if s["labels"]["card_source"].startswith("ccv2:")]
    assert {s["character"] for s in imported} == {"沈知秋", "周野"}
    for s in imported:
        card = s["labels"]["card"]
        assert card["system_prompt"] and card["post_history"]
        assert has_han(s["system"]) and s["character"] in s["system"]  # {{char}} filled
        phi = s["messages"][-2]
        assert phi["role"] == "system" and s["character"] in phi["content"] and "{{" not in phi["content"]
        assert 2 in card["lorebook_entries"]  # the constant entry: the tea house's well, the taxi's plate
    tea = next(s for s in imported if s["character"] == "沈知秋")
    assert "听雨轩在青石巷尽头" in tea["system"] and tea["labels"]["card"]["depth_prompt"]
    assert "失散多年的弟弟" in " ".join(m["content"] for m in tea["messages"])
    asked = [r["messages"][-1]["content"] for r in server.requests]
    assert any("世界设定" in a and "一九九八年的普洱" in a for a in asked)  # the writer sees the lorebook
    assert any("对话以角色的开场白开始" in a for a in asked)
