"""The run directory's files: a full disk, stale temp files, the lock file, compacted failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factory.recipe import RecipeError
from factory.records import DiskFull, write_jsonl_atomic
from factory.run.lock import LOCK_NAME, RunLock
from factory.run.rundir import RunDir
from factory.secrets import register
from tests.disks import fill, tmpfs


@pytest.fixture
def tiny_disk(tmp_path):
    with tmpfs(tmp_path / "disk", "512k") as disk:
        yield disk


def whole_lines(path: Path) -> list[str]:
    data = path.read_text(encoding="utf-8") if path.exists() else ""
    assert data == "" or data.endswith("\n"), f"torn last line in {path}"
    return data.splitlines()


def test_disk_full_keeps_every_file_whole_and_resumes(tiny_disk):
    rd = RunDir(tiny_disk / "run").prepare()
    stage = rd.stage_file("scenes")
    rd.append("scenes", [{"id": "a", "text": "x" * 100}])
    rd.mark_done("scenes", "req-a")
    rd.write_run_json({"status": "ok"})
    before = stage.read_bytes()
    filler = fill(tiny_disk)

    big = [{"id": f"b{i}", "text": "y" * 3000} for i in range(10)]
    with pytest.raises(DiskFull) as err:
        rd.append("scenes", big)
    assert str(err.value) == f"{stage}: no space left on device; free space and run again to resume"
    assert stage.read_bytes() == before  # no torn or partial line left behind

    with pytest.raises(DiskFull, match="scenes.done: no space left on device"):
        for i in range(5000):  # the done-log's last page fills up within a few dozen ids
            rd.mark_done("scenes", f"req-{i:06d}-" + "z" * 50)
    done = whole_lines(rd.path / ".progress" / "scenes.done")
    assert done[0] == "req-a" and all(d.endswith("z" * 50) for d in done[1:])

    with pytest.raises(DiskFull, match="scenes.jsonl: no space left"):
        write_jsonl_atomic(stage, big)
    assert stage.read_bytes() == before  # the old file stands
    with pytest.raises(DiskFull, match="run.json: no space left"):
        rd.write_run_json({"status": "ok", "pad": "p" * 20000})
    assert json.loads(rd.run_json.read_text()) == {"status": "ok"}
    assert not list(rd.path.rglob("*.tmp"))  # temp files are removed on failure

    filler.unlink()  # space is back: the next run resumes from what is there
    rd = RunDir(rd.path).prepare()
    assert rd.append("scenes", big) == 10
    assert [o["id"] for o in rd.finalize("scenes")] == ["a"] + sorted(f"b{i}" for i in range(10))
    assert rd.done_ids("scenes") == set(done)


def test_check_accepts_a_dir_that_holds_only_the_lock(tmp_path):
    out = tmp_path / "run"
    with RunLock(out, "factory run"):
        RunDir(out).check()  # the lock comes before the marker: not foreign content
        rd = RunDir(out).prepare()
        assert (out / ".factory-run").exists()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / LOCK_NAME).write_text("")
    (tmp_path / "mine" / "notes.txt").write_text("a user's file")
    with pytest.raises(RecipeError, match="not a factory run directory"):
        RunDir(tmp_path / "mine").check()
    assert rd.path == out


def test_fresh_keeps_the_lock_it_runs_under(tmp_path):
    out = tmp_path / "run"
    with RunLock(out, "factory run"):
        rd = RunDir(out).prepare()
        rd.append("scenes", [{"id": "a"}])
        RunDir(out).prepare(fresh=True)
        assert not rd.stage_file("scenes").exists() and (out / LOCK_NAME).exists()
        other = subprocess.run(
            [sys.executable, "-c", f"from factory.run.lock import RunLock; RunLock({str(out)!r}).acquire()"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode != 0 and f"pid {os.getpid()}" in other.stderr  # the same lock, still held


def test_prepare_removes_our_stale_temp_files_only(tmp_path):
    rd = RunDir(tmp_path / "run").prepare()
    (rd.path / ".progress").mkdir()
    ours = [
        rd.path / ".scenes.jsonl.k3j2h1.tmp",
        rd.path / "scenes.jsonl.tmp",
        rd.path / "run.tmp",
        rd.path / ".progress" / ".scenes.done.a8b7c6.tmp",
    ]
    for p in ours:
        p.write_text("half a file from a killed process")
    other = rd.path / "notes.tmp"
    other.write_text("not a name factory writes")
    rd.prepare()
    assert [p for p in ours if p.exists()] == [] and other.exists()


def test_atomic_writes_never_share_a_temp_name(tmp_path):
    path = tmp_path / "scenes.jsonl"
    legacy = tmp_path / "scenes.jsonl.tmp"  # what another (older) writer would be filling right now
    legacy.write_text("another process's half-written file")
    assert write_jsonl_atomic(path, [{"id": "a"}]) == 1
    assert legacy.read_text() == "another process's half-written file"
    assert path.read_text() == '{"id": "a"}\n'
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_failures_compact_to_the_latest_standing_one_per_id(tmp_path):
    register("secret-value-0123456789")
    rd = RunDir(tmp_path / "run").prepare()
    for reason in ("timeout", "parse"):
        rd.record_failure("scenes", "req-1", reason, "detail with secret-value-0123456789")
        rd.record_failure("scenes", "req-2", reason, None)
        rd.record_failure("cards", "req-1", reason, None)
    rd.mark_done("scenes", "req-2")  # succeeded on a later try
    standing = rd.compact_failures()
    assert [(f["stage"], f["id"], f["reason"]) for f in standing] == [
        ("cards", "req-1", "parse"),
        ("scenes", "req-1", "parse"),
    ]
    text = rd.failures_file.read_text()
    assert len(text.splitlines()) == 2 and "secret-value-0123456789" not in text and "***" in text
    RunDir(rd.path).prepare()  # idempotent
    assert rd.failures_file.read_text() == text


def test_merge_keeps_one_line_per_standing_failure(tmp_path):
    from factory.run.merge import merge_runs

    shards = [RunDir(tmp_path / f"s{i}").prepare() for i in range(2)]
    for rd in shards:
        rd.record_failure("scenes", "req-1", "timeout", None)  # failed in both shards...
        rd.record_failure("scenes", "req-2", "parse", None)
    shards[1].mark_done("scenes", "req-2")  # ...but req-2 was done in the second one
    merge_runs([rd.path for rd in shards], tmp_path / "m")
    merged = [json.loads(x) for x in (tmp_path / "m" / "failures.jsonl").read_text().splitlines()]
    assert [(f["stage"], f["id"]) for f in merged] == [("scenes", "req-1")]
