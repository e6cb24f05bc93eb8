"""`factory gate` on a samples JSONL file."""

import json
import re

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.records import append_jsonl

from .conftest import sample


@pytest.fixture
def samples_file(tmp_path):
    path = tmp_path / "samples.jsonl"
    append_jsonl(
        path,
        [
            sample("a", "我今天写了一首新的奏鸣曲，你想听听吗？"),
            sample("b", "作为一个AI，我没有个人观点。"),
            sample("c", "老贝觉得这首曲子还不够好。"),
        ],
    )
    return path


def gate(*args):
    return CliRunner().invoke(main, ["gate", *map(str, args)])


def test_gate_writes_kept_rejected_and_reports(samples_file, tmp_path):
    out = tmp_path / "out"
    res = gate(samples_file, "--out", out, "--character", "贝多芬", "--language", "zh", "--alias", "老贝")
    assert res.exit_code == 0, res.output
    assert "kept 1, rejected 2 of 3 samples" in res.output
    kept = [json.loads(x) for x in (out / "kept.jsonl").read_text().splitlines()]
    rejected = {r["id"]: r for r in map(json.loads, (out / "rejected.jsonl").read_text().splitlines())}
    assert [k["id"] for k in kept] == ["a"]
    assert rejected["b"]["rule"] == "blacklist.assistant_tone" and rejected["b"]["span"] == "作为一个AI"
    assert rejected["c"]["rule"] == "selfname.third_person"
    report = json.loads((out / "report.json").read_text())
    assert report["balanced"] and report["input"] == 3
    md = (out / "report.md").read_text()
    assert re.search(r"\| 3 \| 1 \| 2 \| 0 \| yes \|", md)


def test_config_file_can_be_a_recipe_or_the_block(samples_file, tmp_path):
    cfg = tmp_path / "quality.yaml"
    cfg.write_text("name: x\nquality:\n  rules: {blacklist.assistant_tone: flag}\n", encoding="utf-8")
    res = gate(samples_file, "--out", tmp_path / "o1", "--config", cfg)
    assert res.exit_code == 0, res.output
    assert "kept 3, rejected 0 of 3 samples (1 kept with flags)" in res.output  # b flagged; 老贝 no alias
    cfg.write_text("rules: {blacklist.assistant_tone: off}\n", encoding="utf-8")  # YAML's off is false
    assert (
        "kept 3, rejected 0 of 3 samples (0 kept"
        in gate(samples_file, "--out", tmp_path / "o2", "--config", cfg).output
    )


@pytest.mark.parametrize(
    "body, message",
    [
        ("rules: {no.such.rule: flag}\n", "unknown rule"),
        ("rules: {format.truncated: maybe}\n", "must be one of"),
        ("dedup: {bands: 7}\n", "multiple of bands"),
        ("nonsense: 1\n", "quality.nonsense: unknown key"),
    ],
)
def test_bad_config_is_one_line_and_exit_2(samples_file, tmp_path, body, message):
    cfg = tmp_path / "q.yaml"
    cfg.write_text(body, encoding="utf-8")
    res = gate(samples_file, "--out", tmp_path / "o", "--config", cfg)
    assert res.exit_code == 2 and res.output.startswith("error: ") and message in res.output
    assert "Traceback" not in res.output


def test_missing_input_and_judge_mode_without_endpoint(samples_file, tmp_path):
    res = gate(tmp_path / "nope.jsonl", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "no such samples file" in res.output
    cfg = tmp_path / "q.yaml"
    cfg.write_text("selfname: {mode: judge}\n", encoding="utf-8")
    res = gate(samples_file, "--out", tmp_path / "o", "--config", cfg)
    assert res.exit_code == 2 and "--judge-base-url" in res.output


def test_judge_endpoint_from_the_command_line(samples_file, tmp_path, server):
    server.responder = lambda body: '{"verdict": "inside"}'
    cfg = tmp_path / "q.yaml"
    cfg.write_text("selfname: {mode: judge}\n", encoding="utf-8")
    out = tmp_path / "o"
    res = gate(
        samples_file,
        "--out",
        out,
        "--config",
        cfg,
        "--character",
        "贝多芬",
        "--alias",
        "老贝",
        "--judge-base-url",
        server.base_url,
        "--judge-model",
        "judge",
    )
    assert res.exit_code == 0, res.output
    rejected = {
        r["id"]: r["rule"] for r in map(json.loads, (out / "rejected.jsonl").read_text().splitlines())
    }
    assert "c" not in rejected  # the judge said inside and decides in judge mode
    assert server.count == 2 and (out / "judge_cache.sqlite").exists()  # b is rejected anyway: not asked


def _outside_if_laobei(body):
    return '{"verdict": "outside"}' if "老贝" in body["messages"][-1]["content"] else '{"verdict": "inside"}'


def test_judge_endpoint_measures_the_heuristic_with_the_default_config(samples_file, tmp_path, server):
    server.responder = _outside_if_laobei
    out = tmp_path / "o"
    res = gate(
        samples_file,
        "--out",
        out,
        "--character",
        "贝多芬",
        "--alias",
        "老贝",
        "--judge-base-url",
        server.base_url,
        "--judge-model",
        "judge",
    )
    assert res.exit_code == 0, res.output
    assert server.count == 3  # judge_sample 0 in the config: the default sample, capped by the 3 lines
    assert "precision 1.0, recall 1.0 (3 lines judged, 0 failed)" in res.output
    ag = json.loads((out / "report.json").read_text())["selfname"]["agreement"]
    assert ag["judged"] == 3 and ag["estimated"] and (ag["tp"], ag["fp"], ag["fn"], ag["tn"]) == (1, 0, 0, 2)
    rejected = {
        r["id"]: r["rule"] for r in map(json.loads, (out / "rejected.jsonl").read_text().splitlines())
    }
    assert rejected["c"] == "selfname.third_person"  # heuristic mode: the heuristic still decides


def test_judge_sample_flag_sets_how_many_lines_are_judged(samples_file, tmp_path, server):
    server.responder = _outside_if_laobei
    res = gate(
        samples_file,
        "--out",
        tmp_path / "o",
        "--character",
        "贝多芬",
        "--alias",
        "老贝",
        "--judge-base-url",
        server.base_url,
        "--judge-sample",
        "1",
    )
    assert res.exit_code == 0, res.output
    assert server.count == 1 and "(1 lines judged" in res.output
    res = gate(samples_file, "--out", tmp_path / "o2", "--judge-sample", "5")
    assert res.exit_code == 2 and "--judge-sample needs --judge-base-url" in res.output


def test_explain_prints_why_with_the_matched_span(samples_file, tmp_path):
    res = gate(
        samples_file,
        "--out",
        tmp_path / "out",
        "--character",
        "贝多芬",
        "--language",
        "zh",
        "--alias",
        "老贝",
        "--explain",
        "b",
    )
    assert res.exit_code == 0, res.output
    text = res.output.split("report: ", 1)[1]
    assert "b: rejected by blacklist.assistant_tone" in text
    assert "turn 1: «作为一个AI»，我没有个人观点。" in text and "zh.txt:" in text  # the entry's file and line
    assert "blacklist.assistant_tone" in text.splitlines()[2]
    kept = gate(samples_file, "--out", tmp_path / "out2", "--character", "贝多芬", "--explain", "a")
    assert "a: kept" in kept.output and "no rule fired" in kept.output


def test_explain_an_unknown_id_fails_before_any_output(samples_file, tmp_path):
    res = gate(samples_file, "--out", tmp_path / "out", "--explain", "nope")
    assert res.exit_code == 2 and res.output.strip().splitlines() == [
        "error: --explain: no sample with id 'nope' in the input (3 samples)"
    ]
    assert not (tmp_path / "out").exists()


def test_config_blacklist_files_are_relative_to_the_config(samples_file, tmp_path):
    (tmp_path / "zh.extra.txt").write_text("custom\t奏鸣曲\n", encoding="utf-8")
    cfg = tmp_path / "q.yaml"
    cfg.write_text("blacklist:\n  files: [zh.extra.txt]\n", encoding="utf-8")
    res = gate(samples_file, "--out", tmp_path / "out", "--config", cfg, "--explain", "a")
    assert res.exit_code == 0, res.output
    assert "a: rejected by blacklist.custom" in res.output and "«奏鸣曲»" in res.output
    cfg.write_text("blacklist:\n  files: [missing.txt]\n", encoding="utf-8")
    res = gate(samples_file, "--out", tmp_path / "out3", "--config", cfg)
    assert res.exit_code == 2 and "quality.blacklist.files: no such file" in res.output
