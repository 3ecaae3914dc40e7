"""Fixtures for the Zabbix tests: a small Site factory and the real-server session.

The server fixture uses ZABBIX_URL when set, else starts ``scripts/zabbix-server``; when
neither works the tests skip, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.models import AwsResources, Server, Site, SupportHours, Threshold, Tier, UrlCheck

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "zabbix-server"
SITE_SCHEMA = REPO / "vigil" / "schemas" / "site.schema.json"


def schema_services() -> tuple[str, ...]:
    """Every service name the inventory schema lets a server declare, in schema order."""
    schema = json.loads(SITE_SCHEMA.read_text())
    return tuple(schema["$defs"]["server"]["properties"]["services"]["items"]["enum"])


def make_site(
    site_id: str = "acme-shop",
    client: str = "acme",
    *,
    urls: tuple[UrlCheck, ...] | None = None,
    servers: tuple[Server, ...] | None = None,
    tier: str = "gold",
) -> Site:
    if urls is None:
        urls = (
            UrlCheck(
                url="https://shop.example.com/",
                name="home",
                required_text="Welcome",
                thresholds={"response_time_seconds": Threshold(warning=2, critical=5)},
            ),
            UrlCheck(
                url="https://shop.example.com/checkout",
                name="checkout",
                expected_status=(200, 302),
                follow_redirects=False,
                timeout_seconds=20,
            ),
        )
    if servers is None:
        servers = (
            Server(name="web1", address="10.0.0.11", services=("nginx", "php-fpm", "varnish")),
            Server(
                name="db1", address="db1.acme.internal", services=("mysql", "redis"), port=10051
            ),
        )
    return Site(
        id=site_id,
        client=client,
        name=f"{client} shop",
        tier=Tier(
            name=tier,
            response_sla_minutes=5,
            support_hours=SupportHours(always=True),
            urgency_outside_hours="high",
        ),
        environment="production",
        owner_team="ops",
        runbook_url=f"https://runbooks.example.com/{site_id}",
        aws_account_id="123456789012",
        aws_region="eu-west-1",
        resources=AwsResources(),
        urls=urls,
        servers=servers,
    )


@pytest.fixture
def site() -> Site:
    return make_site()


def _start_server() -> dict[str, str]:
    proc = subprocess.run(
        [str(SCRIPT), "start"], capture_output=True, text=True, timeout=600, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip() or proc.stdout.strip())
    out = subprocess.run([str(SCRIPT), "env"], capture_output=True, text=True, check=True).stdout
    env: dict[str, str] = {}
    for line in out.splitlines():
        for word in line.removeprefix("export ").split():
            key, _, value = word.partition("=")
            env[key] = value
    return env


@pytest.fixture(scope="session")
def zabbix_env() -> Iterator[dict[str, str]]:
    """Connection settings of a real Zabbix; also exported to os.environ for the provider."""
    if os.environ.get("ZABBIX_URL"):
        yield {k: os.environ[k] for k in os.environ if k.startswith(("ZABBIX_", "VIGIL_ZABBIX"))}
        return
    was_running = (
        subprocess.run([str(SCRIPT), "status"], capture_output=True, check=False).returncode == 0
    )
    try:
        env = _start_server()
    except Exception as exc:  # any failure to start is reported the same way
        message = f"cannot start the throwaway Zabbix server: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if not was_running:  # leave things as we found them
        subprocess.run([str(SCRIPT), "stop"], capture_output=True, check=False)


@pytest.fixture(scope="module")
def clean_zabbix(zabbix_env: dict[str, str]) -> dict[str, str]:
    """A clean Zabbix database per test module when the server is our sandbox (~0.2 s)."""
    state = zabbix_env.get("VIGIL_ZABBIX_DIR")
    if state:
        subprocess.run(
            [str(SCRIPT), "reset"],
            env={**os.environ, "VIGIL_ZABBIX_DIR": state},
            check=True,
            capture_output=True,
        )
    return zabbix_env


@pytest.fixture
def unique() -> str:
    """A short suffix for object names, for servers shared between runs."""
    return uuid.uuid4().hex[:6]
