"""Which model to talk to: flags, then the recipe's backend block, then the environment, then embedded.

Returns either settings for a remote OpenAI-compatible endpoint, or a plan to start the local
llama.cpp server (the embedded SmolLM2, or any GGUF the user names).

Every base URL, whichever source gave it, must be http(s) without credentials in it (the key
goes in `api_key`, sent as a header), and every key in use is registered with factory.secrets,
so neither can reach run.json, a log line or an upload.
"""

from __future__ import annotations

import dataclasses
import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from factory import secrets
from factory.engine import EndpointSettings, Prices
from factory.engine.structured import structured_mode
from factory.recipe import BackendConfig, RecipeError
from factory.urls import check_base_url


@dataclass
class Overrides:
    """Command-line flags; None means "not given"."""

    base_url: str | None = None
    model: str | None = None
    local_model: Path | None = None
    concurrency: int | None = None


@dataclass
class LocalPlan:
    model_path: Path | None  # None: the embedded model
    n_ctx: int
    n_threads: int | None


def guess_kind(base_url: str) -> str:
    u = base_url.lower()
    if "api.openai.com" in u:
        return "openai"
    if "deepseek" in u:
        return "deepseek"
    if ":11434" in u or "ollama" in u:
        return "ollama"
    return "other"


def discover_model(base_url: str, api_key: str | None, missing: str) -> str:
    """The first model `GET {base_url}/models` lists; `missing` starts the error when it lists none
    ("backend.model: not given", "--judge: no model name given")."""
    req = urllib.request.Request(base_url.rstrip("/") + "/models")
    if api_key:
        req.add_header("Authorization", f"Bearer {api_key}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            data = json.loads(resp.read())
        return data["data"][0]["id"]
    except Exception as exc:
        raise RecipeError(f"{missing} and {base_url}/models did not name one ({exc})") from None


def resolve(
    backend: BackendConfig,
    flags: Overrides | None = None,
    env: dict[str, str] | None = None,
    block: str = "backend",
) -> EndpointSettings | LocalPlan:
    """`block` names the recipe block in errors (the judge resolves through here too)."""
    flags = flags or Overrides()
    env = dict(os.environ) if env is None else env
    secrets.register_environment(env)
    if flags.local_model is not None:
        return LocalPlan(flags.local_model, *_local_args(backend))
    base_url = _checked(flags.base_url, "--base-url") or backend.base_url
    api_key = backend.api_key.get_secret_value() if backend.api_key else None
    secrets.register(api_key)
    if base_url is None and backend.endpoints:
        return _fleet(backend, flags, env, block)
    if base_url is None and backend.local is not None:
        return LocalPlan(backend.local.model_path, backend.local.n_ctx, backend.local.n_threads)
    if base_url is None:
        base_url = _checked(env.get("OPENAI_BASE_URL"), "OPENAI_BASE_URL")
        if base_url is None and env.get("OPENAI_API_KEY"):
            base_url = "https://api.openai.com/v1"
    if base_url is None:
        return LocalPlan(None, *_local_args(backend))
    api_key = api_key or env.get("OPENAI_API_KEY")
    kind = backend.kind if backend.kind != "auto" else guess_kind(base_url)
    model = flags.model or backend.model or env.get("OPENAI_MODEL") or env.get("FACTORY_MODEL")
    if model is None:
        model = (
            "gpt-4o-mini"
            if kind == "openai"
            else discover_model(base_url, api_key, f"{block}.model: not given")
        )
    return settings_from(backend, base_url=base_url, model=model, api_key=api_key, kind=kind, flags=flags)


def _fleet(backend: BackendConfig, flags: Overrides, env: dict[str, str], block: str) -> EndpointSettings:
    """`endpoints:` as one EndpointSettings whose members are the endpoints (factory/engine/router.py):
    each resolved like a lone base_url, with the block's fields as defaults."""
    members = []
    for i, ep in enumerate(backend.endpoints or []):
        key = ep.api_key.get_secret_value() if ep.api_key else None
        secrets.register(key)
        solo = backend.model_copy(
            update={
                "endpoints": None,
                "base_url": ep.base_url,
                "model": ep.model or backend.model,
                "api_key": ep.api_key or backend.api_key,
                "concurrency": ep.concurrency or backend.concurrency,
                "prices": ep.prices or backend.prices,
            }
        )
        member = resolve(
            solo, Overrides(model=flags.model, concurrency=flags.concurrency), env, f"{block}.endpoints[{i}]"
        )
        assert isinstance(member, EndpointSettings)  # it names its base_url
        member.weight = ep.weight
        members.append(member)
    first = members[0]
    total = sum(m.concurrency for m in members)
    return dataclasses.replace(first, concurrency=total, members=members)


def _checked(url: str | None, where: str) -> str | None:
    """A URL from a flag or the environment passes the same check as one in a recipe."""
    if url is None:
        return None
    try:
        return check_base_url(url)
    except ValueError as exc:
        raise RecipeError(f"{where}: {exc}") from None


def judge_target(judge: BackendConfig | None, env: dict[str, str] | None = None) -> EndpointSettings | None:
    """The judge's own endpoint, or None to judge with the generation engine.

    Same precedence as the backend minus flags and the local server: the block, then
    OPENAI_BASE_URL / OPENAI_API_KEY. Nothing naming an endpoint means "no separate judge",
    so a run never starts a second llama.cpp server just to judge.
    """
    if judge is None:
        return None
    if judge.local is not None:  # the recipe refuses it too; no caller may slip one through
        raise RecipeError(
            "judge.local: a judge needs an endpoint (base_url); leave judge out to judge "
            "with the local generation model"
        )
    if "temperature" not in judge.model_fields_set:
        judge = judge.model_copy(update={"temperature": 0.0})  # a verdict should not be a dice roll
    target = resolve(judge, Overrides(), env, block="judge")
    return target if isinstance(target, EndpointSettings) else None


def _local_args(backend: BackendConfig) -> tuple[int, int | None]:
    if backend.local is not None:
        return backend.local.n_ctx, backend.local.n_threads
    return 4096, None


def settings_from(
    backend: BackendConfig,
    *,
    base_url: str,
    model: str,
    api_key: str | None,
    kind: str,
    flags: Overrides | None = None,
) -> EndpointSettings:
    flags = flags or Overrides()
    params: dict = {"temperature": backend.temperature, "max_tokens": backend.max_tokens}
    if backend.top_p is not None:
        params["top_p"] = backend.top_p
    if backend.seed is not None:
        params["seed"] = backend.seed
    prices = (
        Prices(backend.prices.input_per_million, backend.prices.output_per_million)
        if backend.prices
        else Prices()
    )
    return EndpointSettings(
        base_url=base_url,
        model=model,
        api_key=api_key,
        kind=kind,
        structured=structured_mode(kind, backend.structured),
        transport=backend.transport,
        concurrency=flags.concurrency or backend.concurrency,
        requests_per_minute=backend.requests_per_minute,
        tokens_per_minute=backend.tokens_per_minute,
        timeout=backend.timeout,
        max_retries=backend.max_retries,
        parse_retries=backend.parse_retries,
        abort_after=backend.abort_after,
        params=params,
        prices=prices,
    )
