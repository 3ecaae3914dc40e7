"""Site file checks that do not involve other sites: references, AWS identifiers, replicas,
URLs and servers, tags, thresholds, availability and on-call coverage."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from vigil import catalog
from vigil.inventory.cascade import order_problems
from vigil.inventory.checks import pagerduty, zabbix
from vigil.inventory.checks.context import Context, Where
from vigil.inventory.checks.identifiers import (
    address_problem,
    partition_of,
    region_problem,
    same_url_key,
    url_problem,
)
from vigil.inventory.checks.thresholds import layer_problems, signal_problems
from vigil.inventory.problems import Path, Problem, did_you_mean, format_path
from vigil.inventory.yaml_source import Source
from vigil.models import ResourceType
from vigil.oncall_calendar import summarize
from vigil.pagerduty import l1_delay_problem

RESERVED_TAGS = ("vigil:", "managed-by", "aws:")
ELB_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):elasticloadbalancing:(?P<region>[^:]+):(?P<account>\d{12}):"
    r"(?P<kind>loadbalancer/app|targetgroup)/(?P<name>[^/]+)/(?P<id>[0-9a-f]+)$"
)


def check_site(src: Source, folder: str, ctx: Context) -> list[Problem]:
    """Everything about one schema-valid site file that does not involve other sites."""
    doc = src.data
    problems: list[Problem] = []
    if doc["client"] != folder:
        problems.append(
            src.problem(
                ("client",),
                f"client '{doc['client']}' does not match the folder sites/{folder}/; "
                f"move the file to sites/{doc['client']}/ or set client: {folder}",
            )
        )
    problems += _reference_problems(src, ctx)
    problems += _aws_problems(src)
    problems += _rds_replica_problems(src)
    problems += _url_and_server_problems(src)
    problems += zabbix.site_problems(src)
    problems += _tag_problems(src)
    problems += pagerduty.site_problems(src)
    problems += _site_threshold_problems(src, ctx)
    if not doc.get("urls"):
        problems.append(_no_url_problem(src))
    problems += _coverage_problems(src, ctx)
    return problems


def _no_url_problem(src: Source) -> Problem:
    """Every site needs a URL check, whatever else it has.

    The mandatory policy every-site-covered requires a Route 53 health check per site (and a
    Zabbix web scenario where Zabbix is on), and both come from ``urls``; load balancer and
    resource alarms do not notice a site that is unreachable from outside (DNS, certificate,
    CDN). Reported at ``urls`` when it is empty, else at ``resources`` (what is there instead).
    """
    doc = src.data
    at: Path = ("urls",) if "urls" in doc else ("resources",) if "resources" in doc else ()
    return src.problem(
        at,
        "no URL check: add a urls entry (every site needs one: the mandatory policy "
        "every-site-covered requires a Route 53 health check, and Zabbix a web scenario); "
        "load balancer and resource alarms do not notice a site that is unreachable from "
        "outside",
        at_key=True,
    )


def _reference_problems(src: Source, ctx: Context) -> Iterator[Problem]:
    doc = src.data
    if ctx.tier_names is not None and doc["tier"] not in ctx.tier_names:
        yield src.problem(
            ("tier",),
            f"unknown tier '{doc['tier']}' (defaults.yaml defines: "
            f"{', '.join(sorted(ctx.tier_names))}){did_you_mean(doc['tier'], ctx.tier_names)}",
        )
    if ctx.team_names is not None and doc["owner_team"] not in ctx.team_names:
        yield src.problem(
            ("owner_team",),
            f"unknown team '{doc['owner_team']}' (teams.yaml defines: "
            f"{', '.join(sorted(ctx.team_names))})"
            + did_you_mean(doc["owner_team"], ctx.team_names),
        )


def _aws_problems(src: Source) -> Iterator[Problem]:
    doc = src.data
    region, account = doc["aws"]["region"], doc["aws"]["account_id"]
    if problem := region_problem(region):
        yield src.problem(("aws", "region"), problem)
    resources = doc.get("resources") or {}
    for kind in catalog.LISTED:
        list_key = kind.inventory_key
        assert list_key is not None
        ids: dict[str, int] = {}
        for index, item in enumerate(resources.get(list_key, ())):
            ident = item[kind.id_field]
            key = ident.lower() if kind.ids_case_insensitive else ident
            if key in ids:
                yield src.problem(
                    (*_item_path(list_key, index), kind.id_field),
                    f"'{ident}' is listed twice (also {list_key}[{ids[key]}])",
                )
            ids.setdefault(key, index)
    for index, lb in enumerate(resources.get("load_balancers", ())):
        path = _item_path("load_balancers", index)
        yield from _arn_problems(src, (*path, "arn"), lb, region, account)
        for t_index, tg in enumerate(lb.get("target_groups", ())):
            yield from _arn_problems(
                src, (*path, "target_groups", t_index, "arn"), tg, region, account
            )
        groups = lb.get("target_groups", ())
        if groups and all(tg.get("standby") for tg in groups):
            yield src.problem(
                (*path, "target_groups", 0, "standby"),
                f"every target group of load balancer '{lb['name']}' is standby, so none of "
                "the groups taking its traffic is watched; set standby: false on the live one",
            )


def _rds_replica_problems(src: Source) -> Iterator[Problem]:
    """Read replicas are listed by identifier, each once per site and never as a primary.

    RDS identifiers are case-insensitive, so ``Shop-DB`` and ``shop-db`` are one instance.
    """
    instances = (src.data.get("resources") or {}).get("rds_instances", ())
    primaries: dict[str, int] = {}
    for index, db in enumerate(instances):
        primaries.setdefault(db["id"].lower(), index)
    seen: dict[str, Path] = {}
    for index, db in enumerate(instances):
        path = _item_path("rds_instances", index)
        if "has_replicas" in db:
            yield src.problem(
                (*path, "has_replicas"),
                "has_replicas is no longer read: list the read replicas' DB instance "
                "identifiers under replicas (RDS reports ReplicaLag under each replica's own "
                "identifier, not the primary's), or remove the key if there are none",
                at_key=True,
            )
        for r_index, replica in enumerate(db.get("replicas", ())):
            r_path = (*path, "replicas", r_index)
            key = replica.lower()
            if key == db["id"].lower():
                yield src.problem(
                    r_path,
                    f"'{replica}' is this instance's own identifier; "
                    "list only its read replicas here",
                )
            elif key in primaries:
                yield src.problem(
                    r_path,
                    f"'{replica}' is also listed as a DB instance "
                    f"(rds_instances[{primaries[key]}]); list each instance once, as a primary "
                    "or as a replica",
                )
            elif key in seen:
                yield src.problem(
                    r_path,
                    f"replica '{replica}' is listed twice (also {format_path(seen[key][1:])})",
                )
            seen.setdefault(key, r_path)


def _item_path(list_key: str, index: int) -> Path:
    return ("resources", list_key, index)


def _arn_problems(
    src: Source, path: Path, item: Mapping[str, Any], region: str, account: str
) -> Iterator[Problem]:
    match = ELB_ARN.match(item["arn"])
    if match is None:  # the schema pattern already reported it
        return
    partition = partition_of(region)
    if partition is not None and match["partition"] != partition:
        yield src.problem(
            path,
            f"ARN partition '{match['partition']}' is not the partition of aws.region "
            f"'{region}' ('{partition}'): ARNs are arn:{partition}:… there",
        )
    if match["region"] != region and region_problem(region) is None:
        # an unknown aws.region is reported once, at aws.region, not again at every ARN
        yield src.problem(
            path, f"ARN region '{match['region']}' does not match aws.region '{region}'"
        )
    if match["account"] != account:
        yield src.problem(
            path, f"ARN account '{match['account']}' does not match aws.account_id '{account}'"
        )
    if match["name"] != item["name"]:
        yield src.problem(
            (*path[:-1], "name"),
            f"name '{item['name']}' differs from the name in the ARN, '{match['name']}'",
        )


def _url_and_server_problems(src: Source) -> Iterator[Problem]:
    doc = src.data
    if problem := url_problem(doc["runbook_url"]):
        yield src.problem(("runbook_url",), problem)
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for index, check in enumerate(doc.get("urls") or ()):
        if problem := url_problem(check["url"]):
            yield src.problem(("urls", index, "url"), problem)
        same = same_url_key(check["url"])
        if same in urls:
            yield src.problem(
                ("urls", index, "url"),
                f"URL {check['url']} is already checked by urls[{urls[same]}]; the same URL "
                "twice is two health checks and two pages for one outage: keep one",
            )
        urls.setdefault(same, index)
        if check["name"] in names:
            yield src.problem(
                ("urls", index, "name"),
                f"URL name '{check['name']}' is used twice (also urls[{names[check['name']]}]); "
                "it names the health check and alarms",
            )
        names.setdefault(check["name"], index)
    servers: dict[str, int] = {}
    for index, server in enumerate(doc.get("servers") or ()):
        if problem := address_problem(server["address"]):
            yield src.problem(("servers", index, "address"), problem)
        if server["name"] in servers:
            yield src.problem(
                ("servers", index, "name"),
                f"server '{server['name']}' is listed twice "
                f"(also servers[{servers[server['name']]}])",
            )
        servers.setdefault(server["name"], index)


def _tag_problems(src: Source) -> Iterator[Problem]:
    for key in src.data.get("tags") or {}:
        if key.startswith(RESERVED_TAGS):
            yield src.problem(
                ("tags", key), f"tag '{key}' is reserved (vigil and AWS set it)", at_key=True
            )


def _site_threshold_problems(src: Source, ctx: Context) -> list[Problem]:
    doc = src.data
    problems: list[Problem] = []
    site_layer = doc.get("thresholds") or {}
    problems += layer_problems(src, ("thresholds",), site_layer)
    resources = doc.get("resources") or {}
    own: list[tuple[ResourceType, Path, Mapping[str, Any]]] = []
    for kind in catalog.LISTED:
        list_key = kind.inventory_key
        assert list_key is not None
        for index, item in enumerate(resources.get(list_key, ())):
            path = _item_path(list_key, index)
            own.append((kind.type, (*path, "thresholds"), item.get("thresholds") or {}))
            for nested_key, nested_type in kind.nested.items():
                for n_index, nested in enumerate(item.get(nested_key, ())):
                    n_path = (*path, nested_key, n_index, "thresholds")
                    own.append((nested_type, n_path, nested.get("thresholds") or {}))
    for index, check in enumerate(doc.get("urls") or ()):
        own.append((ResourceType.URL, ("urls", index, "thresholds"), check.get("thresholds") or {}))
    for rtype, path, layer in own:
        if layer:
            problems += signal_problems(Where(src, path), rtype, layer)

    cascade, defaults = ctx.cascade, ctx.defaults
    if cascade is None or defaults is None or doc["tier"] not in defaults.data["tiers"]:
        return problems  # defaults.yaml or the tier is broken: reported there
    # Resources without their own thresholds resolve alike: check each type once for them
    # (which also covers site overrides of types the site has no resource of).
    for rtype, path, layer in own:
        if layer:
            problems += order_problems(
                cascade.resource(src, rtype, path), rtype, ctx.signals(rtype)
            )
    types = {rtype for rtype, _, _ in own} | {ResourceType(key) for key in site_layer}
    for rtype in sorted(types):
        problems += order_problems(cascade.site(src, rtype), rtype, ctx.signals(rtype))
    return problems


def _coverage_problems(src: Source, ctx: Context) -> Iterator[Problem]:
    doc = src.data
    team = ctx.teams.get(doc["owner_team"])
    tier = ctx.tiers.get(doc["tier"])
    if team is None or tier is None:
        return
    if delay := l1_delay_problem(team, tier):
        yield src.problem(("tier",), f"{delay} (teams.yaml teams.{team.key}.escalation[0])")
    gaps = ctx.team_gaps(team, tier)
    if gaps:
        hours = "24x7" if tier.is_24x7 else "support hours"
        yield src.problem(
            ("owner_team",),
            f"team '{team.key}' has nobody on call at L1 during tier '{tier.name}' {hours} "
            f"({ctx.horizon.describe()}): {summarize(gaps)}",
        )
