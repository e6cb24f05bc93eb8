"""Headless Chromium for the viewer tests: `--dump-dom` after the page's JS ran, and a DevTools
protocol session (over aiohttp's websocket client) to change filters as a person would and take
screenshots. Debian's `chromium` package; the tests skip with the reason when it is missing."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]
TIMEOUT = 120  # seconds: generous, a slow machine must not fail a test


def dump_dom(url: str) -> str:
    """The DOM after load (the page renders synchronously on load, so its filters have run)."""
    with tempfile.TemporaryDirectory() as profile:
        res = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


class Dom(HTMLParser):
    """Shown samples (article.sample attributes, their text, their <mark>s) and the match line."""

    def __init__(self, html: str):
        super().__init__()
        self.samples: list[dict] = []
        self.ready = False
        self.body: dict = {}
        self.tags: list[str] = []
        self.match_count = ""
        self._in: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "body":
            self.body = a
            self.ready = a.get("data-ready") == "1"
        if tag == "article" and "sample" in (a.get("class") or ""):
            self.samples.append({**a, "text": "", "marks": []})
        self._in.append("mark" if tag == "mark" else a.get("id", ""))

    def handle_endtag(self, tag):
        if self._in:
            self._in.pop()

    def handle_data(self, data):
        if "match-count" in self._in:
            self.match_count += data
        if self.samples and "sample-list" in self._in:
            self.samples[-1]["text"] += data
            if self._in[-1] == "mark":
                self.samples[-1]["marks"].append(data)


class Browser:
    """One headless Chromium with a DevTools session on its first tab."""

    def __init__(self, profile: Path):
        self.profile = profile
        self.proc: subprocess.Popen | None = None
        self._ids = itertools.count(1)
        self._events: list[dict] = []

    async def __aenter__(self) -> Browser:
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = self.profile / "DevToolsActivePort"
        for _ in range(TIMEOUT * 10):
            if port_file.exists() and port_file.read_text().strip():
                break
            assert self.proc.poll() is None, "chromium exited before opening its DevTools port"
            await asyncio.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        self.http = aiohttp.ClientSession()
        target = None
        for _ in range(TIMEOUT * 10):  # the first tab can show up a moment after the port
            async with self.http.get(f"http://127.0.0.1:{port}/json/list") as r:
                target = next((t for t in await r.json() if t["type"] == "page"), None)
            if target:
                break
            await asyncio.sleep(0.1)
        assert target, "chromium opened no tab"
        self.ws = await self.http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send("Page.enable")
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()
        await self.http.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    async def send(self, method: str, **params) -> dict:
        n = next(self._ids)
        await self.ws.send_str(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            msg = json.loads((await asyncio.wait_for(self.ws.receive(), TIMEOUT)).data)
            if msg.get("id") == n:
                assert "error" not in msg, msg["error"]
                return msg.get("result", {})
            self._events.append(msg)

    async def wait_event(self, method: str) -> dict:
        while True:
            for i, ev in enumerate(self._events):
                if ev.get("method") == method:
                    return self._events.pop(i)
            self._events.append(json.loads((await asyncio.wait_for(self.ws.receive(), TIMEOUT)).data))

    async def open(self, url: str) -> None:
        self._events.clear()
        await self.send("Page.navigate", url=url)
        await self.wait_event("Page.loadEventFired")

    async def js(self, expression: str):
        res = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        assert "exceptionDetails" not in res, res["exceptionDetails"]
        return res["result"].get("value")

    async def choose(self, select_id: str, value: str) -> None:
        """Pick an option the way a user's click does: set it, fire `change`."""
        await self.js(
            f"(() => {{ const s = document.getElementById({json.dumps(select_id)}); "
            f"s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()"
        )

    async def set_hash(self, value: str) -> None:
        """Change the URL's fragment (a same-document navigation: no load event) and let the page react."""
        await self.js(
            "new Promise(r => { addEventListener('hashchange', () => setTimeout(r, 0), {once: true}); "
            f"location.hash = {json.dumps(value)}; }})"
        )

    async def screenshot(self, path: Path) -> Path:
        """The whole page, not just the window."""
        size = await self.js("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        shot = await self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": size[0], "height": min(size[1], 16000), "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
