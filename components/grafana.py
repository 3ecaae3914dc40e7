"""Grafana resources: client folders, CloudWatch data sources, per-site dashboard + contact
point, and the organisation's single notification policy tree.

What goes on a dashboard is decided in ``vigil.grafana`` (pure); this module only turns it
into ``pulumiverse_grafana`` resources. Program-level pieces (folders, data sources, policy)
are shared by many sites; ``SiteDashboard`` is the per-site component under SiteMonitoring.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence

import pulumi
import pulumiverse_grafana as grafana

from vigil.grafana.alarm import AlarmLike
from vigil.grafana.dashboard import DashboardInputs, render_dashboard
from vigil.grafana.plan import GLOBAL_REGION
from vigil.grafana.settings import (
    SITE_LABEL,
    GrafanaSettings,
    contact_point_name,
    parse_settings,
)
from vigil.models import Site
from vigil.naming import dashboard_url, slug

SITE_DASHBOARD_TYPE = "vigil:grafana:SiteDashboard"


# --------------------------------------------------------------------------- settings


def load_settings() -> GrafanaSettings:
    """Read stack config (and the provider's env fallbacks) into ``GrafanaSettings``."""
    vigil = pulumi.Config("vigil")
    provider = pulumi.Config("grafana")
    return parse_settings(
        vigil.get_object("grafana"),
        link_url=vigil.get("grafanaUrl"),
        provider_url=provider.get("url") or os.environ.get("GRAFANA_URL"),
        # presence only: the value stays with the provider (no Output needed, nothing logged)
        has_auth=provider.get("auth") is not None or bool(os.environ.get("GRAFANA_AUTH")),
    )


def skip_message(settings: GrafanaSettings) -> str:
    return f"Grafana skipped: {settings.skip_reason}. Dashboards and contact points not managed."


def report_skipped(settings: GrafanaSettings) -> bool:
    """Log why Grafana is skipped (shown by ``pulumi preview`` and ``vigil plan``); True if so."""
    if settings.enabled:
        return False
    pulumi.log.info(skip_message(settings))
    return True


# --------------------------------------------------------------------------- program level


def folder_uid(client: str) -> str:
    return f"vigil-{slug(client)}"[:40]


def client_folders(
    clients: Iterable[str], opts: pulumi.ResourceOptions | None = None
) -> dict[str, grafana.oss.Folder]:
    """One folder per client (uid ``vigil-<client>``); dashboards of its sites go in it."""
    return {
        client: grafana.oss.Folder(
            f"{client}-grafana-folder",
            uid=folder_uid(client),
            title=client,
            opts=opts,
        )
        for client in sorted(set(clients))
    }


def cloudwatch_datasources(
    sites: Iterable[Site],
    settings: GrafanaSettings,
    opts: pulumi.ResourceOptions | None = None,
) -> dict[str, grafana.oss.DataSource]:
    """A CloudWatch data source per account × region the sites need (their region and
    us-east-1 for Route 53/CloudFront), except those config maps to existing uids."""
    needed = sorted(
        {(s.aws_account_id, region) for s in sites for region in (s.aws_region, GLOBAL_REGION)}
    )
    created: dict[str, grafana.oss.DataSource] = {}
    for account, region in needed:
        if not settings.manages_datasource(account, region):
            continue
        json_data: dict[str, str] = {"authType": "default", "defaultRegion": region}
        if settings.cloudwatch_assume_role_arn:
            json_data["assumeRoleArn"] = settings.cloudwatch_assume_role_arn.format(account=account)
        created[f"{account}/{region}"] = grafana.oss.DataSource(
            f"cloudwatch-{account}-{region}",
            type="cloudwatch",
            name=f"CloudWatch {account} {region}",
            uid=settings.cloudwatch_uid(account, region),
            json_data_encoded=json.dumps(json_data, sort_keys=True),
            opts=opts,
        )
    return created


def notification_policy(
    sites: Iterable[Site],
    contact_points: Mapping[str, pulumi.Input[str]],
    settings: GrafanaSettings,
    opts: pulumi.ResourceOptions | None = None,
) -> grafana.alerting.NotificationPolicy | None:
    """The org's one policy tree, routing ``site=<id>`` to each site's contact point.

    Created once per stack, never per site: the resource replaces the whole tree. With
    ``notificationPolicy: external`` another stack (or a human) owns the tree and nothing is
    created here.
    """
    if settings.notification_policy == "external":
        pulumi.log.info(
            "Grafana notification policy is external: add one route per site "
            f"({SITE_LABEL}=<site id> → <site id>-pagerduty) to the existing tree."
        )
        return None
    routes = [
        grafana.alerting.NotificationPolicyPolicyArgs(
            matchers=[
                grafana.alerting.NotificationPolicyPolicyMatcherArgs(
                    label=SITE_LABEL, match="=", value=site.id
                )
            ],
            contact_point=contact_points[site.id],
            group_bies=["alertname", SITE_LABEL],
            continue_=False,
        )
        for site in sorted(sites, key=lambda s: s.id)
        if site.id in contact_points
    ]
    return grafana.alerting.NotificationPolicy(
        "vigil-notification-policy",
        contact_point=settings.default_contact_point,
        group_bies=["grafana_folder", "alertname"],
        policies=routes,
        opts=opts,
    )


# --------------------------------------------------------------------------- per site


class SiteDashboard(pulumi.ComponentResource):
    """A site's dashboard (in its client's folder) and its PagerDuty contact point."""

    dashboard: grafana.oss.Dashboard
    contact_point: grafana.alerting.ContactPoint
    contact_point_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        site: Site,
        alarms: Sequence[AlarmLike],
        folder_uid: pulumi.Input[str],
        pagerduty_key: pulumi.Input[str],
        settings: GrafanaSettings,
        pagerduty_service_url: pulumi.Input[str] | None = None,
        health_check_ids: Mapping[str, pulumi.Input[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``alarms`` are the site's AlarmSpecs (the ones its CloudWatch alarms use);
        ``health_check_ids`` maps a placeholder dimension value in those specs to the real
        id once Route 53 created it."""
        super().__init__(SITE_DASHBOARD_TYPE, name, {"siteId": site.id}, opts)
        child = pulumi.ResourceOptions(parent=self)
        specs = tuple(alarms)
        placeholders = sorted((health_check_ids or {}).items())

        def render(args: list) -> str:
            service_url, *ids = args
            inputs = DashboardInputs(
                cloudwatch_datasources=settings.cloudwatch_datasources,
                zabbix_datasource_uid=settings.zabbix_datasource_uid,
                pagerduty_service_url=service_url,
                dimension_values={k: v for (k, _), v in zip(placeholders, ids, strict=True)},
            )
            return render_dashboard(site, specs, inputs)

        config_json = pulumi.Output.all(pagerduty_service_url, *(v for _, v in placeholders)).apply(
            render
        )
        self.dashboard = grafana.oss.Dashboard(
            f"{site.id}-dashboard",
            folder=folder_uid,
            config_json=config_json,
            overwrite=True,
            message="vigil",
            opts=child,
        )
        link = dashboard_url(settings.url, site) if settings.url else None
        self.contact_point = grafana.alerting.ContactPoint(
            contact_point_name(site),
            name=contact_point_name(site),
            pagerduties=[
                grafana.alerting.ContactPointPagerdutyArgs(
                    integration_key=pulumi.Output.secret(pagerduty_key),
                    severity='{{ or .CommonLabels.severity "critical" }}',
                    class_="grafana",
                    component=site.id,
                    group=site.client,
                    client="Grafana (vigil)",
                    client_url=link,
                    summary=(
                        "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} on " + site.id
                    ),
                    details={
                        "site": site.id,
                        "client": site.client,
                        "tier": site.tier.name,
                        "runbook": site.runbook_url,
                        **({"dashboard": link} if link else {}),
                    },
                )
            ],
            opts=child,
        )
        self.contact_point_name = self.contact_point.name
        self.register_outputs(
            {
                "siteId": site.id,
                "dashboardUid": self.dashboard.uid,
                "contactPoint": self.contact_point.name,
            }
        )
