"""Wire transports for OpenAI-compatible chat completions.

`aiohttp` speaks the protocol directly over one pooled session: on a 2-core machine the openai
SDK's per-request bookkeeping costs more CPU than the engine's whole budget (see
docs/architecture.md). `openai` uses one AsyncOpenAI client (aiohttp backend, retries off) for
servers that need SDK behaviour. Both raise TransportError so the engine sees every 429.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any, Protocol

from .structured import scrub_surrogates
from .types import Reply, TransportError


class Transport(Protocol):
    async def complete(self, body: dict[str, Any]) -> Reply: ...
    async def close(self) -> None: ...


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _refused(exc: BaseException) -> bool:
    """Nothing listens there (refused, unknown host): somewhere in the chain of causes."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, (ConnectionRefusedError, socket.gaierror)):
            return True
        todo += [e.__cause__, e.__context__, getattr(e, "os_error", None)]
    return False


_WIRE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Prepared(dict):
    """A request body that carries its own JSON, built around messages already serialised for
    the cache key (they are the bulk of it). A transport may send `wire` as it is; anything that
    changes the body (the router names each member's model) makes a plain dict of it."""

    __slots__ = ("wire",)
    wire: bytes


def prepared(body: dict[str, Any], messages_json: str) -> Prepared:
    """`body` with its JSON, the `messages` value being `messages_json` (the same list, encoded)."""
    out = Prepared(body)
    rest = {k: v for k, v in body.items() if k not in ("model", "messages")}
    head = '{"model":' + _WIRE(body["model"]) + ',"messages":' + messages_json
    tail = "," + _WIRE(rest)[1:] if rest else "}"
    out.wire = (head + tail).encode()
    return out


def reply_from_json(data: dict[str, Any]) -> Reply:
    try:
        choice = data["choices"][0]
        text = choice["message"].get("content") or ""
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise TransportError(f"malformed completion body: {exc!r}") from exc
    usage = data.get("usage") or {}
    return Reply(
        text=scrub_surrogates(text),
        finish_reason=choice.get("finish_reason"),
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
    )


class AiohttpTransport:
    def __init__(self, base_url: str, api_key: str | None, timeout: float, max_connections: int):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.headers = {"Content-Type": "application/json"}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"
        self.timeout = timeout
        self.max_connections = max_connections
        self._session = None

    def _ensure(self):
        if self._session is None:
            import aiohttp

            self._aiohttp = aiohttp
            connector = aiohttp.TCPConnector(
                limit=self.max_connections, ttl_dns_cache=300, enable_cleanup_closed=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                json_serialize=lambda o: json.dumps(o, ensure_ascii=False),
            )
        return self._session

    async def complete(self, body: dict[str, Any]) -> Reply:
        session = self._ensure()
        aiohttp = self._aiohttp
        try:
            if isinstance(body, Prepared):
                post = session.post(self.url, data=body.wire, headers=self.headers)
            else:
                post = session.post(self.url, json=body, headers=self.headers)
            async with post as resp:
                raw = await resp.read()
                if resp.status != 200:
                    snippet = raw[:200].decode("utf-8", "replace")
                    raise TransportError(
                        f"HTTP {resp.status}: {snippet}",
                        status=resp.status,
                        retry_after=_retry_after(resp.headers.get("Retry-After")),
                    )
        except TransportError:
            raise
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError) as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", refused=_refused(exc)) from exc
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise TransportError(f"response body is not JSON: {raw[:80]!r}") from exc
        return reply_from_json(data)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class OpenAITransport:
    def __init__(self, base_url: str, api_key: str | None, timeout: float, max_connections: int):
        import openai

        self._openai = openai
        http_client = None
        try:
            http_client = openai.DefaultAioHttpClient(timeout=timeout)
        except Exception:  # aiohttp extra missing: fall back to the SDK's httpx default
            http_client = None
        self.client = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            max_retries=0,
            timeout=timeout,
            http_client=http_client,
        )

    async def complete(self, body: dict[str, Any]) -> Reply:
        openai = self._openai
        body = dict(body)
        try:
            raw = await self.client.chat.completions.with_raw_response.create(**body)
        except openai.APIStatusError as exc:
            raise TransportError(
                str(exc),
                status=exc.status_code,
                retry_after=_retry_after(exc.response.headers.get("retry-after")),
            ) from exc
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", refused=_refused(exc)) from exc
        try:
            data = json.loads(raw.http_response.text)
        except json.JSONDecodeError as exc:
            raise TransportError("response body is not JSON") from exc
        return reply_from_json(data)

    async def close(self) -> None:
        await self.client.close()


def make_transport(
    kind: str, base_url: str, api_key: str | None, timeout: float, max_connections: int
) -> Transport:
    if kind == "openai":
        return OpenAITransport(base_url, api_key, timeout, max_connections)
    return AiohttpTransport(base_url, api_key, timeout, max_connections)
