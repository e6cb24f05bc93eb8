"""`--model URL|local|FILE.gguf` -> an Engine; shared by `factory eval` and `factory chat`.

A URL is any OpenAI-compatible base URL (model name given or discovered from /models, key from
a named environment variable, never from a flag). `local` is the embedded llama.cpp model, a
path is a GGUF served by llama.cpp; either is started on the first request only (a fully cached
re-run starts nothing) and one server is shared by every role that names the same model.
"""

from __future__ import annotations

from pathlib import Path

from factory.engine import Engine, RequestCache
from factory.run.clients import Role, flag_client
from factory.run.local import LazyLocalTransport

__all__ = ["Endpoints", "Role"]


class Endpoints:
    """Owns the engines (and local servers) of one command; `await close()` stops them all."""

    def __init__(self, cache: RequestCache | None, log_dir: Path | None = None, log=print):
        self.cache = cache
        self.log_dir = log_dir
        self.log = log
        self._local: dict[Path, LazyLocalTransport] = {}
        self._engines: list[Engine] = []
        self.described: dict[str, dict] = {}

    def engine(self, role: Role) -> Engine:
        engine, desc = flag_client(role, self.cache, self._local, self.log_dir, self.log)
        self._engines.append(engine)
        self.described[role.flag.lstrip("-")] = desc
        return engine

    def set_output(self, cache: RequestCache | None, log_dir: Path | None) -> None:
        """Attach the cache and the local-server log once the output directory is known."""
        self.cache = cache
        self.log_dir = log_dir
        for engine in self._engines:
            engine.cache = cache
        for transport in self._local.values():
            if log_dir is not None and transport.server.proc is None:
                transport.server.log_path = log_dir / "llama_server.log"

    async def close(self) -> None:
        closed: set[int] = set()
        for engine in self._engines:
            if id(engine.transport) not in closed:
                closed.add(id(engine.transport))
                await engine.close()
