"""`policies.graph.plain`: pulumi-policy's proxies off, every value kept, unknowns as sentinels."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy
from pulumi_policy.secret import Secret, secrets_preserving_proxy

from policies import graph as g

PROPS = {
    "alarmName": "shop-5xx",
    "threshold": 5,
    "ratio": 0.5,
    "enabled": True,
    "missing": None,
    "alarmActions": ["arn:aws:sns:eu-west-1:1:shop-alerts-critical", UNKNOWN_STRING_VALUE],
    "metricQueries": [
        {"id": "m1", "metric": {"dimensions": {"LoadBalancer": UNKNOWN_STRING_VALUE}}}
    ],
    "tags": {"vigil:site": "shop", "nested": [[1, 2], {"deep": UNKNOWN_STRING_VALUE}]},
}


def test_an_unknown_checking_proxy_becomes_the_data_it_wraps():
    proxied = unknown_checking_proxy(PROPS)
    with pytest.raises(UnknownValueError):  # what reading through the proxy would do
        proxied["alarmActions"][1]
    data = g.plain(proxied)
    assert data == PROPS
    assert type(data) is dict and type(data["alarmActions"]) is list
    assert type(data["metricQueries"][0]["metric"]) is dict


def test_a_secrets_proxy_keeps_its_secret_marker_values():
    secret = Secret("token")
    data = g.plain(secrets_preserving_proxy({"auth": secret, "list": [secret, {"a": 1}]}))
    assert data == {"auth": secret, "list": [secret, {"a": 1}]}


def test_plain_values_are_copied_and_tuples_become_lists():
    source = {"a": ({"b": [1]},)}
    data = g.plain(source)
    assert data == {"a": [{"b": [1]}]}
    data["a"][0]["b"].append(2)
    assert source == {"a": ({"b": [1]},)}


def test_prop_reads_one_top_level_value_of_a_proxy():
    proxied = unknown_checking_proxy(PROPS)
    assert g.prop(proxied, "tags") == PROPS["tags"]
    assert g.prop(proxied, "absent", "default") == "default"
    assert g.prop(proxied, "alarmActions")[1] == UNKNOWN_STRING_VALUE
