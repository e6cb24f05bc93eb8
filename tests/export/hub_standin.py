"""A local stand-in for the Hub HTTP endpoints `factory push` uses (create, info, branch, yaml, commit).

Real HTTP on 127.0.0.1, so huggingface_hub runs its own request code; it records every request
and the files of every commit, and can refuse (403) to test the error path.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading

from aiohttp import web


class HubStandIn:
    def __init__(self, token: str, refuse: bool = False):
        self.token = token
        self.refuse = refuse
        self.repos: dict[str, dict] = {}  # "owner/name" -> {"private": bool, "files": {rev: {path: bytes}}}
        self.requests: list[tuple[str, str, str]] = []  # method, path, Authorization
        self.validated: list[dict] = []  # README metadata seen by validate-yaml
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _auth(self, request: web.Request) -> web.Response | None:
        self.requests.append((request.method, request.path, request.headers.get("Authorization", "")))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "Invalid credentials"}, status=401)
        if self.refuse:
            return web.json_response(
                {"error": "You don't have the rights to create a dataset under this namespace"}, status=403
            )
        return None

    async def create(self, request: web.Request) -> web.Response:
        if (bad := self._auth(request)) is not None:
            return bad
        body = await request.json()
        repo = f"{body['organization']}/{body['name']}"
        if repo in self.repos:
            return web.json_response(
                {"error": "You already created this dataset repo", "url": f"{self.url}/datasets/{repo}"},
                status=409,
            )
        self.repos[repo] = {
            "type": body.get("type"),
            "private": body.get("visibility") == "private",
            "files": {},
        }
        return web.json_response({"url": f"{self.url}/datasets/{repo}", "name": repo})

    async def validate_yaml(self, request: web.Request) -> web.Response:
        """The Hub checks a README's metadata before a commit; so do we (it must parse, with configs)."""
        if (bad := self._auth(request)) is not None:
            return bad
        import yaml

        content = (await request.json())["content"]
        try:
            meta = yaml.safe_load(content.split("---\n")[1])
            ok = isinstance(meta, dict) and isinstance(meta.get("configs"), list)
        except (IndexError, yaml.YAMLError):
            ok = False
        if not ok:
            return web.json_response({"errors": [{"message": "bad metadata"}]}, status=400)
        self.validated.append(meta)
        return web.json_response({"warnings": []})

    def _repo(self, request: web.Request) -> str:
        return f"{request.match_info['ns']}/{request.match_info['name']}"

    async def info(self, request: web.Request) -> web.Response:
        if (bad := self._auth(request)) is not None:
            return bad
        repo = self._repo(request)
        if repo not in self.repos:
            return web.json_response({"error": "Repository not found"}, status=404)
        return web.json_response({"id": repo, "private": self.repos[repo]["private"]})

    async def branch(self, request: web.Request) -> web.Response:
        if (bad := self._auth(request)) is not None:
            return bad
        self.repos[self._repo(request)]["files"].setdefault(request.match_info["rev"], {})
        return web.json_response({})

    async def preupload(self, request: web.Request) -> web.Response:
        if (bad := self._auth(request)) is not None:
            return bad
        body = await request.json()
        return web.json_response(
            {
                "files": [
                    {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in body["files"]
                ]
            }
        )

    async def commit(self, request: web.Request) -> web.Response:
        if (bad := self._auth(request)) is not None:
            return bad
        repo, rev = self._repo(request), request.match_info["rev"]
        files = self.repos[repo]["files"].setdefault(rev, {})
        for line in (await request.read()).decode().splitlines():
            item = json.loads(line)
            if item["key"] == "file":
                files[item["value"]["path"]] = base64.b64decode(item["value"]["content"])
        return web.json_response({"commitUrl": f"{self.url}/datasets/{repo}/commit/abc", "commitOid": "abc"})

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/repos/create", self.create)
        app.router.add_post("/api/validate-yaml", self.validate_yaml)
        app.router.add_get("/api/datasets/{ns}/{name}", self.info)
        app.router.add_post("/api/datasets/{ns}/{name}/branch/{rev}", self.branch)
        app.router.add_post("/api/datasets/{ns}/{name}/preupload/{rev}", self.preupload)
        app.router.add_post("/api/datasets/{ns}/{name}/commit/{rev}", self.commit)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def __enter__(self) -> HubStandIn:
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
