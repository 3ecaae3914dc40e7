"""every-site-covered."""

from policy_fixtures import build_stack

from policies import graph as g

NAME = "every-site-covered"


def test_passes(stack, run):
    assert run(NAME, stack.resources()) == []


def test_site_without_url_check(stack, run):
    stack.remove("acme-shop-url-home", g.HEALTH_CHECK)
    stack.remove("acme-shop-url-home-health-critical")
    stack.inputs("acme-shop-zabbix-config")["export"] = "zabbix_export:\n  templates: []\n"
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and v.urn.endswith("SiteMonitoring::acme-shop")
    assert "a CloudWatch URL check (add a url to inventory/sites/acme/shop.yaml)" in v.message
    assert "a Zabbix web scenario" in v.message


def test_health_check_without_alarm(stack, run):
    stack.remove("acme-shop-url-home-health-critical")
    [v] = run(NAME, stack.resources())
    assert "HealthCheckStatus" in v.message


def test_missing_grafana_and_integration(stack, run):
    stack.remove("acme-shop-dashboard")
    stack.remove("acme-shop-zabbix", g.PD_INTEGRATION)
    [v] = run(NAME, stack.resources())
    assert "a Grafana dashboard" in v.message
    assert "a PagerDuty zabbix integration" in v.message


def test_grafana_needs_a_rule_routed_by_the_site_label(stack, run):
    """A dashboard alone pages nobody: a rule labelled site=<id> must exist."""
    stack.remove("acme-shop-pagerduty-delivery")  # its dead-letter rules carry site= too
    rules = stack.inputs("acme-shop-monitoring-health")["rules"]
    rules[0]["labels"][g.GRAFANA_SITE_LABEL] = "another-site"
    [v] = run(NAME, stack.resources())
    assert "a Grafana alert rule labelled site=acme-shop" in v.message
    del rules[0]["labels"][g.GRAFANA_SITE_LABEL]
    [v] = run(NAME, stack.resources())
    assert "a Grafana alert rule labelled site=acme-shop" in v.message
    stack.remove("acme-shop-monitoring-health")
    [v] = run(NAME, stack.resources())
    assert "a Grafana alert rule labelled site=acme-shop" in v.message
    assert "a Grafana dashboard" not in v.message


def test_grafana_rules_unknown_in_preview_are_unverified(stack, run):
    stack.inputs("acme-shop-monitoring-health")["rules"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "Grafana alert rules of site acme-shop" in v.message


def test_missing_service(stack, run):
    stack.remove("acme-shop-service")
    [v] = run(NAME, stack.resources())
    assert "a PagerDuty service" in v.message


def test_disabled_tools_not_required(run):
    stack = build_stack(zabbix=False, grafana=False)
    assert run(NAME, stack.resources()) == []
    site = stack.get("acme-shop", g.SITE)
    site["inputs"]["zabbixEnabled"] = True
    [v] = run(NAME, stack.resources())
    assert "Zabbix web scenario" in v.message and "zabbix integration" in v.message


def test_each_site_reported_separately(run):
    stack = build_stack((("acme-shop", "acme", "gold"), ("nova-api", "nova", "silver")))
    assert run(NAME, stack.resources()) == []
    stack.remove("nova-api-dashboard")
    [v] = run(NAME, stack.resources())
    assert "site nova-api" in v.message and "inventory/sites/nova/api.yaml" in v.message


def test_unknown_values(stack, run):
    stack.inputs("acme-shop-zabbix-config")["export"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "Zabbix web scenarios of site acme-shop" in v.message
    stack.inputs("acme-shop-zabbix-config")["export"] = "httptests: [x]"
    # a new service's id is unknown in preview; the integration is still under the site
    stack.inputs("acme-shop-cloudwatch", g.PD_INTEGRATION)["service"] = g.UNKNOWN
    assert run(NAME, stack.resources()) == []


def test_zabbix_outputs_of_a_typed_dynamic_resource(stack, run):
    """``ZabbixResource(module="zabbix")`` registers as ``pulumi-python:dynamic/zabbix:Resource``;
    its outputs list ``web_scenarios``."""
    rec = stack.get("acme-shop-zabbix-config")
    rec["type"] = "pulumi-python:dynamic/zabbix:Resource"
    rec["inputs"] = {"kind": "config", "site": "acme-shop", "web_scenarios": ["home"]}
    assert run(NAME, stack.resources()) == []
    rec["inputs"]["web_scenarios"] = []
    [v] = run(NAME, stack.resources())
    assert "Zabbix web scenario" in v.message
    rec["inputs"]["web_scenarios"] = g.UNKNOWN_ARRAY_VALUE
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory"


def test_a_zabbix_object_outside_the_site_tree_counts_by_its_site_input(stack, run):
    """Found through the graph's one index by ``site`` input (`Graph.dynamic_by_site`), not
    by its parent: a config registered at the stack root still covers its own site only."""
    rec = stack.get("acme-shop-zabbix-config")
    rec["parent"] = None
    assert run(NAME, stack.resources()) == []
    rec["inputs"]["site"] = "another-site"
    [v] = run(NAME, stack.resources())
    assert "a Zabbix web scenario" in v.message and v.urn.endswith("SiteMonitoring::acme-shop")
