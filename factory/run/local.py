"""The local llama.cpp server as a model client, with every setting it runs under decided here.

Two callers start one: `factory run` (the embedded SmolLM2 or the recipe's GGUF, when nothing
names an endpoint) and `factory eval`/`chat` (`--model local|FILE.gguf`). Either way the server
starts on the first request only, so a fully cached re-run starts nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from factory.engine import EndpointSettings
from factory.engine.local_server import LocalServer, free_port
from factory.engine.structured import structured_mode
from factory.engine.transport import make_transport
from factory.recipe import BackendConfig
from factory.run.endpoint import LocalPlan, Overrides, settings_from

# A CPU generation of a long JSON reply can take minutes.
RUN_TIMEOUT = 900.0
# `factory eval` / `chat` (`--model local`): what each request may take, and connections to it.
FLAG_TIMEOUT, FLAG_CONNECTIONS, FLAG_CTX = 600.0, 2, 4096


class LazyLocalTransport:
    """Starts the local llama.cpp server on the first request only, so a fully cached re-run needs none."""

    def __init__(self, server: LocalServer, timeout: float, max_connections: int):
        self.server = server
        self.timeout = timeout
        self.max_connections = max_connections
        self._inner = None
        self._lock = asyncio.Lock()

    async def complete(self, body):
        if self._inner is None:
            async with self._lock:
                if self._inner is None:
                    # not asyncio.to_thread(start): the fork must happen on this (main) thread,
                    # whose death is what PR_SET_PDEATHSIG watches
                    await self.server.start_async()
                    self._inner = make_transport(
                        "aiohttp", self.server.base_url, None, self.timeout, self.max_connections
                    )
        return await self._inner.complete(body)

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()
        self.server.stop()


def run_backend(backend: BackendConfig, overrides: Overrides, seed: int) -> BackendConfig:
    """The recipe's backend block as `factory run` drives the local server: what the user left
    unset becomes what suits one llama.cpp process on a CPU."""
    update: dict = {}
    if overrides.concurrency is None and "concurrency" not in backend.model_fields_set:
        # llama_cpp.server answers one request at a time: a second one would only queue
        # there and run into its timeout.
        update["concurrency"] = 1
    if backend.seed is None:
        update["seed"] = seed  # reproducible local runs (and tests): each request derives its seed from it
    if "timeout" not in backend.model_fields_set:
        update["timeout"] = RUN_TIMEOUT
    return backend.model_copy(update=update)


def run_server(
    plan: LocalPlan, model_path: Path, backend: BackendConfig, overrides: Overrides, seed: int, log_path: Path
) -> tuple[EndpointSettings, LazyLocalTransport]:
    """`factory run`'s local server (not started yet) and the settings its engine runs under."""
    server = LocalServer(model_path, n_threads=plan.n_threads, n_ctx=plan.n_ctx, log_path=log_path)
    server.port = free_port()
    settings = settings_from(
        run_backend(backend, overrides, seed),
        base_url=server.base_url,
        model=server.model_name,
        api_key=None,
        kind="llamacpp",
        flags=overrides,
    )
    return settings, LazyLocalTransport(server, settings.timeout, settings.concurrency)


def flag_server(path: Path, log_path: Path | None) -> LazyLocalTransport:
    """The server behind `--model local|FILE.gguf` (not started yet); one per GGUF per command."""
    server = LocalServer(path, n_ctx=FLAG_CTX, log_path=log_path)
    server.port = free_port()
    return LazyLocalTransport(server, timeout=FLAG_TIMEOUT, max_connections=FLAG_CONNECTIONS)


def flag_settings(path: Path, params: dict, parse_retries: int) -> EndpointSettings:
    """One request at a time: llama_cpp.server would only queue a second one."""
    return EndpointSettings(
        base_url="embedded",
        model=path.stem,
        kind="llamacpp",
        structured=structured_mode("llamacpp"),
        concurrency=1,
        parse_retries=parse_retries,
        params=dict(params),
    )
