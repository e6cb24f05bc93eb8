"""`--model URL|local|FILE.gguf` -> an Engine; shared by `factory eval` and `factory chat`.

A URL is any OpenAI-compatible base URL (model name given or discovered from /models, key from
a named environment variable, never from a flag). `local` is the embedded llama.cpp model, a
path is a GGUF served by llama.cpp; either is started on the first request only (a fully cached
re-run starts nothing) and one server is shared by every role that names the same model.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from factory.engine import EndpointSettings, Engine, RequestCache
from factory.engine.local_server import EMBEDDED_MODEL_NAME, LocalServer, embedded_gguf, free_port
from factory.recipe import RecipeError
from factory.run.endpoint import guess_kind


@dataclass
class Role:
    """One endpoint the caller wants: `flag` names it in error messages (`--judge`, ...)."""

    flag: str
    spec: str
    name: str | None = None
    key_env: str = "OPENAI_API_KEY"
    params: dict = field(default_factory=dict)
    concurrency: int = 8
    parse_retries: int = 1


def discover_model(base_url: str, api_key: str | None, flag: str) -> str:
    req = urllib.request.Request(base_url.rstrip("/") + "/models")
    if api_key:
        req.add_header("Authorization", f"Bearer {api_key}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())["data"][0]["id"]
    except Exception as exc:
        raise RecipeError(f"{flag}: no model name given and {base_url}/models did not name one ({exc})") from None


class Endpoints:
    """Owns the engines (and local servers) of one command; `await close()` stops them all."""

    def __init__(self, cache: RequestCache | None, log_dir: Path | None = None, log=print):
        self.cache = cache
        self.log_dir = log_dir
        self.log = log
        self._local: dict[Path, object] = {}
        self._engines: list[Engine] = []
        self.described: dict[str, dict] = {}

    def engine(self, role: Role) -> Engine:
        spec = role.spec.strip()
        if spec.startswith(("http://", "https://")):
            settings = self._remote(role, spec)
            engine = Engine(settings, cache=self.cache)
            desc = {"base_url": spec, "model": settings.model, "kind": settings.kind}
        else:
            path = self._gguf(role, spec)
            transport = self._local.get(path) or self._local_transport(path)
            settings = EndpointSettings(base_url="embedded", model=path.stem, kind="llamacpp",
                                        structured="llamacpp", concurrency=1, parse_retries=role.parse_retries,
                                        params=dict(role.params))
            engine = Engine(settings, cache=self.cache, transport=transport)
            desc = {"base_url": "local", "model": path.stem, "kind": "llamacpp", "gguf": str(path)}
        self._engines.append(engine)
        self.described[role.flag.lstrip("-")] = desc
        return engine

    def _remote(self, role: Role, url: str) -> EndpointSettings:
        key = os.environ.get(role.key_env) or None
        kind = guess_kind(url)
        model = role.name or ("gpt-4o-mini" if kind == "openai" else discover_model(url, key, role.flag))
        structured = "json_object" if kind == "deepseek" else "auto"
        return EndpointSettings(base_url=url, model=model, api_key=key, kind=kind, structured=structured,
                                concurrency=role.concurrency, parse_retries=role.parse_retries,
                                params=dict(role.params))

    def _gguf(self, role: Role, spec: str) -> Path:
        if spec == "local":
            path = embedded_gguf()
            self.log(f"{role.flag}: the embedded {EMBEDDED_MODEL_NAME} on CPU (proves the plumbing, not quality)")
            return path
        path = Path(spec).expanduser()
        if path.suffix.lower() != ".gguf" and not path.is_file():
            raise RecipeError(f"{role.flag}: expected an http(s) URL, `local` or a .gguf file, got {spec!r}")
        if not path.is_file():
            raise RecipeError(f"{role.flag}: no such GGUF file: {path}")
        return path.resolve()

    def _local_transport(self, path: Path):
        from factory.run.pipeline import LazyLocalTransport  # the lead's lazy starter, reused as is

        log_path = self.log_dir / "llama_server.log" if self.log_dir else None
        server = LocalServer(path, n_ctx=4096, log_path=log_path)
        server.port = free_port()
        transport = LazyLocalTransport(server, timeout=600.0, max_connections=2)
        self._local[path] = transport
        return transport

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
