"""pagerduty-delivery-watched: a page SNS could not deliver is kept, and someone is paged on it.

SNS gives up on an HTTPS subscription after its delivery policy's retries and, without a
redrive policy, drops the message (Amazon SNS Developer Guide, 'Amazon SNS dead-letter queues':
https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html): the alarm fired, the
page is gone, nothing records it. So every HTTPS subscription to PagerDuty must have
- a ``redrivePolicy`` whose ``deadLetterTargetArn`` is an SQS queue of the stack,
- a queue policy on that queue letting ``sns.amazonaws.com`` ``sqs:SendMessage`` (for the
  subscription's topic, when it names one): without it SNS cannot move the message and drops it
  anyway (https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html),
- when the site deploys Grafana (``grafanaEnabled``), a *critical* Grafana alert rule labelled
  ``site=<id>`` reading ``AWS/SQS ApproximateNumberOfMessagesVisible`` of that queue in its
  region: the page on a lost page, through Grafana's PagerDuty contact point, which does not
  depend on the failing subscription (``vigil.grafana.delivery``). A CloudWatch alarm does not
  count: it would notify through an SNS topic subscribed to the same PagerDuty integration.

Without Grafana the dead-letter queue alone is required (the lost notifications are kept for
14 days and `vigil plan` notes that nothing pages on them).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation

from policies import define as d
from policies import graph as g
from policies.alarm_has_actions import endpoint_is_pagerduty

NAME = "pagerduty-delivery-watched"
DESCRIPTION = (
    "Every SNS subscription to PagerDuty has a dead-letter queue SNS may write to, watched by a "
    "critical Grafana rule routed by the site label (when the site has Grafana)."
)
REMEDIATION = (
    "vigil creates the queue ({site}-dlq-{severity}), its policy, the subscription's "
    "redrivePolicy and the '<site> pagerduty delivery' Grafana rule group for every PagerDuty "
    "subscription: one missing was removed or overridden in the program."
)
DEFAULTS: dict[str, Any] = {
    "pagerdutyEndpointPrefix": "https://events.pagerduty.com/integration/",
    "requireGrafanaWatcher": True,
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    pagerdutyEndpointPrefix="HTTPS endpoint prefix of PagerDuty's CloudWatch integration.",
    requireGrafanaWatcher=(
        "Require a critical Grafana rule on each dead-letter queue of sites whose "
        "grafanaEnabled is true."
    ),
)

SQS_NAMESPACE = "AWS/SQS"
DEPTH_METRIC = "ApproximateNumberOfMessagesVisible"
QUEUE_DIMENSION = "QueueName"
SNS_PRINCIPAL = "sns.amazonaws.com"
SEND_ACTIONS = frozenset({"sqs:SendMessage", "sqs:*", "*"})
_QUEUE_URL = re.compile(r"^https://(?P<host>[^/]+)/(?P<account>\d+)/(?P<name>[^/]+)$")
"""``QueueUrl`` (botocore sqs model, CreateQueue output): ``https://sqs.<region>.<domain>/<account>/
<name>``; legacy endpoints (``queue.amazonaws.com``) carry no region, so only the name and, when
the host names one, the region are compared."""
_URL_REGION = re.compile(r"^sqs\.(?P<region>[a-z0-9-]+)\.")


def _region_of(res: PolicyResource) -> str | None:
    if res.provider is None:
        return None
    region = g.prop(res.provider.props, "region")
    return region if isinstance(region, str) and not g.is_unknown(region) else None


def _queue_name(graph: g.Graph, queue: PolicyResource) -> str:
    name = graph.props(queue).get("name")
    return name if isinstance(name, str) and not g.is_unknown(name) else queue.name


def _dead_letter_queue(
    graph: g.Graph, sub: PolicyResource
) -> tuple[PolicyResource | None, str | None]:
    """(queue, problem): the queue the redrive policy names, or why there is none; both
    ``None`` when it cannot be decided (preview: the queue's ARN is unknown)."""
    raw = g.prop(sub.props, "redrivePolicy")
    if g.is_unknown(raw) or raw == g.MASKED_SECRET:
        deps = [q for q in (sub.property_dependencies or {}).get("redrivePolicy", ())
                if q.resource_type == g.SQS_QUEUE]
        return (deps[0], None) if len(deps) == 1 else (None, None)
    if not raw:
        return None, "has no redrivePolicy: SNS drops what it cannot deliver"
    try:
        doc = json.loads(raw) if isinstance(raw, str) else raw
        target = doc.get("deadLetterTargetArn")
    except (ValueError, AttributeError):
        return None, f"has a redrivePolicy that is not a JSON object ({raw!r})"
    if g.is_unknown(target):
        return None, None
    queues = graph.lookup(g.SQS_QUEUE, target)
    if not queues:
        return None, f"redrives to {target!r}, which is no SQS queue of this stack"
    return queues[0], None


def _policy_index(graph: g.Graph) -> _PolicyIndex:
    """The stack's queue policies once: by the queue name their ``queueUrl`` names (with the
    URL's region, if any), and those whose URL is unknown (preview). Asking every policy per
    queue was queues × policies: 4 s of a 200-site plan."""
    by_name: dict[str, list[tuple[str | None, PolicyResource]]] = defaultdict(list)
    unresolved: list[PolicyResource] = []
    for policy in graph.of_type(g.SQS_QUEUE_POLICY):
        url = g.prop(policy.props, "queueUrl")
        if isinstance(url, str) and not g.is_unknown(url):
            match = _QUEUE_URL.match(url)
            if match:
                host = _URL_REGION.match(match["host"])
                by_name[match["name"]].append((host["region"] if host else None, policy))
            continue
        unresolved.append(policy)
    return _PolicyIndex(dict(by_name), unresolved)


@dataclass(frozen=True)
class _PolicyIndex:
    by_name: Mapping[str, list[tuple[str | None, PolicyResource]]]
    unresolved: list[PolicyResource]


def _policies_of(graph: g.Graph, queue: PolicyResource) -> tuple[list[PolicyResource], bool]:
    """Queue policies on ``queue`` (matched by ``queueUrl``: region, account and name, or the
    recorded dependency), and whether some policy's queue could not be decided."""
    index = graph.memo(NAME, _policy_index)
    region, name = _region_of(queue), _queue_name(graph, queue)
    found = [
        policy
        for url_region, policy in index.by_name.get(name, ())
        if None in (region, url_region) or region == url_region
    ]
    undecided = False
    for policy in index.unresolved:
        deps = (policy.property_dependencies or {}).get("queueUrl", ())
        if any(dep.urn == queue.urn for dep in deps):
            found.append(policy)
        elif not deps:
            undecided = True
    return found, undecided


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _lets_sns_send(document: Any, topic_arn: Any) -> bool:
    """An Allow statement for the SNS service principal with SendMessage, whose ``aws:SourceArn``
    condition (if any) names the subscription's topic."""
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    for st in _as_list(statements or []):
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, Mapping) else []
        if principal != "*" and SNS_PRINCIPAL not in services:
            continue
        if not SEND_ACTIONS & set(_as_list(st.get("Action"))):
            continue
        sources = [
            value
            for test in (st.get("Condition") or {}).values()
            if isinstance(test, Mapping)
            for key, value in test.items()
            if key.lower() == "aws:sourcearn"
        ]
        if not sources or not isinstance(topic_arn, str) or g.is_unknown(topic_arn):
            return True
        if any(topic_arn in _as_list(v) for v in sources):
            return True
    return False


def _model(data: Mapping[str, Any]) -> Mapping[str, Any]:
    model = data.get("model")
    if isinstance(model, str):
        try:
            model = json.loads(model)
        except ValueError:
            return {}
    return model if isinstance(model, Mapping) else {}


def _reads_queue(model: Mapping[str, Any], name: str, region: str | None) -> bool:
    dims = model.get("dimensions")
    values = _as_list(dims.get(QUEUE_DIMENSION)) if isinstance(dims, Mapping) else []
    return (
        model.get("namespace") == SQS_NAMESPACE
        and model.get("metricName") == DEPTH_METRIC
        and name in values
        and (region is None or model.get("region") in (region, None, "default"))
    )


def watchers(graph: g.Graph, site: g.SiteInfo, name: str, region: str | None
             ) -> list[dict[str, Any]] | None:
    """The site's critical Grafana rules, routed by ``site=<id>``, that read the depth of queue
    ``name`` in ``region``; ``None`` while a rule group's rules are unknown (preview)."""
    found = []
    for group in graph.descendants(site.resource, g.GRAFANA_RULE_GROUP):
        rules = graph.props(group).get("rules")  # memoised: asked again per subscription
        if g.contains_unknown(rules):
            return None
        for rule in rules if isinstance(rules, list) else []:
            if not isinstance(rule, Mapping):
                continue
            labels = rule.get("labels") or {}
            if labels.get(g.GRAFANA_SITE_LABEL) != site.site_id:
                continue
            if labels.get("severity") != "critical":
                continue
            if any(_reads_queue(_model(q), name, region) for q in rule.get("datas") or []
                   if isinstance(q, Mapping)):
                found.append(dict(rule))
    return found


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    for sub in graph.of_type(g.SNS_SUBSCRIPTION):
        protocol = g.prop(sub.props, "protocol")
        pagerduty = endpoint_is_pagerduty(sub, cfg["pagerdutyEndpointPrefix"])
        if g.is_unknown(protocol) or pagerduty is None:
            unverified.add(f"endpoint of SNS subscription {sub.name}")
            continue
        if protocol != "https" or not pagerduty:
            continue
        site = graph.site_of(sub)
        where = f"SNS subscription {sub.name}" + (f" of site {site.site_id}" if site else "")
        queue, problem = _dead_letter_queue(graph, sub)
        if problem:
            report(f"{where} {problem}. {REMEDIATION}", sub.urn)
            continue
        if queue is None:
            unverified.add(f"dead-letter queue of {where}")
            continue
        name, region = _queue_name(graph, queue), _region_of(queue)
        policies, undecided = _policies_of(graph, queue)
        topic = g.prop(sub.props, "topic")
        documents: list[Any] = []
        for policy in policies:
            raw = g.prop(policy.props, "policy")
            if g.is_unknown(raw):
                documents.append(None)
                continue
            try:
                documents.append(json.loads(raw) if isinstance(raw, str) else raw)
            except ValueError:
                continue
        if not any(doc is not None and _lets_sns_send(doc, topic) for doc in documents):
            if undecided or None in documents:
                unverified.add(f"queue policy of dead-letter queue {name} of {where}")
            else:
                report(
                    f"{where}: its dead-letter queue {name} has no queue policy letting "
                    f"{SNS_PRINCIPAL} sqs:SendMessage for its topic, so SNS cannot move an "
                    f"undelivered page there and drops it. {REMEDIATION}",
                    queue.urn,
                )
        if site is None or not site.grafana_enabled or not cfg["requireGrafanaWatcher"]:
            continue
        found = watchers(graph, site, name, region)
        if found is None:
            unverified.add(f"Grafana rule watching dead-letter queue {name} of {where}")
        elif not found:
            report(
                f"{where}: no critical Grafana rule labelled {g.GRAFANA_SITE_LABEL}="
                f"{site.site_id} watches {SQS_NAMESPACE} {DEPTH_METRIC} of its dead-letter "
                f"queue {name}{f' in {region}' if region else ''}, so a page SNS could not "
                f"deliver pages nobody. {REMEDIATION}",
                sub.urn,
            )


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
