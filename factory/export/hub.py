"""`factory push`: the export folder, run.json and the recipe to a Hub dataset repo, in one commit.

Every format is its own config through the card's `configs:` metadata, so the files go up as
they are (what was checked locally is what the Hub serves). The token comes from HF_TOKEN only,
is passed to the client in memory, and is scrubbed from any error we print; every failure is
one line, and nothing under the run directory is written. No file holding a secret value (any key
or token `factory.secrets` knows) goes up.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from factory.export.card import redact
from factory.export.exporter import MANIFEST
from factory.export.runinfo import read_run_json
from factory.secrets import find_secret, known

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[A-Za-z0-9][\w.\-]*$")
TOKEN_HELP = (
    "HF_TOKEN is not set: create a write token at https://huggingface.co/settings/tokens and export HF_TOKEN"
)


class PushError(ValueError):
    """One line for the user; never contains the token."""


def files_to_push(run_dir: Path) -> list[tuple[Path | bytes, str]]:
    """(file or content, path in repo): the export folder, run.json, and the recipe (redacted) if export has none."""
    export = run_dir / "export"
    if not (export / MANIFEST).is_file() or not (export / "README.md").is_file():
        raise PushError(f"{run_dir}: no export to push (run `factory export {run_dir}` first)")
    files: list[tuple[Path | bytes, str]] = [(f, f.name) for f in sorted(export.iterdir()) if f.is_file()]
    if (run_dir / "run.json").is_file():
        files.append((run_dir / "run.json", "run.json"))
    named = read_run_json(run_dir).get("recipe")
    if not (export / "recipe.yaml").exists() and named and Path(named).is_file():
        files.append((redact(Path(named).read_text(encoding="utf-8")).encode(), "recipe.yaml"))
    return files


def holds_secret(content: Path | bytes, block: int = 1 << 20) -> bool:
    """Does the file hold any secret value in play (`factory.secrets`)? Read in blocks that overlap by
    the longest secret, so memory stays bounded and no value is missed at a block's edge."""
    if isinstance(content, bytes):
        return find_secret(content.decode("utf-8", "replace")) is not None
    overlap = max((len(v.encode()) for v in known()), default=0)
    tail = b""
    with content.open("rb") as fh:
        while data := fh.read(block):
            buf = tail + data
            if find_secret(buf.decode("utf-8", "replace")) is not None:
                return True
            tail = buf[-overlap:] if overlap else b""
    return False


def _scrub(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def push_run(
    run_dir: Path,
    repo: str,
    *,
    private: bool = False,
    revision: str | None = None,
    check: bool = True,
    endpoint: str | None = None,
    api=None,
) -> str:
    """Upload; returns the commit URL. Raises PushError (one line) on any failure."""
    token = (os.environ.get("HF_TOKEN") or "").strip()
    if not token:
        raise PushError(TOKEN_HELP)
    if not REPO_ID.match(repo):
        raise PushError(f"--repo: expected OWNER/NAME, got {repo!r}")
    run_dir = Path(run_dir)
    files = files_to_push(run_dir)
    for content, name in files:
        if holds_secret(content):
            raise PushError(
                f"{name}: contains a secret (the value of an API key or token set here, "
                "e.g. HF_TOKEN); refusing to upload it"
            )
    if check:
        from factory.export.check import check_loadable

        check_loadable(run_dir / "export")
    try:
        return _upload(api, endpoint, token, repo, files, private, revision)
    except PushError:
        raise
    except Exception as exc:  # noqa: BLE001 - sorted into one-line reasons below
        raise PushError(_scrub(_reason(exc, repo), token)) from None


def _upload(api, endpoint, token, repo, files, private, revision) -> str:
    from huggingface_hub import CommitOperationAdd, HfApi

    api = api or HfApi(endpoint=endpoint, token=token)
    api.create_repo(repo, repo_type="dataset", private=True if private else None, exist_ok=True, token=token)
    if private:
        info = api.repo_info(repo, repo_type="dataset", token=token)
        if info.private is False:
            raise PushError(
                f"{repo} already exists and is public: --private cannot make this push private "
                "(make the repo private on the Hub, or push without --private)"
            )
    if revision:
        api.create_branch(repo, branch=revision, repo_type="dataset", exist_ok=True, token=token)
    ops = [
        CommitOperationAdd(path_in_repo=name, path_or_fileobj=c if isinstance(c, bytes) else str(c))
        for c, name in files
    ]
    info = api.create_commit(
        repo,
        ops,
        commit_message="factory push: formats, card, recipe, run.json",
        repo_type="dataset",
        revision=revision,
        token=token,
    )
    return str(getattr(info, "commit_url", "") or f"{repo}@{revision or 'main'}")


def _reason(exc: Exception, repo: str) -> str:
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(exc, OfflineModeIsEnabled):
        return "HF_HUB_OFFLINE is set: unset it to push to the Hub"
    if isinstance(exc, HfHubHTTPError):
        status = getattr(getattr(exc, "response", None), "status_code", None)
        why = {
            401: "the token was not accepted",
            403: "the token may not write there",
            404: "no such repo or no access",
        }.get(status, _first_line(exc))
        return f"the Hub refused the push to {repo} (HTTP {status}): {why}"
    return f"could not reach the Hub to push {repo}: {type(exc).__name__}: {_first_line(exc)}"
