"""A local MediaWiki API stand-in: answers `action=query&prop=extracts|pageprops` like Wikipedia does.

Pages are {(lang, title): extract text in `== Section ==` wiki format}; a page listed in
`disambiguation` carries pageprops.disambiguation. Every request's User-Agent and query are kept.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class WikiServer:
    def __init__(self, pages: dict[tuple[str, str], str], disambiguation: set[tuple[str, str]] | None = None):
        self.pages = pages
        self.disambiguation = disambiguation or set()
        self.requests: list[dict] = []
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{{lang}}/w/api.php"

    def answer(self, lang: str, query: dict[str, str]) -> dict:
        title = query.get("titles", "").replace("_", " ")
        key = (lang, title)
        if key not in self.pages:
            return {"batchcomplete": "", "query": {"pages": {"-1": {"ns": 0, "title": title, "missing": ""}}}}
        page = {"pageid": 1000 + len(title), "ns": 0, "title": title, "extract": self.pages[key]}
        if key in self.disambiguation and "pageprops" in query.get("prop", ""):
            page["pageprops"] = {"disambiguation": ""}
        return {"batchcomplete": "", "query": {"pages": {str(page["pageid"]): page}}}

    def __enter__(self) -> WikiServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlparse(self.path)
                lang = url.path.strip("/").split("/")[0]
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                outer.requests.append(
                    {"lang": lang, "query": query, "user_agent": self.headers.get("User-Agent")}
                )
                body = json.dumps(outer.answer(lang, query), ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
