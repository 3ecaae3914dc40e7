"""The Zabbix 6.0 host-name rules the inventory check enforces, pinned against a real server.

``vigil.inventory.checks.zabbix_hosts`` refuses names over 128 characters and names two sites
share; this shows the real API does the same (a 129-character host and a second host of the
same name are refused), so the check neither lets through what Zabbix rejects nor rejects
what it takes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from vigil.inventory.checks.zabbix_hosts import HOST_NAME_MAX
from vigil.zabbix import api as zapi
from vigil.zabbix.api import ZabbixError, ZabbixSession, resolve_credentials, session

pytestmark = pytest.mark.zabbix


@pytest.fixture(scope="module")
def zx(clean_zabbix: dict[str, str]) -> ZabbixSession:
    zapi.forget_sessions()
    return session(resolve_credentials())


@pytest.fixture
def group(zx: ZabbixSession) -> Iterator[str]:
    name = f"vigil-test-{uuid.uuid4().hex[:8]}"
    groupid = zx.call("hostgroup.create", {"name": name}, what="test group")["groupids"][0]
    yield groupid
    hosts = zx.call("host.get", {"groupids": [groupid], "output": ["hostid"]}, what="cleanup")
    if hosts:
        zx.call("host.delete", [h["hostid"] for h in hosts], what="cleanup")
    zx.call("hostgroup.delete", [groupid], what="cleanup")


def _create(zx: ZabbixSession, group: str, host: str) -> None:
    zx.call("host.create", {"host": host, "groups": [{"groupid": group}]}, what=host)


def test_host_name_length_limit_is_zabbix_s(zx: ZabbixSession, group: str) -> None:
    prefix = uuid.uuid4().hex[:8]
    at_limit = prefix + "x" * (HOST_NAME_MAX - len(prefix))
    _create(zx, group, at_limit)
    found = zx.call("host.get", {"filter": {"host": at_limit}, "output": ["host"]}, what="get")
    assert [h["host"] for h in found] == [at_limit]
    with pytest.raises(ZabbixError, match=r'is too long for field "host".*Allowed length is 128'):
        _create(zx, group, at_limit + "y")


def test_a_second_host_of_the_same_name_is_refused(zx: ZabbixSession, group: str) -> None:
    host = f"vigil-dup-{uuid.uuid4().hex[:8]}"
    _create(zx, group, host)
    with pytest.raises(ZabbixError, match=r"Host with the same name .* already exists"):
        _create(zx, group, host)
