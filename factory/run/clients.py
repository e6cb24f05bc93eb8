"""Every model client factory talks to is built here, so each decision about one is made once.

Roles and where their endpoint comes from:
- generation (`factory run`): flags > recipe `backend:` > environment > the embedded model
  (endpoint.resolve); the local server's settings are decided in factory/run/local.py;
- judge (`factory run`'s `judge:` block, `factory gate --judge-base-url`): the block, then the
  environment; never a local server; none named means the generation engine judges;
- self-sampling (preferences `self_sampled:`): exactly the block, shared cache and books;
- flags (`factory eval` / `chat` `--model URL|local|FILE.gguf`): the URL (model discovered, key
  from a named environment variable) or a local GGUF, one server per GGUF per command.
The structured-output dialect comes from factory.engine.structured's one table, model discovery
from endpoint.discover_model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from factory.engine import Accounting, EndpointSettings, Engine, RequestCache
from factory.engine.local_server import EMBEDDED_MODEL_NAME, embedded_gguf
from factory.recipe import BackendConfig, Recipe, RecipeError
from factory.run import local
from factory.run.endpoint import (
    LocalPlan,
    Overrides,
    discover_model,
    guess_kind,
    judge_target,
    resolve,
    settings_from,
)
from factory.run.rundir import RunDir

if TYPE_CHECKING:
    from factory.stages.preferences import SelfSampledConfig  # typing only

EMBEDDED_WARNING = (
    "Using the embedded {model} on CPU. It only proves that the pipeline runs offline: its text is "
    "nonsense. For real data, point factory at a real model: set OPENAI_BASE_URL / OPENAI_API_KEY, "
    "pass --base-url/--model, or add a `backend:` block to the recipe (see README)."
)


class Client(NamedTuple):
    """An engine and what run.json / eval.json say about its endpoint (never its key)."""

    engine: Engine
    endpoint: dict


def _engine(
    settings: EndpointSettings,
    cache: RequestCache | None,
    accounting: Accounting | None = None,
    transport: local.LazyLocalTransport | None = None,
) -> Engine:
    """The one place an Engine is made; without `accounting` it keeps its own books, at its own prices."""
    return Engine(settings, cache=cache, accounting=accounting, transport=transport)


def _remote(settings: EndpointSettings) -> dict:
    """With several endpoints, the first one's URL and model (the cache key's) and how many there are."""
    out = {"base_url": settings.base_url, "model": settings.model, "kind": settings.kind, "embedded": False}
    if settings.members:
        out["endpoints"] = len(settings.members)
    return out


# -- factory run ----------------------------------------------------------------------------------


def run_clients(
    recipe: Recipe, run: RunDir, overrides: Overrides, log: Callable[[str], None]
) -> tuple[Client, Client]:
    """Generation and judge clients of one run; they share the run's cache (keys name the model)
    but keep their own books. The judge is resolved first: a bad judge block fails before the
    cache opens."""
    judge = judge_target(recipe.judge)
    gen = generation_client(recipe, run, overrides, log)
    if judge is None:
        if recipe.judge is not None:
            log("judge: no endpoint named (judge.base_url, OPENAI_BASE_URL); the generation model judges")
        return gen, Client(gen.engine, dict(gen.endpoint))
    log(f"judge: {judge.model} at {judge.base_url}")
    return gen, Client(_engine(judge, gen.engine.cache), _remote(judge))


def generation_client(
    recipe: Recipe, run: RunDir, overrides: Overrides, log: Callable[[str], None]
) -> Client:
    """The resolved endpoint, or a local server that starts on the first request."""
    target = resolve(recipe.backend, overrides)
    cache = RequestCache(run.cache_file)
    if not isinstance(target, LocalPlan):
        return Client(_engine(target, cache), _remote(target))
    model_path = target.model_path or embedded_gguf()
    settings, transport = local.run_server(
        target, model_path, recipe.backend, overrides, recipe.seed, run.path / "llama_server.log"
    )
    if target.model_path is None:
        log(EMBEDDED_WARNING.format(model=EMBEDDED_MODEL_NAME))
    else:
        log(f"Using local GGUF {model_path} through llama.cpp's server")
    return Client(
        _engine(settings, cache, transport=transport),
        {
            "base_url": "embedded",
            "model": settings.model,
            "kind": "llamacpp",
            "embedded": target.model_path is None,
        },
    )


# -- judges and samplers outside the run's own two ------------------------------------------------


def gate_judge_client(base_url: str, model: str | None, cache_path: Path) -> Engine:
    """`factory gate --judge-base-url`: the same resolution as a recipe's `judge:` block; its own
    cache, opened only once the endpoint resolved."""
    settings = judge_target(BackendConfig(base_url=base_url, model=model, temperature=0.0))
    assert settings is not None  # the block names its base_url
    return _engine(settings, RequestCache(cache_path))


def self_sampling_client(sc: SelfSampledConfig, main: Engine | None) -> Engine:
    """The endpoint serving the model being trained, exactly as the block names it (no environment,
    no discovery); free text, so no structured output. Its requests go into the run's cache and books."""
    backend = BackendConfig(
        base_url=sc.base_url,
        model=sc.model,
        temperature=sc.temperature,
        max_tokens=sc.max_tokens,
        concurrency=sc.concurrency,
        timeout=sc.timeout,
        structured="none",
    )
    key = sc.api_key.get_secret_value() if sc.api_key else None
    settings = settings_from(
        backend, base_url=sc.base_url, model=sc.model, api_key=key, kind=guess_kind(sc.base_url)
    )
    return _engine(settings, main.cache if main else None, main.accounting if main else None)


# -- factory eval / chat: --model URL|local|FILE.gguf ---------------------------------------------


@dataclass
class Role:
    """One endpoint a command asks for by flag: `flag` names it in error messages (`--judge`, ...)."""

    flag: str
    spec: str
    name: str | None = None
    key_env: str = "OPENAI_API_KEY"
    params: dict = field(default_factory=dict)
    concurrency: int = 8
    parse_retries: int = 1


def flag_client(
    role: Role,
    cache: RequestCache | None,
    servers: dict[Path, local.LazyLocalTransport],
    log_dir: Path | None,
    log: Callable[[str], None],
) -> Client:
    """A URL, or a GGUF whose server (in `servers`, one per file) is shared by every role naming it."""
    spec = role.spec.strip()
    if spec.startswith(("http://", "https://")):
        key = os.environ.get(role.key_env) or None
        kind = guess_kind(spec)
        model = role.name or (
            "gpt-4o-mini"
            if kind == "openai"
            else discover_model(spec, key, f"{role.flag}: no model name given")
        )
        settings = EndpointSettings(
            base_url=spec,
            model=model,
            api_key=key,
            kind=kind,
            structured="auto",
            concurrency=role.concurrency,
            parse_retries=role.parse_retries,
            params=dict(role.params),
        )
        return Client(_engine(settings, cache), {"base_url": spec, "model": model, "kind": kind})
    path = _gguf(role, spec, log)
    if path not in servers:
        servers[path] = local.flag_server(path, log_dir / "llama_server.log" if log_dir else None)
    settings = local.flag_settings(path, role.params, role.parse_retries)
    return Client(
        _engine(settings, cache, transport=servers[path]),
        {"base_url": "local", "model": path.stem, "kind": "llamacpp", "gguf": str(path)},
    )


def _gguf(role: Role, spec: str, log: Callable[[str], None]) -> Path:
    if spec == "local":
        path = embedded_gguf()
        log(f"{role.flag}: the embedded {EMBEDDED_MODEL_NAME} on CPU (proves the plumbing, not quality)")
        return path
    path = Path(spec).expanduser()
    if path.suffix.lower() != ".gguf" and not path.is_file():
        raise RecipeError(f"{role.flag}: expected an http(s) URL, `local` or a .gguf file, got {spec!r}")
    if not path.is_file():
        raise RecipeError(f"{role.flag}: no such GGUF file: {path}")
    return path.resolve()
