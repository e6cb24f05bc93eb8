"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

Real sockets, real HTTP. By default it answers every chat completion with `responder(body)`
(a callable in-process, or an echo). A script of behaviours is consumed first, in order, by
the requests that match it: HTTP errors (429 with Retry-After, 500), slow replies, dropped
connections, malformed bodies, truncation (finish_reason=length), fixed content, error bodies
that echo the caller's Authorization header (`echo_auth`, as careless proxies do). With
`api_key` set, every request without that key gets a 401 (whose body echoes what it got).

    with ScriptedServer(responder=lambda body: '{"ok": 1}') as srv:
        srv.script({"status": 429, "retry_after": 0.1}, {"drop": True})
        ... talk to srv.base_url ...

Run standalone for benchmarks: python -m factory.testing.openai_server --port 0 --latency 0.2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

Responder = Callable[[dict[str, Any]], "str | dict[str, Any]"]


def last_user(body: dict[str, Any]) -> str:
    for m in reversed(body.get("messages", [])):
        if m.get("role") == "user":
            return str(m.get("content", ""))
    return ""


def echo(body: dict[str, Any]) -> str:
    return "echo: " + last_user(body)[:200]


def completion(content: str, model: str, finish_reason: str = "stop", prompt_tokens: int = 10) -> dict:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": max(1, len(content) // 4),
            "total_tokens": prompt_tokens + max(1, len(content) // 4),
        },
    }


class ScriptedServer:
    def __init__(
        self,
        responder: Responder | None = None,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        model: str = "scripted-model",
        record: bool = True,
        api_key: str | None = None,
    ):
        self.responder = responder or echo
        self.api_key = api_key
        self.latency = latency
        self.host = host
        self.port = port
        self.model = model
        self.record = record
        self.requests: list[dict[str, Any]] = []
        self.count = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._script: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()

    # -- control -------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def script(self, *behaviours: dict[str, Any]) -> None:
        with self._lock:
            self._script.extend(dict(b) for b in behaviours)

    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def _take(self, body: dict[str, Any]) -> dict[str, Any] | None:
        text = last_user(body)
        with self._lock:
            for i, b in enumerate(self._script):
                if "match" not in b or b["match"] in text:
                    return self._script.pop(i)
        return None

    # -- HTTP ----------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/_script", self._post_script)
        app.router.add_get("/_stats", self._stats)
        return app

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": self.model, "object": "model"}]})

    async def _post_script(self, request: web.Request) -> web.Response:
        self.script(*(await request.json()))
        return web.json_response({"pending": self.pending()})

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response({"count": self.count})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.count += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(request, body)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request, body: dict[str, Any]) -> web.StreamResponse:
        if self.record:
            self.requests.append(body)
        auth = request.headers.get("Authorization", "")
        if self.api_key is not None and auth != f"Bearer {self.api_key}":
            return web.json_response(
                {"error": {"message": f"Incorrect API key provided: {auth[7:]}"}}, status=401
            )
        b = self._take(body) or {}
        delay = b.get("delay", self.latency)
        if delay:
            await asyncio.sleep(delay)
        if b.get("drop"):
            request.transport.close()
            raise asyncio.CancelledError()
        if "status" in b:
            headers = {"Retry-After": str(b["retry_after"])} if "retry_after" in b else {}
            message = f"scripted {b['status']}" + (f" (you sent {auth})" if b.get("echo_auth") else "")
            return web.json_response({"error": {"message": message}}, status=b["status"], headers=headers)
        if b.get("malformed"):
            return web.Response(text='{"choices": [ {"message": ', content_type="application/json")
        content = b.get("content")
        if content is None:
            out = self.responder(body)
            if isinstance(out, dict):  # a whole completion object
                return web.json_response(out)
            content = out
        finish = "length" if b.get("truncate") else "stop"
        if b.get("truncate"):
            content = content[: max(1, len(content) // 2)]
        return web.json_response(completion(content, body.get("model", self.model), finish))

    # -- lifecycle -----------------------------------------------------
    def start(self) -> ScriptedServer:
        self._thread = threading.Thread(target=self._serve, name="scripted-openai", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("scripted server did not start")
        return self

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)  # a test ends now
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, self.host, self.port, backlog=4096)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        pending = asyncio.all_tasks(self._loop)  # replies still sleeping out a scripted delay
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--latency", type=float, default=0.0)
    args = ap.parse_args()
    srv = ScriptedServer(latency=args.latency, port=args.port, record=False)
    srv.start()
    print(json.dumps({"base_url": srv.base_url}), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()


if __name__ == "__main__":
    main()
