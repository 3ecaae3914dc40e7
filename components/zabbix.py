"""Zabbix monitoring of one site as a Pulumi component (dynamic resources underneath).

Per site: ``{site}-zabbix-config`` (host group, site template with web scenarios, service
templates, hosts; one ``configuration.import``) and ``{site}-zabbix-pagerduty-action`` (routing
user + action). The ``vigil PagerDuty`` media type and routing user group are shared by all
sites of a stack: one ``vigil-zabbix-pagerduty-media`` resource per Zabbix server, created by
the first site that needs it (or passed in as ``shared``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import pulumi
from pulumi.dynamic import Resource

from vigil import sdk_patches
from vigil.models import Site
from vigil.settings import ZabbixSettings
from vigil.zabbix.media import events_endpoint
from vigil.zabbix.provider import ZabbixProvider, config_inputs, media_inputs
from vigil.zabbix.render import RenderOptions, site_objects

if TYPE_CHECKING:
    from components.site import SiteMonitoring

COMPONENT_TYPE = "vigil:zabbix:SiteMonitoring"


@dataclass(frozen=True)
class ZabbixConnection:
    """How the provider reaches Zabbix. ``None`` fields fall back to the provider's env.

    ``url`` is plain; ``token`` and ``password`` are wrapped as Pulumi secrets.
    """

    url: pulumi.Input[str] | None = None
    token: pulumi.Input[str] | None = None
    user: pulumi.Input[str] | None = None
    password: pulumi.Input[str] | None = None

    @classmethod
    def of(cls, settings: ZabbixSettings) -> ZabbixConnection:
        """The connection ``StackSettings.zabbix`` describes (secrets stay sealed)."""
        return cls(
            url=settings.url, token=settings.token, user=settings.user, password=settings.password
        )

    def inputs(self) -> dict[str, pulumi.Input[str] | None]:
        return {
            "url": self.url,
            "token": pulumi.Output.secret(self.token) if self.token is not None else None,
            "user": self.user,
            "password": pulumi.Output.secret(self.password) if self.password is not None else None,
        }


# Two dynamic resources per site: without this the SDK's serializer recurses past ~985 of them.
sdk_patches.install()
_PROVIDER = ZabbixProvider()


class ZabbixResource(Resource, module="zabbix", name="Resource"):
    """A vigil Zabbix object (``kind`` says which) managed by :class:`ZabbixProvider`."""

    # Outputs of a ``pagerduty-media`` resource (declared in its inputs as ``None``, filled
    # by the provider's ``create``): how Pulumi's dynamic resources declare typed outputs.
    mediatypeid: pulumi.Output[str]
    usrgrpid: pulumi.Output[str]
    roleid: pulumi.Output[str]

    def __init__(self, name: str, props: dict, opts: pulumi.ResourceOptions | None = None):
        super().__init__(_PROVIDER, name, props, opts)


class ZabbixSharedRouting(pulumi.ComponentResource):
    """The stack-wide PagerDuty media type and routing user group on one Zabbix server."""

    def __init__(
        self,
        name: str,
        connection: ZabbixConnection | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        pagerduty_region: str = "us",
    ) -> None:
        super().__init__("vigil:zabbix:SharedRouting", name, None, opts)
        conn = connection or ZabbixConnection()
        self.media = ZabbixResource(
            f"{name}-media",
            {
                **media_inputs(endpoint=events_endpoint(pagerduty_region)),
                **conn.inputs(),
                "mediatypeid": None,
                "usrgrpid": None,
                "roleid": None,
            },
            pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


class MediaIds(Protocol):
    """The shared media type's ids a site's routing action points at."""

    @property
    def mediatypeid(self) -> pulumi.Output[Any]: ...
    @property
    def usrgrpid(self) -> pulumi.Output[Any]: ...
    @property
    def roleid(self) -> pulumi.Output[Any]: ...


class SharedRouting(Protocol):
    """`ZabbixSharedRouting`, or `components.shared.ReferencedRouting` in a fleet site stack."""

    @property
    def media(self) -> MediaIds: ...


class ZabbixSiteMonitoring(pulumi.ComponentResource):
    """Everything Zabbix does for one site: web checks, servers, PagerDuty routing."""

    template_name: pulumi.Output[str]
    host_names: pulumi.Output[list[str]]
    has_web_checks: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        site: Site,
        pagerduty_routing_key: pulumi.Input[str],
        connection: ZabbixConnection | None,
        shared: SharedRouting,
        opts: pulumi.ResourceOptions | None = None,
        *,
        dashboard_url: str = "",
    ) -> None:
        props = {"siteId": site.id}
        super().__init__(COMPONENT_TYPE, name, props, opts)
        conn = connection or ZabbixConnection()
        objects = site_objects(site)
        child = pulumi.ResourceOptions(parent=self)
        self.config = ZabbixResource(
            f"{site.id}-zabbix-config",
            {**config_inputs(site, RenderOptions(dashboard_url=dashboard_url)), **conn.inputs()},
            child,
        )
        media = shared.media
        self.routing = ZabbixResource(
            f"{site.id}-zabbix-pagerduty-action",
            {
                "kind": "routing",
                "site": site.id,
                "routing_key": pulumi.Output.secret(pagerduty_routing_key),
                "mediatypeid": media.mediatypeid,
                "usrgrpid": media.usrgrpid,
                "roleid": media.roleid,
                **conn.inputs(),
            },
            pulumi.ResourceOptions(parent=self, depends_on=[self.config]),
        )
        self.template_name = pulumi.Output.from_input(objects.template_name)
        self.host_names = pulumi.Output.from_input(list(objects.host_names))
        self.has_web_checks = pulumi.Output.from_input(bool(objects.web_scenarios))
        self.register_outputs(
            {
                **props,
                "template_name": self.template_name,
                "host_names": self.host_names,
                "has_web_checks": self.has_web_checks,
            }
        )


ZabbixPlugin = Callable[["SiteMonitoring"], ZabbixSiteMonitoring]


def zabbix_plugin(
    settings: ZabbixSettings, shared: SharedRouting | None = None
) -> ZabbixPlugin | None:
    """The per-site factory ``SiteMonitoring`` calls, or ``None`` (reason logged) without Zabbix.

    Zabbix is managed when the stack names a server (``vigil:zabbixUrl``) or the environment
    does (``ZABBIX_URL``): ``StackSettings.zabbix.enabled``. The shared PagerDuty media type is
    created here, once per program run, so every site's routing action depends on the same
    object; a site stack of a fleet passes ``shared`` (`components.shared.ReferencedRouting`,
    the shared stack's media type ids) instead.
    """
    if not settings.enabled:
        pulumi.log.info(settings.skip_message)
        return None
    connection = ZabbixConnection.of(settings)
    if shared is None:
        shared = ZabbixSharedRouting(
            "vigil-zabbix-pagerduty", connection, pagerduty_region=settings.pagerduty_region
        )

    def plugin(monitoring: SiteMonitoring) -> ZabbixSiteMonitoring:
        site = monitoring.site
        return ZabbixSiteMonitoring(
            f"{site.id}-zabbix",
            site,
            monitoring.zabbix_integration_key,
            connection,
            shared,
            opts=pulumi.ResourceOptions(parent=monitoring),
            dashboard_url=monitoring.dashboard_url,
        )

    return plugin
