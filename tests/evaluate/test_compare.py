"""`factory eval compare`: several evals lined up, with a chart."""

import json

from click.testing import CliRunner

from factory.cli import main


def fake_eval(path, label, metrics, intervals=None, trusted=True):
    path.mkdir(parents=True)
    (path / "eval.json").write_text(
        json.dumps(
            {
                "info": {"label": label, "inputs": {"character": "Anna"}},
                "metrics": metrics,
                "intervals": intervals or {},
                "trust": {"ok": trusted},
                "dimensions": {},
                "notes": [],
            }
        )
    )
    return path


def test_compare_lines_up_base_sft_dpo(tmp_path):
    a = fake_eval(tmp_path / "base", "base", {"rubric.personality": 3.0, "offline.assistant_tone": 0.4})
    b = fake_eval(
        tmp_path / "sft",
        "sft",
        {"rubric.personality": 5.5, "offline.assistant_tone": 0.1, "memory.accuracy": 0.8},
    )
    c = fake_eval(tmp_path / "dpo", "sft", {"rubric.personality": 6.0, "offline.assistant_tone": 0.0})
    out = tmp_path / "cmp"
    res = CliRunner().invoke(
        main, ["eval", "compare", str(a), str(b / "eval.json"), str(c), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "| metric | base | sft | sft (2) | better |" in res.output
    assert "| rubric.personality | 3.000 | 5.500 | 6.000 | higher |" in res.output
    assert "| memory.accuracy | – | 0.800 | – | higher |" in res.output
    assert "| offline.assistant_tone | 0.400 | 0.100 | 0.000 | lower |" in res.output
    assert res.output.index("rubric.") < res.output.index("memory.") < res.output.index("offline.")
    assert (out / "compare.png").read_bytes()[:4] == b"\x89PNG"
    assert [r["label"] for r in json.loads((out / "compare.json").read_text())["runs"]] == [
        "base",
        "sft",
        "sft (2)",
    ]


def test_compare_rejects_what_is_not_an_eval(tmp_path):
    (tmp_path / "x.json").write_text("{}")
    res = CliRunner().invoke(main, ["eval", "compare", str(tmp_path / "x.json")])
    assert res.exit_code == 2 and "is not an eval.json" in res.output


def test_compare_marks_differences_inside_the_noise(tmp_path):
    a = fake_eval(
        tmp_path / "base",
        "base",
        {"rubric.personality": 4.0, "memory.accuracy": 0.5},
        {"rubric.personality": [3.0, 5.0], "memory.accuracy": [0.4, 0.6]},
    )
    b = fake_eval(
        tmp_path / "sft",
        "sft",
        {"rubric.personality": 4.6, "memory.accuracy": 0.9},
        {"rubric.personality": [3.8, 5.4], "memory.accuracy": [0.85, 0.95]},
        trusted=False,
    )
    out = tmp_path / "cmp"
    res = CliRunner().invoke(main, ["eval", "compare", str(a), str(b), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "| rubric.personality | 4.000 | 4.600 ~ | higher |" in res.output  # 0.6 apart, se ~0.65
    assert "| memory.accuracy | 0.500 | 0.900 | higher |" in res.output  # 0.4 apart, se ~0.06
    assert (
        "inside the noise" in res.output
        and "Not trustworthy (too few readable judge verdicts): sft" in res.output
    )
    marks = json.loads((out / "compare.json").read_text())["inside_noise_vs_first"]
    assert marks == {"rubric.personality": [True], "memory.accuracy": [False]}
