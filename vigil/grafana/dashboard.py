"""A site's Grafana dashboard, built from the same alarm specs as its CloudWatch alarms.

Layout: a status row (URL health, alarm state), then one row per resource type with a panel
per alarmed metric (alarm thresholds drawn as lines), then Zabbix panels when a Zabbix data
source is configured. Links: runbook, PagerDuty service, CloudWatch alarm list. Variables:
region and period. The uid comes from ``vigil.naming.dashboard_uid`` so alarm descriptions
can link to the dashboard before Grafana is deployed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from grafana_foundation_sdk.builders import cloudwatch as cw
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import cloudwatch as cwm
from grafana_foundation_sdk.models import dashboard as dm

from vigil import naming
from vigil.aws.inputs import topic_arn_prefix
from vigil.catalog.alarms import HEARTBEAT_KEY, AlarmSpec
from vigil.grafana.datasources import CloudWatchAccess
from vigil.grafana.panels import (
    ALB_DIMENSION,
    alarm_state_panel,
    metric_panel,
    traffic_panels,
    url_health_panel,
    zabbix_panels,
)
from vigil.grafana.plan import GLOBAL_REGION, Query, plan_rows
from vigil.grafana.queries import cloudwatch_ref, zabbix_ref
from vigil.models import Site
from vigil.naming import dashboard_uid

PERIODS = ("60", "300", "900", "3600")


@dataclass(frozen=True)
class DashboardInputs:
    """Everything besides the site and its alarms; all plain values (outputs already resolved)."""

    access: CloudWatchAccess = field(default_factory=CloudWatchAccess)
    """Which data source reads which account (``GrafanaSettings.access``)."""
    zabbix_datasource_uid: str | None = None
    pagerduty_service_url: str | None = None
    health_check_ids: Mapping[str, str] = field(default_factory=dict)
    """URL check name → its Route 53 health check id (``CloudWatchAlarms.health_check_ids``
    resolved); required for every URL alarm of the site."""

    def cloudwatch(self, account: str, region: str) -> dm.DataSourceRef:
        return cloudwatch_ref(self.access.reader(account, region).uid)

    def query_account(self, account: str, region: str) -> str | None:
        """``accountId`` the site's queries carry (cross-account observability), else None."""
        return self.access.reader(account, region).query_account_id


def build_dashboard(
    site: Site, alarms: Iterable[AlarmSpec], inputs: DashboardInputs | None = None
) -> dm.Dashboard:
    inputs = inputs or DashboardInputs()
    # A heartbeat alarm asks whether a metric reports at all; that metric already has its
    # panel on the board (which shows "No data"), so a SampleCount series would repeat it.
    alarms = tuple(a for a in alarms if a.signal_key != HEARTBEAT_KEY)
    regional = inputs.cloudwatch(site.aws_account_id, site.aws_region)
    global_ = inputs.cloudwatch(site.aws_account_id, GLOBAL_REGION)

    def datasource(query_or_global: Query | bool) -> dm.DataSourceRef:
        is_global = (
            query_or_global.global_region if isinstance(query_or_global, Query) else query_or_global
        )
        return global_ if is_global else regional

    account_id = inputs.query_account(site.aws_account_id, site.aws_region)
    rows = plan_rows(alarms, inputs.health_check_ids, account_id)
    all_queries = [q for row in rows for panel in row.panels for q in panel.queries]

    board = (
        db.Dashboard(f"{site.name} ({site.id})")
        .uid(dashboard_uid(site))
        .description(
            f"vigil: every alarmed metric of {site.id} ({site.client}, tier {site.tier.name}, "
            f"{site.environment}). Generated — edits in Grafana are overwritten."
        )
        .tags(
            sorted({"vigil", f"client:{site.client}", f"site:{site.id}", f"tier:{site.tier.name}"})
        )
        .editable()
        .time("now-6h", "now")
        .refresh("1m")
        .timezone("browser")
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
        .links(_links(site, inputs, any(q.global_region for q in all_queries)))
        .with_variable(_region_variable(site))
        .with_variable(_period_variable(alarms))
    )

    board.with_row(db.Row(f"Status — {site.name}"))
    health = url_health_panel(all_queries, global_)
    if health is not None:
        board.with_panel(health)
    state = alarm_state_panel(
        [(q, datasource(q)) for q in all_queries],
        mixed=len({datasource(q).uid for q in all_queries}) > 1,
    )
    if state is not None:
        board.with_panel(state)

    for row in rows:
        board.with_row(db.Row(row.title))
        for plan in row.panels:
            board.with_panel(metric_panel(plan, datasource(plan.global_region)))
        if row.resource_type == "alb":
            for traffic in traffic_panels(_load_balancers(alarms), regional):
                board.with_panel(traffic)

    if inputs.zabbix_datasource_uid and naming.zabbix_host_names(site):
        board.with_row(db.Row("Zabbix"))
        web = [naming.zabbix_web_host(site.id)] if site.urls else []
        servers = [naming.zabbix_server_host(site.id, s.name) for s in site.servers]
        for zabbix in zabbix_panels(web, servers, zabbix_ref(inputs.zabbix_datasource_uid)):
            board.with_panel(zabbix)

    # the site's region first, then us-east-1 where its global alarms (Route 53, CloudFront) are
    regions = sorted({a.region for a in alarms}, key=lambda r: (r != site.aws_region, r))
    for region in regions:
        board.annotation(_alarm_annotation(site, region, inputs))

    model = board.build()
    _attach_alarm_targets(model, site, regions, account_id)
    for index, panel in enumerate(model.panels or [], start=1):
        panel.id_val = index  # unique, deterministic panel ids
        for target in getattr(panel, "targets", None) or []:
            if account_id and isinstance(target, cwm.CloudWatchMetricsQuery):
                target.account_id = account_id
    return model


def _load_balancers(alarms: Iterable[AlarmSpec]) -> list[str]:
    return sorted({a.dimensions[ALB_DIMENSION] for a in alarms if str(a.resource_type) == "alb"})


ALARM_ANNOTATION = "CloudWatch alarm state changes"


def _alarm_annotation(site: Site, region: str, inputs: DashboardInputs) -> db.AnnotationQuery:
    return (
        db.AnnotationQuery()
        .name(f"{ALARM_ANNOTATION} ({region})")
        .datasource(inputs.cloudwatch(site.aws_account_id, region))
        .enable(True)
        .icon_color("red")
    )


def alarm_annotation_target(
    site: Site, region: str, account_id: str | None = None
) -> cwm.CloudWatchAnnotationQuery:
    """The CloudWatch data source's annotation query: state changes of the site's alarms.

    A name prefix alone is not the site: ``acme-`` also starts every alarm of site
    ``acme-shop``. So the query also asks for the site's own topics as the alarm action
    (``topic_arn_prefix``: ``…:<site>-alerts-`` in ``region``), which
    ``…:acme-shop-alerts-…`` does not start with. Grafana passes both to CloudWatch's
    ``DescribeAlarms`` (``AlarmNamePrefix``, ``ActionPrefix``: "only those alarms that use a
    certain alarm action", CloudWatch API reference), which requires both to match."""
    query = (
        cw.CloudWatchAnnotationQuery()
        .ref_id("Anno")
        .query_mode(cwm.CloudWatchQueryMode.ANNOTATIONS)
        .prefix_matching(True)
        .alarm_name_prefix(f"{site.id}-")
        .action_prefix(topic_arn_prefix(site, region))
        .region(region)
        .namespace("")
        .metric_name("")
        .dimensions({})
        .match_exact(True)
        .statistic("Maximum")
        .period("")
    )
    if account_id:
        query.account_id(account_id)
    return query.build()


def _attach_alarm_targets(
    model: dm.Dashboard, site: Site, regions: list[str], account_id: str | None
) -> None:
    """Give each alarm annotation its CloudWatch query (Grafana stores a data source's
    annotation query as ``target``; the SDK types ``target`` as the built-in annotation
    target only, its own schema's "TODO.. this should just be a normal query target")."""
    for annotation, region in zip(
        (a for a in model.annotations.list_val or [] if a.name.startswith(ALARM_ANNOTATION)),
        regions,
        strict=True,
    ):
        target: Any = alarm_annotation_target(site, region, account_id)
        annotation.target = target


def to_dict(model: dm.Dashboard) -> dict[str, Any]:
    return json.loads(json.dumps(model, cls=JSONEncoder))


def render_dashboard(
    site: Site, alarms: Iterable[AlarmSpec], inputs: DashboardInputs | None = None
) -> str:
    """Deterministic dashboard JSON (sorted keys) — what ``grafana.oss.Dashboard`` receives."""
    return encode(build_dashboard(site, alarms, inputs))


def encode(model: dm.Dashboard) -> str:
    return json.dumps(model, cls=JSONEncoder, sort_keys=True, indent=2)


def decode(text: str) -> dm.Dashboard:
    """Parse dashboard JSON back into the SDK's model (for round-trip checks); CloudWatch
    annotation targets are decoded as the SDK's ``CloudWatchAnnotationQuery``."""
    data = json.loads(text)
    targets = [a.pop("target", None) for a in (data.get("annotations") or {}).get("list", [])]
    model = dm.Dashboard.from_json(data)
    for annotation, target in zip(model.annotations.list_val or [], targets, strict=True):
        if target is not None and target.get("queryMode") == "Annotations":
            decoded: Any = cwm.CloudWatchAnnotationQuery.from_json(target)
            annotation.target = decoded
        elif target is not None:
            annotation.target = dm.AnnotationTarget.from_json(target)
    return model


def _links(
    site: Site, inputs: DashboardInputs, has_global: bool
) -> list[cogbuilder.Builder[dm.DashboardLink]]:
    links: list[cogbuilder.Builder[dm.DashboardLink]] = [_link("Runbook", site.runbook_url, "doc")]
    if inputs.pagerduty_service_url:
        links.append(_link("PagerDuty service", inputs.pagerduty_service_url, "bolt"))
    regions = [site.aws_region] + (
        [GLOBAL_REGION] if has_global and site.aws_region != GLOBAL_REGION else []
    )
    for region in regions:
        links.append(
            _link(
                f"CloudWatch alarms ({region})",
                f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
                f"#alarmsV2:?search={site.id}-",
                "cloud",
            )
        )
    return links


def _link(title: str, url: str, icon: str) -> db.DashboardLink:
    return (
        db.DashboardLink(title)
        .type(dm.DashboardLinkType.LINK)
        .url(url)
        .icon(icon)
        .target_blank(True)
        .keep_time(False)
        .include_vars(False)
    )


def _region_variable(site: Site) -> db.CustomVariable:
    """Region of the site's regional metrics (global ones stay in us-east-1)."""
    values = [site.aws_region] + ([GLOBAL_REGION] if site.aws_region != GLOBAL_REGION else [])
    return (
        db.CustomVariable("region")
        .label("Region")
        .values(",".join(values))
        .current(dm.VariableOption(selected=True, text=site.aws_region, value=site.aws_region))
        .options(
            [dm.VariableOption(selected=v == site.aws_region, text=v, value=v) for v in values]
        )
    )


def _period_variable(alarms: Iterable[AlarmSpec]) -> db.CustomVariable:
    """CloudWatch period in seconds; defaults to the alarms' own period."""
    periods = Counter(str(a.period) for a in alarms)
    default = min(periods, key=lambda p: (-periods[p], int(p))) if periods else PERIODS[0]
    values = sorted({*PERIODS, default}, key=int)
    return (
        db.CustomVariable("period")
        .label("Period (s)")
        .values(",".join(values))
        .current(dm.VariableOption(selected=True, text=default, value=default))
        .options([dm.VariableOption(selected=v == default, text=v, value=v) for v in values])
    )
