"""``SiteMonitoring``: everything one site gets, as one subtree of the resource graph.

Children: PagerDuty ``SiteService`` → SNS ``SiteTopics`` subscribed to it → ``CloudWatchAlarms``
notifying those topics. Grafana and Zabbix plug in through ``plugins``: factories called with the
finished ``SiteMonitoring`` (parent, site, integration keys, dashboard URL) that return their
own component; see ``SitePlugin``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pulumi

from components.cloudwatch import CloudWatchAlarms
from components.pagerduty import CLOUDWATCH_VENDOR, Directory, EscalationPolicies, SiteService
from components.providers import Providers
from components.sns import SiteTopics
from vigil import naming
from vigil.catalog.alarms import AlarmSpec, alarms_for_site
from vigil.models import Site

SitePlugin = Callable[["SiteMonitoring"], pulumi.ComponentResource | None]
"""Builds one tool's component for a site; create it with ``opts=site.child_opts()``.

Use ``site.site``, ``site.dashboard_url``, ``site.grafana_integration_key`` /
``site.zabbix_integration_key`` (secret Outputs of the site's PagerDuty Events v2 keys) and
``site.alarms`` (the same ``AlarmSpec``s CloudWatch uses, for dashboard panels).
"""


def project_path(path: str) -> str:
    """``path`` relative to the project (the program's working directory, as under `pulumi up`
    and `vigil plan`) when it lies inside it, else absolute: how policy messages name the file."""
    if not path:
        return ""
    full = Path(path).resolve()
    try:
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return full.as_posix()


class SiteMonitoring(pulumi.ComponentResource):
    """One site's complete monitoring; name = site id; props are what policies read."""

    def __init__(
        self,
        site: Site,
        *,
        team_oncall: EscalationPolicies,
        directory: Directory,
        providers: Providers,
        dashboard_url: str | None = None,
        plugins: Mapping[str, SitePlugin] | None = None,
        alarms: Sequence[AlarmSpec] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plugins = dict(plugins or {})
        props = {
            "siteId": site.id,
            "client": site.client,
            "tier": site.tier.name,
            "responseSlaMinutes": site.tier.response_sla_minutes,
            "detectionMinutes": site.tier.detection_minutes,
            "support24x7": site.tier.is_24x7,
            "ownerTeam": site.owner_team,
            "zabbixEnabled": "zabbix" in plugins,
            "grafanaEnabled": "grafana" in plugins,
            "sourceFile": project_path(site.source),
        }
        super().__init__("vigil:index:SiteMonitoring", site.id, props, opts)
        self.site = site
        # ``dashboard_url``: base URL of dashboard links (``StackSettings.dashboard_url``)
        self.dashboard_url = naming.dashboard_url(dashboard_url, site) if dashboard_url else ""
        self.alarms = tuple(alarms) if alarms is not None else alarms_for_site(site, dashboard_url)

        self.pagerduty = SiteService(
            f"{site.id}-pagerduty",
            site,
            escalation_policy_id=team_oncall.escalation_policy_ids[site.tier.name],
            cloudwatch_vendor_id=directory.vendor_id(CLOUDWATCH_VENDOR),
            opts=self.child_opts(),
        )
        self.service_id = self.pagerduty.service_id
        self.grafana_integration_key = self.pagerduty.grafana_key
        self.zabbix_integration_key = self.pagerduty.zabbix_key

        self.topics = SiteTopics(
            f"{site.id}-sns",
            site,
            regions={spec.region for spec in self.alarms},
            endpoint=self.pagerduty.cloudwatch_endpoint,
            providers=providers,
            opts=self.child_opts(),
        )
        self.cloudwatch = CloudWatchAlarms(
            f"{site.id}-cloudwatch",
            site,
            self.alarms,
            self.topics.arns,
            providers,
            opts=self.child_opts(),
        )
        self.alarm_count = self.cloudwatch.alarm_count

        # Plug-in point: Grafana (vigil:grafana:SiteDashboard), Zabbix (vigil:zabbix:...).
        self.plugins: dict[str, pulumi.ComponentResource | None] = {
            key: factory(self) for key, factory in sorted(plugins.items())
        }
        # Props are re-registered as outputs: in a real preview, policies see only outputs.
        self.register_outputs(
            {**props, "serviceId": self.service_id, "alarmCount": self.alarm_count}
        )

    def child_opts(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self)

    @property
    def topic_arns(self) -> dict[str, pulumi.Output[str]]:
        """Topics in the site's own region, by severity."""
        return dict(self.topics.arns[self.site.aws_region])
