"""Against a real Zabbix 6.0: a database outage is retried and reported as one, never as a
credential error (the 6.0 frontend answers "Error connecting to database." to every method,
``user.login`` included, while PostgreSQL is down)."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from tests.zabbix.conftest import SCRIPT
from vigil.zabbix.api import (
    Credentials,
    ZabbixAuthError,
    ZabbixDatabaseError,
    ZabbixSession,
)

pytestmark = pytest.mark.zabbix


def _db(action: str, state: str) -> None:
    subprocess.run(
        [str(SCRIPT), "db", action],
        env={**os.environ, "VIGIL_ZABBIX_DIR": state},
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def state(clean_zabbix: dict[str, str]) -> str:
    state = clean_zabbix.get("VIGIL_ZABBIX_DIR")
    if not state:
        pytest.skip("needs the sandbox (scripts/zabbix-server) to stop its database")
    return state


def _creds() -> Credentials:
    return Credentials(url=os.environ["ZABBIX_URL"], user="Admin", password="zabbix")


def test_database_down_is_reported_as_such_after_retries(state: str) -> None:
    _db("stop", state)
    try:
        with pytest.raises(ZabbixDatabaseError) as err:
            ZabbixSession(_creds(), retries=2, backoff=0.01)
    finally:
        _db("start", state)
    assert not isinstance(err.value, ZabbixAuthError)
    text = str(err.value)
    assert "cannot reach its database" in text and "3 attempts" in text
    assert "rejected" not in text and "password" not in text


def test_database_restart_during_a_run_is_ridden_out(state: str) -> None:
    session = ZabbixSession(_creds())
    _db("stop", state)
    restart = threading.Timer(2.0, _db, args=("start", state))
    restart.start()
    started = time.monotonic()
    try:
        hosts = session.call("host.get", {"output": ["hostid"], "limit": 1}, what="a probe")
    finally:
        restart.join()
    assert isinstance(hosts, list)
    assert time.monotonic() - started >= 1.5, "the call did not wait for the database"
