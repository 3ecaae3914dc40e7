"""A local stand-in for the few PagerDuty REST API v2 endpoints preflight calls.

Built from PagerDuty's API reference (github.com/PagerDuty/api-schema,
reference/REST/openapiv3.json), not from what vigil expects:
- auth: ``securitySchemes.api_key``: header ``Authorization: Token token=<API_KEY>``; a missing
  or wrong key answers 401 with the generic error body ``{"error": {"message", "code"}}``;
- ``listUsers`` ``GET /users``: ``query`` filters the result (PagerDuty matches it against the
  user's name and e-mail, case-insensitively: this is how the provider finds users by e-mail),
  paged by ``limit`` (default 25, at most 100) / ``offset`` with ``more`` and ``total`` (null
  unless ``total=true``), items ``{"id", "type": "user", "summary", "self", "html_url", "name",
  "email", "time_zone", …}``;
- ``listVendors`` ``GET /vendors``: the reference documents no ``query`` filter, so every
  vendor is listed, paged the same way.
Runs on 127.0.0.1 on a free port in a daemon thread; records every request's headers.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_LIMIT, MAX_LIMIT = 25, 100


def user(index: int, name: str, email: str) -> dict[str, Any]:
    uid = f"PU{index:05d}"
    return {"id": uid, "type": "user", "summary": name, "name": name, "email": email,
            "self": f"https://api.pagerduty.com/users/{uid}",
            "html_url": f"https://acme.pagerduty.com/users/{uid}",
            "time_zone": "Europe/Berlin", "role": "user", "color": "green"}


def vendor(index: int, name: str) -> dict[str, Any]:
    vid = f"PV{index:05d}"
    return {"id": vid, "type": "vendor", "summary": name, "name": name,
            "self": f"https://api.pagerduty.com/vendors/{vid}", "website_url": None}


class FakePagerDuty:
    def __init__(self, token: str, users: list[dict], vendors: list[dict]) -> None:
        self.token = token
        self.users = users
        self.vendors = vendors
        self.requests: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                fake.requests.append((self.path, dict(self.headers)))
                status, body = fake.answer(self.path, self.headers.get("Authorization"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakePagerDuty:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, auth: str | None) -> tuple[int, dict[str, Any]]:
        if auth != f"Token token={self.token}":
            return 401, {"error": {"message": "Unauthenticated", "code": 2006}}
        parts = urlsplit(path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/users":
            query = params.get("query", "").lower()
            items = [u for u in self.users
                     if query in u["name"].lower() or query in u["email"].lower()]
            return 200, self.page("users", items, params)
        if parts.path == "/vendors":
            return 200, self.page("vendors", self.vendors, params)
        return 404, {"error": {"message": "Not Found", "code": 2100}}

    @staticmethod
    def page(key: str, items: list[dict], params: dict[str, str]) -> dict[str, Any]:
        limit = min(int(params.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
        offset = int(params.get("offset", 0))
        chunk = items[offset:offset + limit]
        return {key: chunk, "limit": limit, "offset": offset,
                "more": offset + len(chunk) < len(items),
                "total": len(items) if params.get("total") == "true" else None}
