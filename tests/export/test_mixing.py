"""General instruction data at a stated share; more than half is refused."""

from __future__ import annotations

import json

import pytest

from factory.export.exporter import export_run
from factory.export.mixing import counts, load_general
from factory.recipe import RecipeError, load_recipe

from .conftest import CHAR

SAMPLE = (
    __import__("pathlib").Path(__file__).resolve().parents[2] / "recipes" / "general" / "sample_general.jsonl"
)


def _recipe(write_recipe, mix: str):
    return load_recipe(
        write_recipe(f"""\
        name: anna
        character: {{name: {CHAR}, profile: {{file: profile.md}}}}
        split: {{eval_share: 0.1}}
        mix: {mix}
        """)
    )


def test_shipped_sample_is_bilingual_alpaca():
    rows = load_general(SAMPLE)
    assert len(rows) >= 30 - 1
    assert {r.language for r in rows} == {"en", "zh"}
    assert all(r.type == "general" and r.messages[-1].train for r in rows)


def test_general_rows_are_the_asked_share_of_training_rows(run_dir, write_recipe):
    import factory.export.mixing  # noqa: F401 - the recipe path check

    (run_dir.parent / "general.jsonl").write_text(SAMPLE.read_text())
    recipe = _recipe(write_recipe, "{general: [{path: general.jsonl, ratio: 0.25}]}")
    m = export_run(run_dir, recipe=recipe, log=lambda x: None)
    train = m["counts"]["rows"]["train"]
    share = m["counts"]["general_rows"] / train
    assert abs(share - 0.25) < 1 / train
    assert m["languages"] == ["en", "zh"]  # the sample file is bilingual; the card says so
    evals = [json.loads(x) for x in (run_dir / "export" / "openai.eval.jsonl").read_text().splitlines()]
    general_prompts = {r.messages[-2].content for r in load_general(SAMPLE)}
    assert not any(m["content"] in general_prompts for row in evals for m in row["messages"])


def test_small_source_is_repeated_and_noted(run_dir, write_recipe, tmp_path):
    lines = SAMPLE.read_text().splitlines()[:3]
    (tmp_path / "tiny.jsonl").write_text("\n".join(lines) + "\n")
    recipe = _recipe(write_recipe, "{general: [{path: tiny.jsonl, ratio: 0.5}]}")
    m = export_run(run_dir, recipe=recipe, log=lambda x: None)
    assert m["mix"][0]["repeated"] and m["counts"]["general_rows"] > 3
    assert any("repeated" in n for n in m["notes"])


def test_over_half_is_refused_with_the_reason(write_recipe, tmp_path):
    (tmp_path / "g.jsonl").write_text(SAMPLE.read_text())
    with pytest.raises(
        RecipeError, match=r"mix.general.0.ratio: 0.6 is over 0.5: role-play must stay the majority"
    ):
        _recipe(write_recipe, "{general: [{path: g.jsonl, ratio: 0.6}]}")
    with pytest.raises(RecipeError, match="ratios add up to 0.6"):
        _recipe(write_recipe, "{general: [{path: g.jsonl, ratio: 0.3}, {path: g.jsonl, ratio: 0.3}]}")


def test_missing_file_is_a_recipe_error(write_recipe):
    import factory.export.mixing  # noqa: F401

    with pytest.raises(RecipeError, match=r"mix.general\[0\].path: no such file"):
        _recipe(write_recipe, "{general: [{path: nowhere.jsonl, ratio: 0.2}]}")


def test_sharegpt_and_openai_rows_and_bad_lines(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text(
        json.dumps(
            {
                "conversations": [
                    {"from": "system", "value": "be brief"},
                    {"from": "human", "value": "hi"},
                    {"from": "gpt", "value": "hello"},
                ]
            }
        )
        + "\n"
        + json.dumps(
            {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}
        )
        + "\n"
    )
    a, b = load_general(f)
    assert a.system == "be brief" and [m.role for m in a.messages] == ["user", "assistant"]
    assert b.messages[-1].content == "4"
    f.write_text('{"instruction": "x", "output": "y"}\nnot json\n')
    with pytest.raises(ValueError, match=r"g.jsonl:2: not JSON"):
        load_general(f)


def test_counts():
    assert counts(75, [0.25]) == [25]
    assert counts(50, [0.25, 0.25]) == [25, 25]
    assert counts(0, [0.3]) == [0]
