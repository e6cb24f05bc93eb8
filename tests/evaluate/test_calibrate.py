"""`factory eval calibrate`: a judge measured on the shipped labelled set, and recorded by eval."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factory.cli import main
from factory.evaluate.calibration import load_set
from factory.testing.openai_server import ScriptedServer
from tests.evaluate import fakes

ITEMS, _ = load_set()


def _text(body: dict) -> str:
    return "\n".join(str(m["content"]) for m in body["messages"])


def _labels_in(text: str) -> list[tuple[int, str]]:
    return sorted((text.index(i.answer), i.label) for i in ITEMS if i.answer in text)


def oracle(body: dict) -> str:
    """A competent judge: it sees what the labels say, and answers in JSON."""
    text = _text(body)
    found = _labels_in(text)
    if not found:
        return fakes.judge(body)
    if '"choice": "A"' in text:
        a, b = (label for _, label in found)
        return json.dumps({"reasoning": "One stays in role.", "choice": "A" if a == "in_character" else "B"})
    return json.dumps({"reasoning": "Judged.", "score": 6 if found[0][1] == "in_character" else 2})


def biased(body: dict) -> str:
    """Always the middle score, always the first answer, in prose."""
    return "Winner: A" if '"choice": "A"' in _text(body) else "Fine, I suppose.\nScore: 4"


SEEN: dict[str, int] = {}


def flaky(body: dict) -> str:
    """Right on average, but asked the same thing again it gives a different score."""
    text = _text(body)
    if '"choice": "A"' in text:
        return oracle(body)
    good = _labels_in(text)[0][1] == "in_character"
    SEEN[text] = SEEN.get(text, -1) + 1
    wobble = SEEN[text] % 2
    return json.dumps({"reasoning": "Judged.", "score": (5 + wobble) if good else (2 + wobble)})


def calibrate(server, out, *extra):
    return CliRunner().invoke(
        main,
        ["eval", "calibrate", "--judge", server.base_url, "--out", str(out), *extra],
        catch_exceptions=False,
    )


def test_the_shipped_set_has_both_languages_and_every_label():
    assert {(i.language, i.label) for i in ITEMS} == {
        (lg, lab) for lg in ("en", "zh") for lab in ("in_character", "assistant_tone", "out_of_character")
    }
    assert len(ITEMS) == 24 and len({i.id for i in ITEMS}) == 24


def test_a_competent_judge_is_fit(tmp_path):
    with ScriptedServer(responder=oracle, model="good-judge") as judge:
        res = calibrate(judge, tmp_path / "cal")
        calls = judge.count
        assert calibrate(judge, tmp_path / "cal").exit_code == 0 and judge.count == calls  # cached
    assert res.exit_code == 0, res.output
    assert "judge fit" in res.output
    cal = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    # 8 in-character replies x 2 rubrics + 16 other replies x 1, and 16 pairs in 2 orders; all asked twice
    assert cal["n"] == 32 and cal["agreement"] == 1.0 and cal["retest"] == 1.0
    assert cal["pairwise"]["agreement"]["rate"] == 1.0 and cal["pairwise"]["disagreement"]["rate"] == 0.0
    assert set(cal["by_language"]) == {"en", "zh"} and cal["by_label"]["assistant_tone"]["n"] == 8
    assert cal["parsed"]["total"] == 2 * (32 + 32) and cal["parsed"]["as_json"] == cal["parsed"]["total"]
    assert cal["judge"]["model"] == "good-judge" and cal["verdict"] == "fit"


def test_a_position_biased_judge_is_not_fit(tmp_path):
    with ScriptedServer(responder=biased) as judge:
        res = calibrate(judge, tmp_path / "cal", "--questions", "2")
    assert res.exit_code == 1, res.output
    line = next(ln for ln in res.output.splitlines() if ln.startswith("judge not fit"))
    assert "label agreement 0.0 < 0.75" in line and "pairwise agreement None" in line
    cal = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    assert cal["set"]["items"] == 12 and cal["pairwise"]["disagreement"]["rate"] == 1.0
    assert cal["retest"] == 1.0 and cal["parsed"]["as_json"] == 0  # repeatable, read from prose, and useless


def test_a_judge_that_changes_its_mind_fails_test_retest(tmp_path):
    with ScriptedServer(responder=flaky) as judge:
        res = calibrate(judge, tmp_path / "cal")
    assert res.exit_code == 1
    cal = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    assert cal["retest"] < 0.8 and any(r.startswith("test-retest") for r in cal["reasons"])
    assert cal["retest_within_one"]["rate"] == 1.0


def test_eval_records_the_calibration_it_ran_with(eval_run, tmp_path):
    with (
        ScriptedServer(responder=fakes.model) as model,
        ScriptedServer(responder=oracle, model="good-judge") as judge,
    ):
        assert calibrate(judge, tmp_path / "cal").exit_code == 0
        base = [
            "eval",
            "--model",
            model.base_url,
            "--judge",
            judge.base_url,
            "--run",
            str(eval_run),
            "--questions",
            "1",
            "--interviews",
            "0",
            "--skip",
            "memory,consistency,pairwise",
            "--allow-partial",
        ]
        from_file = CliRunner().invoke(
            main,
            [
                *base,
                "--out",
                str(tmp_path / "a"),
                "--calibration",
                str(tmp_path / "cal" / "calibration.json"),
            ],
        )
        inline = CliRunner().invoke(main, [*base, "--out", str(tmp_path / "b"), "--calibration", "run"])
        none = CliRunner().invoke(main, [*base, "--out", str(tmp_path / "c")])
        bad = CliRunner().invoke(
            main, [*base, "--out", str(tmp_path / "d"), "--calibration", str(tmp_path / "x.json")]
        )
    assert from_file.exit_code == 0 and inline.exit_code == 0 and none.exit_code == 0, from_file.output
    a = json.loads((tmp_path / "a" / "eval.json").read_text())
    assert (
        a["info"]["calibration"]["source"].endswith("calibration.json")
        and a["info"]["calibration"]["verdict"] == "fit"
    )
    assert a["trust"]["calibration"]["agreement"] == 1.0
    b = json.loads((tmp_path / "b" / "eval.json").read_text())
    assert b["info"]["calibration"]["retest"] == 1.0 and (tmp_path / "b" / "calibration.json").is_file()
    assert "Judge calibration" in (tmp_path / "b" / "eval.md").read_text()
    c = json.loads((tmp_path / "c" / "eval.json").read_text())
    assert c["info"]["calibration"] is None and any("not calibrated" in n for n in c["notes"])
    assert bad.exit_code == 2 and "error: --calibration: no such file" in bad.output
    assert not (tmp_path / "d").exists()
