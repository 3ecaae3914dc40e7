"""The few PagerDuty REST API v2 reads preflight needs, with the API's own paging and auth.

From PagerDuty's API reference (github.com/PagerDuty/api-schema, reference/REST/openapiv3.json):
``securitySchemes.api_key`` is the header ``Authorization: Token token=<API_KEY>``; the
``Accept`` header ``application/vnd.pagerduty+json;version=2`` selects the version; list
endpoints (``listUsers`` ``GET /users`` with ``query``, ``listVendors`` ``GET /vendors``) take
``limit``/``offset`` and answer ``{"<items>": [...], "limit", "offset", "more", "total"}``
(schema ``Pagination``); errors are ``{"error": {"code", "message", "errors"}}``.

The token is only ever put in that header: never in a URL, a message or an exception.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

DEFAULT_API_URL = "https://api.pagerduty.com"
ACCEPT = "application/vnd.pagerduty+json;version=2"
PAGE = 100


class ApiError(Exception):
    """An HTTP or transport failure, described without the token."""


def api_url(service_region: str = "", override: str = "") -> str:
    """The provider's API base: ``api_url_override``, else ``https://api.<region>.pagerduty.com``
    (``us`` or empty: ``api.pagerduty.com``; provider.go ``providerConfigureContextFunc``)."""
    if override:
        return override.rstrip("/")
    region = service_region.strip().lower()
    return DEFAULT_API_URL if region in ("", "us") else f"https://api.{region}.pagerduty.com"


class Client:
    """Read-only REST client; ``list`` follows ``more`` through every page."""

    def __init__(self, base_url: str, token: str, timeout: float = 20.0) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Token token={token}", "Accept": ACCEPT}
        self._timeout = timeout
        self.requests = 0  # how many HTTP requests were made (tests, messages)

    def _get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{self._base}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers=self._headers, method="GET")
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            raise ApiError(f"GET {path}: HTTP {exc.code} {_error_message(exc)}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ApiError(f"GET {path}: {type(exc).__name__}: {exc}") from None
        if not isinstance(body, dict):
            raise ApiError(f"GET {path}: unexpected response")
        return body

    def list(self, path: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paged list endpoint (``limit``/``offset`` until ``more`` is false)."""
        offset = 0
        while True:
            body = self._get(path, {**params, "limit": PAGE, "offset": offset})
            items = body.get(key) or []
            yield from items
            if not body.get("more") or not items:
                return
            offset += len(items)


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        error = json.loads(exc.read() or b"{}").get("error") or {}
    except ValueError:
        error = {}
    message = str(error.get("message") or exc.reason)
    return f"({message})" if message else ""
