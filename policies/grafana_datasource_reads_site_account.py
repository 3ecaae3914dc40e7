"""grafana-datasource-reads-site-account: every Grafana query of a site can read its account.

Grafana's CloudWatch data source reads another account only by assuming a role there
(``jsonData.assumeRoleArn``) or, with CloudWatch cross-account observability, from the
monitoring account with the query's ``accountId``; with default credentials it reads Grafana's
own account. A site in any other account gets blank dashboards and monitoring-health rules that
can only ever say "no data". Checked on what is really sent: each CloudWatch target of the
site's dashboard and each data-source stage of its rules, against the data source resource of
that uid (``vigil.grafana.datasources`` decides which one vigil uses).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation

from policies import define as d
from policies import graph as g
from vigil.grafana.datasources import role_account

NAME = "grafana-datasource-reads-site-account"
DESCRIPTION = (
    "Each Grafana CloudWatch query of a site goes through a data source that can read the "
    "site's AWS account (assumed role, cross-account observability, or Grafana's own account)."
)
REMEDIATION = (
    "Set vigil:grafana.cloudwatchAssumeRoleArn (e.g. arn:aws:iam::{account}:role/"
    "grafana-cloudwatch, the role existing in every site account), or list the account in "
    "vigil:grafana.crossAccountObservability.sourceAccounts, and set vigil:grafana.awsAccountId "
    "to the account Grafana's own credentials are in."
)
DEFAULTS: dict[str, Any] = {"trustExistingDatasources": True}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    trustExistingDatasources=(
        "Accept data sources named in vigil:grafana.cloudwatchDatasources (not created by the "
        "stack, so their credentials are not in the graph) as reading their account."
    ),
)
CLOUDWATCH = "cloudwatch"


def _targets(config_json: str) -> Iterator[tuple[str, str | None]]:
    """(data source uid, accountId) of every CloudWatch target of a dashboard model."""
    model = json.loads(config_json)
    for panel in model.get("panels") or []:
        for target in panel.get("targets") or []:
            source = target.get("datasource") or panel.get("datasource") or {}
            if source.get("type") == CLOUDWATCH and source.get("uid"):
                yield source["uid"], target.get("accountId")


def _rule_stages(rules: list[Any]) -> Iterator[tuple[str, str | None]]:
    for rule in rules:
        for data in rule.get("datas") or []:
            uid = data.get("datasourceUid")
            if not uid or uid == "__expr__":
                continue
            model = json.loads(data.get("model") or "{}")
            yield uid, model.get("accountId")


def _reads(graph: g.Graph, uid: str, grafana_account: str | None) -> str | None:
    """The account a vigil-created data source's credentials read; ``None``: not created here."""
    for source in graph.of_type(g.GRAFANA_DATASOURCE):
        props = graph.props(source)
        if props.get("uid") != uid:
            continue
        data = json.loads(props.get("jsonDataEncoded") or "{}")
        arn = data.get("assumeRoleArn")
        if arn:
            return role_account(arn) or f"(unparsable role {arn})"
        return grafana_account or ""
    return None


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    for site in graph.sites:
        if not site.grafana_enabled:
            continue
        for component in graph.descendants(site.resource, g.GRAFANA_COMPONENT):
            props = graph.props(component)
            account = props.get("awsAccountId")
            if not isinstance(account, str):
                continue  # not a vigil SiteDashboard that states its account
            found = _problems(graph, site, component, props, account, unverified, cfg)
            problems = sorted(set(found))
            if problems:
                report(
                    f"site {site.site_id} ({site.file}, AWS account {account}): "
                    f"{'; '.join(problems)}. {REMEDIATION}",
                    site.urn,
                )


def _problems(
    graph: g.Graph,
    site: g.SiteInfo,
    component: Any,
    props: dict[str, Any],
    account: str,
    unverified: g.Unverified,
    cfg: dict[str, Any],
) -> Iterator[str]:
    own = props.get("grafanaAccountId") or None
    monitoring = props.get("monitoringAccount") or None
    existing = set(props.get("existingDatasources") or [])
    stages: list[tuple[str, str | None]] = []
    for board in graph.descendants(component, g.GRAFANA_DASHBOARD):
        text = graph.props(board).get("configJson")
        if not isinstance(text, str) or g.is_unknown(text):
            unverified.add(f"Grafana dashboard queries of site {site.site_id}")
            continue
        stages += list(_targets(text))
    for group in graph.descendants(site.resource, g.GRAFANA_RULE_GROUP):
        rules = graph.props(group).get("rules")
        if not isinstance(rules, list) or g.contains_unknown(rules):
            unverified.add(f"Grafana rule queries of site {site.site_id}")
            continue
        stages += list(_rule_stages(rules))
    for uid, query_account in sorted(set(stages), key=lambda s: (s[0], s[1] or "")):
        if uid in existing:
            if not cfg["trustExistingDatasources"]:
                yield f"existing data source {uid} cannot be checked (not created by this stack)"
            continue  # named in vigil:grafana.cloudwatchDatasources: its owner vouches for it
        reads = _reads(graph, uid, own)
        if reads is None:
            yield f"data source {uid} is neither created by this stack nor configured"
        elif query_account is not None:
            if query_account != account:
                yield f"queries through {uid} ask for account {query_account}"
            elif reads != monitoring:
                yield (
                    f"data source {uid} reads account {reads or 'unknown'}, not the "
                    f"cross-account monitoring account {monitoring or '(none configured)'}"
                )
        elif not reads:
            yield (
                f"data source {uid} uses Grafana's default credentials and Grafana's own "
                "account is not set (vigil:grafana.awsAccountId)"
            )
        elif reads != account:
            yield f"data source {uid} reads account {reads}, not {account}"


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
