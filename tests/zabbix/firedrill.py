"""Loopback parts of the fire drill: an HTTPS site that can be made to fail, and a PagerDuty
Events API v2 capture server that records what Zabbix's webhook sends.

Why real sockets: the point of the drill is that the real ``zabbix_server`` daemon checks a
real HTTPS endpoint (TLS verified against a CA it is told to trust) and its alerter runs vigil's
webhook script against an HTTP endpoint; only PagerDuty itself is replaced (a SaaS API).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.zabbix.conftest import SCRIPT

WELCOME = "Welcome to the vigil fire drill: total $9.99 (incl. VAT)"
"""The page body; its price is literal text full of regular-expression characters."""
PRICE = "$9.99 (incl. VAT)"


def zabbix_script(*args: str, state: str) -> subprocess.CompletedProcess[str]:
    """``scripts/zabbix-server ARGS`` against the sandbox in ``state`` (VIGIL_ZABBIX_DIR)."""
    return subprocess.run(
        [str(SCRIPT), *args],
        env={**os.environ, "VIGIL_ZABBIX_DIR": state},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def started_or_skip(proc: subprocess.CompletedProcess[str], what: str) -> str:
    """stdout, or fail (CI: the server must run there) / skip (a developer's machine without
    the packages)."""
    if proc.returncode != 0:
        message = f"{what} did not start: {proc.stderr.strip()}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return proc.stdout.strip()


@contextlib.contextmanager
def zabbix_daemon(state: str) -> Iterator[None]:
    """The real ``zabbix_server`` running for the block (started or skipped as above)."""
    started_or_skip(zabbix_script("daemon", "start", state=state), "zabbix_server")
    try:
        yield
    finally:
        zabbix_script("daemon", "stop", state=state)


def make_ca_and_cert(directory: Path, ca_dir: Path) -> tuple[Path, Path]:
    """A throwaway CA (installed, hashed, into ``ca_dir``) and a localhost cert signed by it."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_dir.mkdir(parents=True, exist_ok=True)

    def run(*args: str) -> str:
        return subprocess.run(
            ["openssl", *args], cwd=directory, check=True, capture_output=True, text=True
        ).stdout

    ca_ext = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign"]
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
        "/CN=vigil fire drill CA", "-keyout", "ca.key", "-out", "ca.pem", *ca_ext)  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
        "site.key", "-out", "site.csr")  # fmt: skip
    (directory / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "site.pem")  # fmt: skip
    subject_hash = run("x509", "-hash", "-noout", "-in", "ca.pem").strip()
    shutil.copy(directory / "ca.pem", ca_dir / f"{subject_hash}.0")
    return directory / "site.pem", directory / "site.key"


class FlakySite:
    """An HTTPS site on loopback whose failure mode the test sets: ok, 500, missing, slow, down.

    ``down`` closes the listening socket (connection refused); any other mode re-opens it on
    the same port.
    """

    def __init__(self, cert: Path, key: Path, slow_seconds: float) -> None:
        self.mode = "ok"
        self.slow_seconds = slow_seconds
        self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._ctx.load_cert_chain(cert, key)
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self._open()

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                mode = site.mode
                if mode == "slow":
                    time.sleep(site.slow_seconds)
                status = 500 if mode == "500" else 200
                body = (WELCOME if mode in ("ok", "slow") else "nothing to see").encode()
                if mode == "500":
                    body = b"Internal Server Error"
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def _open(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        server.daemon_threads = True
        server.socket = self._ctx.wrap_socket(server.socket, server_side=True)
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def set(self, mode: str) -> None:
        if mode == "down" and self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        elif mode != "down" and self._server is None:
            self._open()
        self.mode = mode

    def close(self) -> None:
        self.set("down")


class PagerDutyCapture:
    """Answers like Events API v2 (202, ``{"status": "success"}``) and records every event."""

    def __init__(self) -> None:
        self.events: list[tuple[float, dict[str, Any]]] = []
        self._lock = threading.Lock()
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                event = json.loads(self.rfile.read(length) or b"{}")
                with capture._lock:
                    capture.events.append((time.monotonic(), event))
                body = json.dumps(
                    {
                        "status": "success",
                        "message": "Event processed",
                        "dedup_key": event.get("dedup_key"),
                    }
                ).encode()
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v2/enqueue"

    def since(self, start: float) -> list[tuple[float, dict[str, Any]]]:
        with self._lock:
            return [(t, e) for t, e in self.events if t >= start]

    def wait_for(
        self, start: float, match: Callable[[dict[str, Any]], bool], timeout: float
    ) -> tuple[float, dict[str, Any]] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for t, e in self.since(start):
                if match(e):
                    return t, e
            time.sleep(0.2)
        return None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
