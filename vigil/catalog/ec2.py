"""EC2 instances: CPU, CPU credits (T family), the two status checks (system → EC2 recover).

CPU is published every 5 minutes unless the instance has detailed monitoring
(``detailed_monitoring: true``, off by default as in EC2), so its alarms use a 300 s period
then: a one-minute alarm on five-minute data sees one datapoint in five periods. Status checks
are one-minute metrics either way (``vigil.detection.publication``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.detection import publication
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.EC2
NS = "AWS/EC2"


@dataclass(frozen=True)
class Ec2Instance:
    id: str
    name: str
    instance_type: str
    thresholds: Thresholds = field(default_factory=frozen_map)
    detailed_monitoring: bool = False
    may_be_stopped: bool = False
    """Stopped on purpose at times (a batch or standby host): a stopped instance publishes no
    status checks and no CPU, so its status-check alarms treat missing data as not breaching
    and it gets no heartbeat alarm (``Signal.when_stopped``, ``vigil.catalog.alarms``)."""

    @property
    def burstable(self) -> bool:
        """T family (t2, t3, t3a, t4g): runs on CPU credits."""
        return self.instance_type.lower().startswith("t")


def build(doc: Doc, thresholds: ResolveThresholds) -> Ec2Instance:
    return Ec2Instance(
        id=doc["id"],
        name=doc.get("name", doc["id"]),
        instance_type=doc["instance_type"],
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
        detailed_monitoring=bool(doc.get("detailed_monitoring", False)),
        may_be_stopped=bool(doc.get("may_be_stopped", False)),
    )


SCHEMA = {
    "type": "object",
    "description": "An EC2 instance.",
    "additionalProperties": False,
    "required": ["id", "instance_type"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^i-([0-9a-f]{8}|[0-9a-f]{17})$",
            "description": "EC2 instance id: i- followed by 8 or 17 hex digits.",
        },
        "name": {
            "type": "string",
            "minLength": 1,
            "description": "Name used in alarm names (default: the id).",
        },
        "instance_type": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9-]*\\.[a-z0-9]+$",
            "description": "instance type, e.g. m6i.large.",
        },
        "detailed_monitoring": {
            "type": "boolean",
            "description": "Whether the instance has EC2 detailed (one-minute) monitoring; "
            "default false, EC2's default: CPU is then published every 5 minutes and its "
            "alarms use 300 s periods.",
        },
        "may_be_stopped": {
            "type": "boolean",
            "description": "Whether the instance is stopped on purpose at times (default "
            "false). A stopped instance publishes no StatusCheckFailed data and no CPU: with "
            "true its status-check alarms treat missing data as notBreaching (a stop does not "
            "page; a running instance failing its checks still does) and it gets no "
            "heartbeat-warning alarm, so a wrong instance id is not noticed either.",
        },
    },
}

STATUS_CHECK_MISSING_DATA = (
    "Breaching: an instance that stops reporting its status checks is down. An instance with "
    "may_be_stopped: true is stopped on purpose at times and then publishes no status checks "
    "(EC2 user guide, \"Status checks for Amazon EC2 instances\": checks run on running "
    "instances), so its alarms treat missing data as notBreaching."
)
"""Why both status-check signals treat missing data as they do (one reason, two rows)."""


SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="cpu_utilization",
        namespace=NS,
        metric="CPUUtilization",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=95),
        unit="percent",
        title="CPU utilization",
        description="Sustained CPU saturation of the instance.",
        source=src.recommended("Amazon EC2", "CPUUtilization"),
        resolution=lambda instance: publication.resolution(
            NS, "CPUUtilization", instance.detailed_monitoring
        ),
        heartbeat=True,
        heartbeat_source=src.HEARTBEAT["ec2"],
        missing_data_reason="Published every 5 minutes (1 with detailed monitoring) while the "
        "instance runs; a gap is a stopped instance or a wrong id, which the heartbeat alarm "
        "reports; the level alarm goes to INSUFFICIENT_DATA (missing) instead of paging.",
    ),
    Signal(
        key="cpu_credit_balance",
        missing_data_reason="Published every 5 minutes for a running T instance; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as exhausted credits.",
        namespace=NS,
        metric="CPUCreditBalance",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=20),
        applies=lambda i: i.burstable,
        period_seconds=300,
        title="CPU credits",
        description="CPU credits left on a burstable (T) instance; one credit is one "
        "vCPU-minute at 100%. In standard mode the instance is throttled to its baseline at "
        "zero, in unlimited mode it bills surplus credits: either way it is undersized. "
        "Published every 5 minutes.",
        source=src.join(
            src.metrics("ec2", "CPUCreditBalance", "burstable instances, 5-minute data"),
            "cloudposse rds-cloudwatch-sns-alarms (CPUCreditBalance < 20)",
        ),
    ),
    Signal(
        key="status_check_failed_system",
        namespace=NS,
        metric="StatusCheckFailed_System",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(critical=1),
        treat_missing_data="breaching",
        availability=True,
        when_stopped="notBreaching",
        missing_data_reason=STATUS_CHECK_MISSING_DATA,
        title="System status check",
        description="AWS host problem (hardware, network, power); EC2 recover moves the instance.",
        source=src.join(
            src.recommended("Amazon EC2", "StatusCheckFailed"),
            src.metrics("ec2", "StatusCheckFailed_System"),
        ),
    ),
    Signal(
        key="status_check_failed_instance",
        namespace=NS,
        metric="StatusCheckFailed_Instance",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(critical=1),
        treat_missing_data="breaching",
        availability=True,
        when_stopped="notBreaching",
        missing_data_reason=STATUS_CHECK_MISSING_DATA,
        title="Instance status check",
        description="The guest OS does not answer (kernel panic, memory exhausted, bad network).",
        source=src.join(
            src.recommended("Amazon EC2", "StatusCheckFailed"),
            src.metrics("ec2", "StatusCheckFailed_Instance"),
        ),
    ),
)

RECOVER_SIGNAL = "status_check_failed_system"

# Families whose instances the CloudWatch ``recover`` action supports: EBS-only storage, not
# bare metal (instance-store families such as m5d or c6id are absent on purpose).
RECOVERABLE_FAMILIES: frozenset[str] = frozenset(
    (
        "a1",
        "c3",
        "c4",
        "c5",
        "c5a",
        "c5n",
        "c6a",
        "c6g",
        "c6gn",
        "c6i",
        "c6in",
        "c7a",
        "c7g",
        "c7gn",
        "c7i",
        "c8g",
        "hpc6a",
        "inf1",
        "m3",
        "m4",
        "m5",
        "m5a",
        "m5n",
        "m5zn",
        "m6a",
        "m6g",
        "m6i",
        "m6in",
        "m7a",
        "m7g",
        "m7i",
        "m7i-flex",
        "m8g",
        "p3",
        "p4d",
        "r3",
        "r4",
        "r5",
        "r5a",
        "r5b",
        "r5n",
        "r6a",
        "r6g",
        "r6i",
        "r6in",
        "r7a",
        "r7g",
        "r7i",
        "r7iz",
        "r8g",
        "t2",
        "t3",
        "t3a",
        "t4g",
        "x1",
        "x1e",
        "x2iezn",
        "u-3tb1",
        "u-6tb1",
    )
)


def recoverable(instance_type: str) -> bool:
    """Whether a ``StatusCheckFailed_System`` alarm may carry the EC2 recover action."""
    family, _, size = instance_type.lower().partition(".")
    return family in RECOVERABLE_FAMILIES and not size.startswith("metal")


def recover_action_arn(region: str) -> str:
    return f"arn:aws:automate:{region}:ec2:recover"


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(i.id, {"InstanceId": i.id}, i.thresholds, i) for i in site.resources.ec2_instances
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="EC2 instances",
    signals=SIGNALS,
    targets=targets,
    row=Row("EC2 instances", 60),
    inventory_key="ec2_instances",
    build=build,
    schema=SCHEMA,
)
