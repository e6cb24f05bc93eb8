"""Files users hand us (samples for the gate, card JSON/PNG, a cards JSONL to merge into): every bad
one is a one-line error naming file (and line), exit 2, the user's file untouched, memory bounded;
and a run directory given as --out is held by one process at a time."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import zlib

import pytest

from factory.records import append_jsonl
from factory.run.lock import RunLock
from tests.quality.conftest import sample

CARD = {
    "spec": "chara_card_v2",
    "spec_version": "2.0",
    "data": {"name": "Seraphina", "description": "A forest guardian.", "first_mes": "Easy now."},
}

# `factory` in a real process that reports its own peak memory as its last stderr line: VmHWM, the
# high-water mark of this program's memory (ru_maxrss would carry over the forking parent's peak).
PEAK = """
import atexit, re, sys
def peak():
    hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
    sys.stderr.write(f"\\npeak_kib={hwm}\\n")
atexit.register(peak)
from factory.cli import main
main(sys.argv[1:], prog_name="factory")
"""


def factory(*args, script=None):
    cmd = [sys.executable, "-c", script] if script else [sys.executable, "-m", "factory"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, timeout=300)


def one_line_error(res) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in res.stderr, res.stderr
    assert not lines[0].startswith("error: error:")
    return lines[0]


# -- factory gate ---------------------------------------------------------------------------------
GOOD = sample("a", "我今天写了一首新的奏鸣曲，你想听听吗？").model_dump_json()


@pytest.mark.parametrize(
    "bad, why",
    [
        ("this is not json", "not JSON (Expecting value)"),
        ("[1, 2, 3]", "each line must be a JSON object, got list"),
        ('"a string"', "each line must be a JSON object, got str"),
        ('{"id": "x", "type": "experience"}', "character: Field required (not a sample)"),
    ],
)
def test_gate_refuses_a_line_that_is_not_a_sample(tmp_path, bad, why):
    path = tmp_path / "samples.jsonl"
    path.write_text(f"{GOOD}\n\n{bad}\n{GOOD}\n", encoding="utf-8")
    line = one_line_error(factory("gate", path, "--out", tmp_path / "out"))
    assert line.startswith(f"error: {path}:3: ") and why in line
    assert not (tmp_path / "out").exists()


def test_gate_refuses_a_file_of_nothing_but_bad_lines(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("first note\nsecond note\n", encoding="utf-8")
    assert one_line_error(factory("gate", path, "--out", tmp_path / "out")).startswith(
        f"error: {path}:1: not JSON"
    )


def test_gate_accepts_a_utf8_bom(tmp_path):
    path = tmp_path / "samples.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + f"{GOOD}\n".encode())
    res = factory("gate", path, "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    assert "kept 1, rejected 0 of 1 samples" in res.stdout


def test_gate_names_a_binary_file(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(f"{GOOD}\n".encode() + bytes(range(255, -1, -1)) * 4)
    line = one_line_error(factory("gate", path, "--out", tmp_path / "out"))
    assert line.startswith(f"error: {path}:2: not UTF-8 text")


def run_dir_with_samples(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / ".factory-run").write_text("factory run directory\n")
    append_jsonl(run / "samples.jsonl", [sample("a", "我今天写了一首新的奏鸣曲，你想听听吗？")])
    return run


def test_gate_into_a_run_directory_is_refused_while_another_process_holds_it(tmp_path):
    run = run_dir_with_samples(tmp_path)
    with RunLock(run, "factory run"):
        line = one_line_error(factory("gate", run / "samples.jsonl", "--out", run))
    assert f"{run}: in use by factory run (pid {os.getpid()}" in line
    assert not (run / "kept.jsonl").exists()
    assert factory("gate", run / "samples.jsonl", "--out", run).returncode == 0


# -- factory cards import -------------------------------------------------------------------------
def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*chunks: bytes) -> bytes:
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return (
        b"\x89PNG\r\n\x1a\n"
        + ihdr
        + b"".join(chunks)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


CHARA = base64.b64encode(json.dumps(CARD).encode())


def test_compressed_png_cards_import(tmp_path):
    for name, body in (
        ("z.png", chunk(b"zTXt", b"chara\0\0" + zlib.compress(CHARA))),
        ("i.png", chunk(b"iTXt", b"chara\0\1\0en\0\0" + zlib.compress(CHARA))),
        ("t.png", chunk(b"iTXt", b"chara\0\0\0\0\0" + CHARA)),
    ):
        (tmp_path / name).write_bytes(png(chunk(b"tEXt", b"Software\0paint"), body))
        res = factory("cards", "import", tmp_path / name, "--out", tmp_path / f"{name}.jsonl")
        assert res.returncode == 0, res.stderr
        assert json.loads((tmp_path / f"{name}.jsonl").read_text())["name"] == "Seraphina"


@pytest.mark.parametrize(
    "body, why",
    [
        (
            chunk(b"zTXt", b"chara\0\0" + b"this is not zlib data"),
            "zTXt chara chunk: corrupt compressed data",
        ),
        (
            chunk(b"zTXt", b"chara\0\0" + zlib.compress(CHARA)[:40]),
            "zTXt chara chunk: compressed data cut short",
        ),
        (chunk(b"zTXt", b"chara\0"), "zTXt chara chunk: empty"),
        (chunk(b"iTXt", b"chara\0"), "iTXt chara chunk: too short"),
        (chunk(b"iTXt", b"chara\0\1\0en"), "iTXt chara chunk: malformed"),
        (chunk(b"iTXt", b"chara\0\1\0en\0\0garbage"), "iTXt chara chunk: corrupt compressed data"),
        (struct.pack(">I", 5000) + b"tEXtchara\0" + CHARA[:20], "tEXt chara chunk: file cut short"),
    ],
)
def test_a_corrupt_png_chunk_is_one_line_naming_the_file(tmp_path, body, why):
    path = tmp_path / "card.png"
    path.write_bytes(png(body))
    line = one_line_error(factory("cards", "import", path, "--out", tmp_path / "c.jsonl"))
    assert line.startswith(f"error: {path}: ") and why in line
    assert not (tmp_path / "c.jsonl").exists()


def zip_bomb(mib: int) -> bytes:
    """A valid zlib stream of `mib` MiB of base64 'A's in about mib KiB (full-flushed, repeated blocks)."""
    block = b"A" * 2**20
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(mib):
        adler = zlib.adler32(block, adler)
    return b"\x78\xda" + one * mib + c.flush() + struct.pack(">I", adler)


def test_a_zip_bomb_card_is_refused_in_bounded_memory(tmp_path):
    bomb = zip_bomb(256)  # 256 KiB on disk, 256 MiB inflated
    path = tmp_path / "bomb.png"
    path.write_bytes(png(chunk(b"zTXt", b"chara\0\0" + bomb)))
    res = factory("cards", "import", path, "--out", tmp_path / "c.jsonl", script=PEAK)
    *err, peak = res.stderr.strip().splitlines()
    res.stderr = "\n".join(err)
    line = one_line_error(res)
    assert line.startswith(f"error: {path}: zTXt chara chunk: more than 8 MiB once decompressed")
    assert int(peak.split("=")[1]) < 150 * 1024  # KiB; the interpreter and factory alone take about 45 MiB


def test_a_huge_chara_chunk_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(png(chunk(b"tEXt", b"chara\0" + b"A" * (9 * 2**20))))
    line = one_line_error(factory("cards", "import", path, "--out", tmp_path / "c.jsonl"))
    assert line.startswith(f"error: {path}: tEXt chara chunk: ") and "more than a card may have" in line


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "bad, why",
    [
        ("# my notes about these cards", "not JSON"),
        ('{"name": "no id"}', "not a card record: id: Field required"),
        ("[1]", "each line must be a JSON object"),
    ],
)
def test_import_never_rewrites_a_users_jsonl_without_a_line_of_theirs(tmp_path, bad, why):
    (tmp_path / "card.json").write_text(json.dumps(CARD))
    mine = tmp_path / "mine.jsonl"
    assert factory("cards", "import", tmp_path / "card.json", "--out", mine).returncode == 0
    with mine.open("a") as fh:
        fh.write(bad + "\n")
    before = digest(mine)
    other = dict(CARD, data={**CARD["data"], "name": "Mira"})
    (tmp_path / "other.json").write_text(json.dumps(other))
    line = one_line_error(factory("cards", "import", tmp_path / "other.json", "--out", mine))
    assert line.startswith(f"error: {mine}:2: ") and why in line
    assert digest(mine) == before


def test_cards_import_into_a_run_directory_takes_its_lock(tmp_path):
    (tmp_path / "card.json").write_text(json.dumps(CARD))
    run = run_dir_with_samples(tmp_path)
    with RunLock(run, "factory run"):
        line = one_line_error(factory("cards", "import", tmp_path / "card.json", "--out", run))
    assert f"{run}: in use by factory run (pid {os.getpid()}" in line and not (run / "cards.jsonl").exists()
    assert factory("cards", "import", tmp_path / "card.json", "--out", run).returncode == 0
    fresh = tmp_path / "new-run"
    res = factory("cards", "import", tmp_path / "card.json", "--out", fresh)
    assert res.returncode == 0, res.stderr
    assert (fresh / "cards.jsonl").exists() and (fresh / ".factory-run").exists()
    assert factory("cards", "import", tmp_path / "card.json", "--out", fresh).returncode == 0


def test_a_json_card_with_a_bom_imports(tmp_path):
    (tmp_path / "card.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(CARD).encode())
    res = factory("cards", "import", tmp_path / "card.json", "--out", tmp_path / "c.jsonl")
    assert res.returncode == 0, res.stderr
    assert json.loads((tmp_path / "c.jsonl").read_text())["name"] == "Seraphina"
