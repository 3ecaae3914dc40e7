"""Grafana resources: client folders, CloudWatch data sources, per-site dashboard + contact
point, and the organisation's single notification policy tree.

What goes on a dashboard is decided in ``vigil.grafana`` (pure); this module only turns it
into ``pulumiverse_grafana`` resources. Program-level pieces (folders, data sources, policy)
are shared by many sites; ``SiteDashboard`` is the per-site component under SiteMonitoring.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pulumi
import pulumiverse_grafana as grafana

from vigil.aws.inputs import DeliveryQueue
from vigil.catalog.alarms import AlarmSpec
from vigil.grafana import delivery
from vigil.grafana.dashboard import DashboardInputs, render_dashboard
from vigil.grafana.plan import GLOBAL_REGION
from vigil.grafana.rules import AlertRule, monitoring_health_group
from vigil.grafana.settings import SITE_LABEL, GrafanaSettings, contact_point_name
from vigil.models import Site
from vigil.naming import dashboard_url, folder_uid

if TYPE_CHECKING:
    from components.site import SiteMonitoring

SITE_DASHBOARD_TYPE = "vigil:grafana:SiteDashboard"


# --------------------------------------------------------------------------- settings


def skip_message(settings: GrafanaSettings) -> str:
    return settings.skip_message


def report_skipped(settings: GrafanaSettings) -> bool:
    """Log why Grafana is skipped (shown by ``pulumi preview`` and ``vigil plan``); True if so."""
    if settings.enabled:
        return False
    pulumi.log.info(skip_message(settings))
    return True


# --------------------------------------------------------------------------- program level


def client_folders(
    clients: Iterable[str], opts: pulumi.ResourceOptions | None = None
) -> dict[str, grafana.oss.Folder]:
    """One folder per client (uid ``naming.folder_uid``); its sites' dashboards go in it."""
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
    """The CloudWatch data sources the sites' accounts need (their region and us-east-1 for
    Route 53/CloudFront): one per account assuming its role, or the monitoring account's for
    linked source accounts; none where config names an existing one
    (``vigil.grafana.datasources``). Keyed ``"<account>/<region>"`` of the data source."""
    access = settings.access
    pairs = {(s.aws_account_id, r) for s in sites for r in (s.aws_region, GLOBAL_REGION)}
    return {
        spec.key: grafana.oss.DataSource(
            f"cloudwatch-{spec.account}-{spec.region}",
            type="cloudwatch",
            name=f"CloudWatch {spec.account} {spec.region}",
            uid=spec.uid,
            json_data_encoded=json.dumps(spec.json_data, sort_keys=True),
            opts=opts,
        )
        for spec in access.created(pairs)
    }


def datasource_keys(site: Site, settings: GrafanaSettings) -> set[str]:
    """Keys (``cloudwatch_datasources``) of the data sources the site's dashboard reads."""
    access = settings.access
    return {access.reader(site.aws_account_id, r).key for r in (site.aws_region, GLOBAL_REGION)}


def site_route(site_id: str, contact_point: pulumi.Input[str]) -> Any:
    """The route ``site=<id>`` → the site's contact point (``vigil.grafana.settings.SITE_LABEL``
    is the label every vigil alert carries)."""
    return grafana.alerting.NotificationPolicyPolicyArgs(
        matchers=[
            grafana.alerting.NotificationPolicyPolicyMatcherArgs(
                label=SITE_LABEL, match="=", value=site_id
            )
        ],
        contact_point=contact_point,
        group_bies=["alertname", SITE_LABEL],
        continue_=False,
    )


def policy_tree(
    routes: pulumi.Input[Sequence[Any]],
    settings: GrafanaSettings,
    opts: pulumi.ResourceOptions | None = None,
) -> grafana.alerting.NotificationPolicy:
    """The org's one notification policy tree, whole: terraform-provider-grafana's
    ``resource_alerting_notification_policy.go`` gives it the id
    ``MakeOrgResourceID(orgID, PolicySingletonID)`` and writes it with ``PutPolicyTree`` (the
    whole tree, replacing what is there), deletes with ``ResetPolicyTree``: one per organisation,
    so exactly one stack may create it (`vigil fleet check`)."""
    return grafana.alerting.NotificationPolicy(
        "vigil-notification-policy",
        contact_point=settings.default_contact_point,
        group_bies=["grafana_folder", "alertname"],
        policies=routes,
        opts=opts,
    )


def notification_policy(
    sites: Iterable[Site],
    contact_points: Mapping[str, pulumi.Input[str]],
    settings: GrafanaSettings,
    opts: pulumi.ResourceOptions | None = None,
) -> grafana.alerting.NotificationPolicy | None:
    """A standalone stack's tree, routing ``site=<id>`` to each site's contact point.

    Created once per stack, never per site: the resource replaces the whole tree. With
    ``notificationPolicy: external`` another owner (a human, another tool) keeps the tree and
    the routes to add are logged; with ``shared`` the fleet's shared stack routes these sites
    (`components.shared.fleet_policy_tree`). Neither creates anything here.
    """
    if settings.notification_policy == "external":
        for step in settings.manual_routes(site.id for site in sites):
            pulumi.log.info(step)  # the same steps vigil plan prints and writes to its JSON
        return None
    if settings.notification_policy == "shared":
        return None
    routes = [
        site_route(site.id, contact_points[site.id])
        for site in sorted(sites, key=lambda s: s.id)
        if site.id in contact_points
    ]
    return policy_tree(routes, settings, opts)


# --------------------------------------------------------------------------- per site


class SiteDashboard(pulumi.ComponentResource):
    """A site's dashboard (in its client's folder) and its PagerDuty contact point."""

    dashboard: grafana.oss.Dashboard
    contact_point: grafana.alerting.ContactPoint
    rule_group: grafana.alerting.RuleGroup | None
    delivery_group: grafana.alerting.RuleGroup | None
    contact_point_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        site: Site,
        alarms: Sequence[AlarmSpec],
        folder_uid: pulumi.Input[str],
        pagerduty_key: pulumi.Input[str],
        settings: GrafanaSettings,
        pagerduty_service_url: pulumi.Input[str] | None = None,
        health_check_ids: Mapping[str, pulumi.Input[str]] | None = None,
        depends_on: Sequence[pulumi.Resource] | None = None,
        delivery_queues: Sequence[DeliveryQueue] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``alarms`` are the site's AlarmSpecs (the ones its CloudWatch alarms use);
        ``delivery_queues`` the dead-letter queues of its PagerDuty subscriptions
        (``SiteTopics.queues``), each watched by a critical rule (``vigil.grafana.delivery``);
        ``health_check_ids`` maps each URL check's name to its Route 53 health check id
        (``CloudWatchAlarms.health_check_ids``), the same convention the alarms use
        (``AlarmSpec.resolved_dimensions``). ``depends_on``: e.g. the data sources the
        dashboard queries."""
        props = {
            "siteId": site.id,
            # what grafana-datasource-reads-site-account checks the queries against
            "awsAccountId": site.aws_account_id,
            "grafanaAccountId": settings.aws_account_id or "",
            "monitoringAccount": settings.monitoring_account or "",
            "existingDatasources": sorted(set(settings.cloudwatch_datasources.values())),
        }
        super().__init__(SITE_DASHBOARD_TYPE, name, props, opts)
        child = pulumi.ResourceOptions(parent=self)
        specs = tuple(alarms)
        urls = sorted((health_check_ids or {}).items())

        def render(args: list) -> str:
            service_url, *ids = args
            inputs = DashboardInputs(
                access=settings.access,
                zabbix_datasource_uid=settings.zabbix_datasource_uid,
                pagerduty_service_url=service_url,
                health_check_ids={k: v for (k, _), v in zip(urls, ids, strict=True)},
            )
            return render_dashboard(site, specs, inputs)

        config_json = pulumi.Output.all(pagerduty_service_url, *(v for _, v in urls)).apply(render)
        self.dashboard = grafana.oss.Dashboard(
            f"{site.id}-dashboard",
            folder=folder_uid,
            config_json=config_json,
            overwrite=True,
            message="vigil",
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on or ())),
        )
        link = dashboard_url(settings.url, site) if settings.url else None
        self.rule_group, self.health_rules = health_rule_group(
            site,
            specs,
            folder_uid,
            settings,
            dict(urls),
            link or "",
            pulumi.ResourceOptions(parent=self, depends_on=list(depends_on or ())),
        )
        self.delivery_group, self.delivery_rules = delivery_rule_group(
            site,
            delivery_queues,
            folder_uid,
            settings,
            link or "",
            pulumi.ResourceOptions(parent=self, depends_on=list(depends_on or ())),
        )
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
                **props,
                "dashboardUid": self.dashboard.uid,
                "contactPoint": self.contact_point.name,
                "healthRules": len(self.health_rules),
                "deliveryRules": len(self.delivery_rules),
            }
        )


def _rule_args(rule: AlertRule) -> grafana.alerting.RuleGroupRuleArgs:
    return grafana.alerting.RuleGroupRuleArgs(
        uid=rule.uid,
        name=rule.title,
        condition=rule.condition,
        for_=rule.for_,
        no_data_state=rule.no_data_state,
        exec_err_state=rule.exec_err_state,
        labels=dict(rule.labels),
        annotations=dict(rule.annotations),
        datas=[
            grafana.alerting.RuleGroupRuleDataArgs(
                ref_id=q.ref_id,
                datasource_uid=q.datasource_uid,
                model=q.model_json,
                relative_time_range=grafana.alerting.RuleGroupRuleDataRelativeTimeRangeArgs(
                    from_=q.from_seconds, to=q.to_seconds
                ),
            )
            for q in rule.data
        ],
    )


def health_rule_group(
    site: Site,
    alarms: Sequence[AlarmSpec],
    folder_uid: pulumi.Input[str],
    settings: GrafanaSettings,
    health_check_ids: Mapping[str, pulumi.Input[str]],
    dashboard_link: str,
    opts: pulumi.ResourceOptions,
) -> tuple[grafana.alerting.RuleGroup | None, tuple[AlertRule, ...]]:
    """The site's monitoring-health rules (``vigil.grafana.rules``) in its client's folder;
    ``None`` when no alarm qualifies. URL rules need the health check ids, hence the apply."""

    def datasource(alarm: AlarmSpec) -> str:
        return settings.cloudwatch_uid(site.aws_account_id, alarm.region)

    account_id = settings.access.reader(site.aws_account_id, site.aws_region).query_account_id
    names = sorted(health_check_ids)
    # the rule set itself does not depend on the ids: plan it once with placeholders
    placeholders = {name: f"<{name}>" for name in names}
    planned = monitoring_health_group(
        site, alarms, datasource, placeholders, dashboard_link, account_id
    )
    if not planned.rules:
        return None, ()

    def render(ids: list[str]) -> list[grafana.alerting.RuleGroupRuleArgs]:
        group = monitoring_health_group(
            site,
            alarms,
            datasource,
            dict(zip(names, ids, strict=True)),
            dashboard_link,
            account_id,
        )
        return [_rule_args(rule) for rule in group.rules]

    rules = pulumi.Output.all(*(health_check_ids[n] for n in names)).apply(render)
    group = grafana.alerting.RuleGroup(
        f"{site.id}-monitoring-health",
        name=planned.name,
        folder_uid=folder_uid,
        interval_seconds=planned.interval_seconds,
        rules=rules,
        opts=opts,
    )
    return group, planned.rules


def delivery_rule_group(
    site: Site,
    queues: Sequence[DeliveryQueue],
    folder_uid: pulumi.Input[str],
    settings: GrafanaSettings,
    dashboard_link: str,
    opts: pulumi.ResourceOptions,
) -> tuple[grafana.alerting.RuleGroup | None, tuple[AlertRule, ...]]:
    """The site's ``<site> pagerduty delivery`` group: a critical rule per dead-letter queue
    (``vigil.grafana.delivery``) in its client's folder; ``None`` without queues."""
    if not queues:
        return None, ()
    account_id = settings.access.reader(site.aws_account_id, site.aws_region).query_account_id
    planned = delivery.delivery_group(
        site,
        queues,
        lambda q: settings.cloudwatch_uid(site.aws_account_id, q.region),
        dashboard_link,
        account_id,
    )
    group = grafana.alerting.RuleGroup(
        f"{site.id}-pagerduty-delivery",
        name=planned.name,
        folder_uid=folder_uid,
        interval_seconds=planned.interval_seconds,
        rules=[_rule_args(rule) for rule in planned.rules],
        opts=opts,
    )
    return group, planned.rules


# --------------------------------------------------------------------------- program wiring


class GrafanaPlugin:
    """The ``"grafana"`` ``SitePlugin``: one ``SiteDashboard`` per site, under its
    ``SiteMonitoring``; remembers them so the program can route alerts to them afterwards."""

    def __init__(
        self,
        settings: GrafanaSettings,
        folders: Mapping[str, grafana.oss.Folder],
        datasources: Mapping[str, grafana.oss.DataSource],
    ) -> None:
        self.settings = settings
        self.folders = folders
        self.datasources = datasources
        self.dashboards: dict[str, SiteDashboard] = {}

    def __call__(self, sm: SiteMonitoring) -> SiteDashboard:
        site = sm.site
        component = SiteDashboard(
            f"{site.id}-grafana",
            site,
            sm.alarms,
            folder_uid=self.folders[site.client].uid,
            pagerduty_key=sm.grafana_integration_key,
            settings=self.settings,
            pagerduty_service_url=sm.pagerduty.html_url,
            health_check_ids=sm.cloudwatch.health_check_ids,
            depends_on=[
                ds
                for key, ds in sorted(self.datasources.items())
                if key in datasource_keys(site, self.settings)
            ],
            delivery_queues=sm.topics.queues,
            opts=sm.child_opts(),
        )
        self.dashboards[site.id] = component
        return component

    def contact_points(self) -> dict[str, pulumi.Output[str]]:
        """Site id → contact point name (an Output, so routes wait for the contact point)."""
        return {site_id: c.contact_point_name for site_id, c in self.dashboards.items()}


def grafana_plugin(
    settings: GrafanaSettings,
    sites: Sequence[Site],
    opts: pulumi.ResourceOptions | None = None,
    *,
    own_datasources: bool = True,
) -> GrafanaPlugin | None:
    """Program-level Grafana (client folders, CloudWatch data sources) and the per-site
    plugin; ``None`` (after logging why) when the stack has no Grafana. A fleet's site stack
    (``own_datasources=False``) reads the data sources the shared stack created, by their
    deterministic uids (`vigil.grafana.datasources.cloudwatch_uid`).

    Call ``finish_grafana`` once every site's plugin ran: the notification policy needs all
    contact points.
    """
    if report_skipped(settings):
        return None
    folders = client_folders((s.client for s in sites), opts)
    datasources = cloudwatch_datasources(sites, settings, opts) if own_datasources else {}
    return GrafanaPlugin(settings, folders, datasources)


def finish_grafana(
    plugin: GrafanaPlugin, sites: Sequence[Site], opts: pulumi.ResourceOptions | None = None
) -> grafana.alerting.NotificationPolicy | None:
    """The org's notification policy, routing ``site=<id>`` to every site's contact point."""
    return notification_policy(sites, plugin.contact_points(), plugin.settings, opts)
