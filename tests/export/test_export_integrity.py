"""An interrupted export is simply redone: kill -9 and a full disk leave the old export (or none),
never a half one that wedges every later export; a second process is refused; ungated or corrupt
inputs are one-line errors naming file and line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from factory.run.lock import RunLock
from tests.disks import tmpfs

# A real `factory export` that kill -9s itself at its Nth data file, with half that file written.
DIES_AT = """
import os, signal, sys
import factory.export.exporter as ex
real, seen = ex.write_jsonl_atomic, []
def dying(path, rows):
    seen.append(path)
    if len(seen) == int(os.environ["DIE_AT"]):
        path.write_text('{"conversations": [{"from": "hum')
        os.kill(os.getpid(), signal.SIGKILL)
    return real(path, rows)
ex.write_jsonl_atomic = dying
from factory.cli import main
main(sys.argv[1:], prog_name="factory")
"""


def factory(*args, env=None, script=None):
    cmd = [sys.executable, "-c", script] if script else [sys.executable, "-m", "factory"]
    return subprocess.run(
        [*cmd, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def snapshot(folder):
    """Every file's bytes, with the export's own timestamp blanked (two clean exports differ only there)."""
    if not folder.exists():
        return None
    stamp = (
        json.loads((folder / "export.json").read_text())["created_at"]
        if (folder / "export.json").exists()
        else "~"
    )
    return {p.name: p.read_bytes().replace(stamp.encode(), b"<created_at>") for p in sorted(folder.iterdir())}


def siblings(run_dir):
    return sorted(p.name for p in run_dir.iterdir() if p.name.startswith(".export."))


@pytest.fixture
def clean(run_dir, tmp_path):
    """What an uninterrupted export of the same run writes (same folder name, so the same dataset name)."""
    twin = tmp_path / "twin" / run_dir.name
    shutil.copytree(run_dir, twin)
    res = factory("export", twin)
    assert res.returncode == 0, res.stderr
    return snapshot(twin / "export")


def test_kill_9_mid_export_is_redone_by_the_next_export(run_dir, clean):
    res = factory("export", run_dir, env={"DIE_AT": "4"}, script=DIES_AT)
    assert res.returncode == -9
    assert not (run_dir / "export").exists()  # no half export in place
    assert len(siblings(run_dir)) == 1  # the dead builder's folder, ours to clean
    res = factory("export", run_dir)
    assert res.returncode == 0, res.stderr
    assert snapshot(run_dir / "export") == clean
    assert siblings(run_dir) == []


def test_kill_9_during_a_re_export_keeps_the_old_export_whole(run_dir, clean):
    assert factory("export", run_dir).returncode == 0
    before = snapshot(run_dir / "export")
    for die_at in ("1", "9"):
        assert (
            factory("export", run_dir, "--style", "quote", env={"DIE_AT": die_at}, script=DIES_AT).returncode
            == -9
        )
        assert snapshot(run_dir / "export") == before
    res = factory("export", run_dir)
    assert res.returncode == 0, res.stderr
    assert snapshot(run_dir / "export") == clean and siblings(run_dir) == []


def test_a_wedged_export_from_before_is_redone(run_dir, clean):
    """What a killed export used to leave: our files, no manifest. The run's own export/ is ours."""
    wedged = run_dir / "export"
    wedged.mkdir()
    (wedged / "sharegpt.jsonl").write_text('{"conversations": []}\n')
    (wedged / "openai.jsonl.tmp").write_text('{"messages": [')
    res = factory("export", run_dir)
    assert res.returncode == 0, res.stderr
    assert snapshot(run_dir / "export") == clean


def test_a_folder_the_user_owns_is_still_refused(run_dir, tmp_path):
    for folder in (tmp_path / "mine", run_dir / "export"):
        folder.mkdir()
        (folder / "notes.txt").write_text("keep me")
        res = factory("export", run_dir, *(["--out", folder] if folder.name == "mine" else []))
        assert res.returncode == 2 and res.stderr.strip() == (
            f"error: {folder}: not empty and not a factory export folder (refusing to overwrite)"
        )
        assert [p.name for p in folder.iterdir()] == ["notes.txt"] and (
            folder / "notes.txt"
        ).read_text() == "keep me"


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MiB tmpfs (needs root, as on the project's machines)."""
    with tmpfs(tmp_path / "disk", "8m") as disk:
        yield disk


def fill(disk, leave: int):
    """Fill the disk, then free `leave` bytes."""
    filler = disk / "filler"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    with filler.open("r+b") as fh:
        fh.truncate(max(filler.stat().st_size - leave, 0))
    return filler


def test_full_disk_names_the_file_and_keeps_the_old_export(run_dir, small_disk, clean):
    run = small_disk / run_dir.name
    shutil.copytree(run_dir, run)
    assert factory("export", run).returncode == 0
    before = snapshot(run / "export")
    filler = fill(small_disk, leave=96 * 1024)  # room for some of the files, not all
    res = factory("export", run, "--style", "quote")
    assert res.returncode == 2
    assert re.fullmatch(
        rf"error: {re.escape(str(run / 'export'))}/[\w.]+: no space left on device\n", res.stderr
    )
    assert snapshot(run / "export") == before and siblings(run) == []  # the failed build is gone too
    filler.unlink()
    res = factory("export", run)
    assert res.returncode == 0, res.stderr
    assert snapshot(run / "export") == clean


def test_a_second_process_is_refused_at_once(run_dir):
    with RunLock(run_dir, "factory run"):
        res = factory("export", run_dir)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert f"in use by factory run (pid {os.getpid()}" in res.stderr
    assert not (run_dir / "export").exists()
    assert factory("export", run_dir).returncode == 0


def test_ungated_samples_are_refused_unless_asked_for(run_dir, write_recipe):
    (run_dir / "kept.jsonl").rename(run_dir / "samples.jsonl")
    res = factory("export", run_dir)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert res.stderr.startswith(f"error: {run_dir / 'kept.jsonl'}: missing: the recipe has a quality gate")
    assert "--ungated" in res.stderr and not (run_dir / "export").exists()
    res = factory("export", run_dir, "--ungated")
    assert res.returncode == 0, res.stderr
    assert json.loads((run_dir / "export" / "export.json").read_text())["source"] == "samples.jsonl"
    ungated_recipe = write_recipe("""\
        name: anna
        character: {name: Anna Keller, profile: {file: profile.md}}
        quality: null
        """)
    res = factory("export", run_dir, "--recipe", ungated_recipe)
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize(
    "bad, why",
    [
        ('{"id": "smp-torn", "type": "experi\n', "not JSON"),
        ("[1, 2]\n", "each line must be a JSON object, got list"),
        ('{"id": "smp-x", "type": "experience"}\n', "character: Field required"),
    ],
)
def test_a_bad_line_inside_kept_is_an_error_naming_file_and_line(run_dir, bad, why):
    kept = run_dir / "kept.jsonl"
    lines = kept.read_text().splitlines(keepends=True)
    kept.write_text("".join(lines[:3] + [bad] + lines[3:]))
    res = factory("export", run_dir)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert res.stderr.startswith(f"error: {kept}:4: ") and why in res.stderr
    assert not (run_dir / "export").exists()


def test_a_torn_tail_of_kept_is_an_error_but_of_samples_it_is_a_kill(run_dir):
    kept = run_dir / "kept.jsonl"
    n = len(kept.read_text().splitlines())
    with kept.open("a") as fh:
        fh.write('{"id": "smp-half", "ty')
    res = factory("export", run_dir)
    assert res.returncode == 2 and f"{kept}:{n + 1}: not JSON" in res.stderr and "no newline" in res.stderr
    kept.rename(run_dir / "samples.jsonl")  # appended by the stages: a kill mid-append tears the tail
    res = factory("export", run_dir, "--ungated")
    assert res.returncode == 0, res.stderr
    assert json.loads((run_dir / "export" / "export.json").read_text())["counts"]["samples"] == n


def test_what_the_user_put_into_an_export_stays(run_dir, tmp_path):
    assert factory("export", run_dir).returncode == 0
    export = run_dir / "export"
    (export / "notes.txt").write_text("my notes")
    (export / "configs").mkdir()
    (export / "configs" / "sft.yaml").write_text("stage: sft\n")
    assert factory("export", run_dir, "--format", "openai").returncode == 0
    assert (export / "notes.txt").read_text() == "my notes"
    assert (export / "configs" / "sft.yaml").read_text() == "stage: sft\n"
    assert not (export / "sharegpt.jsonl").exists()  # a file of the old export that the new one lacks
    linked = tmp_path / "elsewhere"
    linked.symlink_to(export)
    assert factory("export", run_dir, "--out", linked).returncode == 0
    assert linked.is_symlink() and (linked / "sharegpt.jsonl").exists() and (linked / "notes.txt").exists()


def test_without_an_atomic_swap_the_two_rename_fallback_replaces_the_export(run_dir, monkeypatch):
    """Where renameat2(RENAME_EXCHANGE) is missing (not Linux, some file systems)."""
    from factory.export import folder
    from factory.export.exporter import export_run, settings_for

    export_run(run_dir, settings=settings_for(None, ["openai"]), log=lambda m: None)
    monkeypatch.setattr(folder, "_exchange", lambda a, b: False)
    m = export_run(run_dir, log=lambda m: None)
    assert (
        json.loads((run_dir / "export" / "export.json").read_text())["formats"] == m["formats"] != ["openai"]
    )
    assert (run_dir / "export" / "sharegpt.jsonl").exists() and siblings(run_dir) == []
