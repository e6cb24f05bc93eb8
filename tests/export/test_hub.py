"""`factory push` against a local stand-in for the Hub's HTTP API; the token never lands anywhere."""

from __future__ import annotations

import hashlib
import json
import socket

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.export.exporter import export_run

from .hub_standin import HubStandIn

TOKEN = "hf_test_0123456789abcdefSECRET"


def _snapshot(root):
    return {
        p.relative_to(root): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def exported(run_dir):
    export_run(run_dir, log=lambda m: None)
    return run_dir


@pytest.fixture
def hub(monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(
        constants, "HF_HUB_OFFLINE", False
    )  # tests/conftest sets it; this test talks to 127.0.0.1
    monkeypatch.setenv("HF_TOKEN", TOKEN)

    def start(**kw):
        srv = HubStandIn(TOKEN, **kw).__enter__()
        monkeypatch.setattr(constants, "ENDPOINT", srv.url)
        started.append(srv)
        return srv

    started: list[HubStandIn] = []
    yield start
    for srv in started:
        srv.__exit__()


def _push(run_dir, *args):
    return CliRunner().invoke(main, ["push", str(run_dir), *args])


def test_push_uploads_every_format_card_recipe_and_run_json(exported, hub):
    srv = hub()
    before = _snapshot(exported)
    res = _push(exported, "--repo", "anna/keller-rp", "--private", "--revision", "v1")
    assert res.exit_code == 0, res.output
    repo = srv.repos["anna/keller-rp"]
    assert repo["type"] == "dataset" and repo["private"] is True
    files = repo["files"]["v1"]
    local = {p.name for p in (exported / "export").iterdir()}
    assert set(files) == local | {"run.json"}
    assert {"README.md", "dataset_info.json", "openai.train.jsonl", "dpo.train.jsonl"} <= set(files)
    assert files["openai.jsonl"] == (exported / "export" / "openai.jsonl").read_bytes()
    assert [c["config_name"] for c in srv.validated[0]["configs"]][:3] == ["sharegpt", "alpaca", "openai"]
    assert all(auth == f"Bearer {TOKEN}" for _, _, auth in srv.requests)
    assert ("POST", "/api/datasets/anna/keller-rp/branch/v1") in {(m, p) for m, p, _ in srv.requests}
    assert _snapshot(exported) == before
    assert TOKEN not in res.output


def test_no_token_is_one_line_and_touches_nothing(exported, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    before = _snapshot(exported)
    res = _push(exported, "--repo", "anna/x")
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [res.output.strip()]
    assert res.output.startswith("error: HF_TOKEN is not set")
    assert _snapshot(exported) == before


def test_refused_repo_is_one_line(exported, hub):
    hub(refuse=True)
    before = _snapshot(exported)
    res = _push(exported, "--repo", "someone-else/x", "--no-check")
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1
    assert "the Hub refused the push to someone-else/x (HTTP 403)" in res.output
    assert TOKEN not in res.output and _snapshot(exported) == before


def test_network_error_is_one_line(exported, monkeypatch):
    from huggingface_hub import constants

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    before = _snapshot(exported)
    res = _push(exported, "--repo", "anna/x", "--no-check")
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1
    assert res.output.startswith("error: could not reach the Hub to push anna/x")
    assert TOKEN not in res.output and _snapshot(exported) == before


def test_existing_public_repo_is_not_pushed_as_private(exported, hub):
    srv = hub()
    srv.repos["anna/pub"] = {"type": "dataset", "private": False, "files": {}}
    res = _push(exported, "--repo", "anna/pub", "--private", "--no-check")
    assert res.exit_code == 2 and "already exists and is public" in res.output
    assert srv.repos["anna/pub"]["files"] == {}


def test_offline_mode_and_missing_export_are_explained(run_dir, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    res = _push(run_dir, "--repo", "anna/x")
    assert res.exit_code == 2 and "no export to push" in res.output
    export_run(run_dir, log=lambda m: None)
    res = _push(run_dir, "--repo", "anna/x", "--no-check")  # HF_HUB_OFFLINE=1 from tests/conftest
    assert res.exit_code == 2 and "HF_HUB_OFFLINE is set" in res.output


def test_a_file_holding_the_token_is_never_uploaded(exported, hub):
    srv = hub()
    (exported / "run.json").write_text(json.dumps({"oops": TOKEN}))
    res = _push(exported, "--repo", "anna/x", "--no-check")
    assert res.exit_code == 2 and "run.json: contains a secret" in res.output and TOKEN not in res.output
    assert srv.requests == []


API_KEY = "sk-live-0123456789abcdef0123"


@pytest.mark.parametrize("where", ["export/README.md", "export/openai.train.jsonl", "run.json"])
def test_a_file_holding_any_secret_is_never_uploaded(exported, hub, monkeypatch, where):
    """Any secret value in play (here an API key in the environment), in any file, stops the push."""
    srv = hub()
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    path = exported / where
    pad = (1 << 20) - path.stat().st_size - 5  # the key straddles the 1 MiB block edge of the scan
    with path.open("a") as fh:
        fh.write("x" * pad + f"{API_KEY}\n")
    before = _snapshot(exported)
    res = _push(exported, "--repo", "anna/x", "--no-check")
    assert res.exit_code == 2 and res.output.strip().splitlines() == [
        f"error: {path.name}: contains a secret (the value of an API key or token set here, e.g. HF_TOKEN); "
        "refusing to upload it"
    ]
    assert API_KEY not in res.output and TOKEN not in res.output
    assert srv.requests == [] and _snapshot(exported) == before


def test_the_token_is_written_nowhere_in_the_run_dir(exported, hub):
    hub()
    assert _push(exported, "--repo", "anna/y", "--no-check").exit_code == 0
    for p in exported.rglob("*"):
        if p.is_file():
            assert TOKEN.encode() not in p.read_bytes(), p


def test_recipe_named_by_run_json_goes_up_redacted(exported, hub, write_recipe):
    srv = hub()
    path = write_recipe("""\
        name: anna
        character: {name: Anna Keller, profile: {file: profile.md}}
        backend: {api_key: sk-literal}
        """)
    (exported / "run.json").write_text(json.dumps({"recipe": str(path)}))
    assert _push(exported, "--repo", "anna/z", "--no-check").exit_code == 0
    recipe = srv.repos["anna/z"]["files"]["main"]["recipe.yaml"].decode()
    assert "name: anna" in recipe and "sk-literal" not in recipe
