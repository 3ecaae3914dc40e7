"""`vigil cost`: the monthly AWS cost of a stack's monitoring, per site, per client and in total.

Records the stack offline exactly as `vigil plan` does (`vigil.fleet.record.record_with_shared`
on the stack config), so the resources priced are the plan's; `vigil.cost.estimate` does the
arithmetic and `vigil.aws.prices` holds the rates. Exit codes: 0 estimate printed, 2 invalid
input (bad inventory or stack config, unknown stack, a region or resource the table cannot
price).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from vigil import cli_options as options
from vigil.aws import prices
from vigil.cost.estimate import Estimate, Line, PriceError, estimate, money, sources

EXIT_OK, EXIT_INVALID = 0, 2


def configure(parser: argparse.ArgumentParser, name: str) -> Callable[[argparse.Namespace], int]:
    """`vigil.cli` hook."""
    options.add_stack(parser)
    parser.add_argument(
        "--inventory", metavar="DIR", help="inventory directory (overrides vigil:inventory)"
    )
    options.add_project(parser)
    parser.add_argument(
        "--plan",
        metavar="PLAN.json",
        help="price a saved plan (vigil plan --json FILE) instead of recording the stack again",
    )
    options.add_json(parser, "the estimate (on stdout: nothing else)")
    parser.add_argument(
        "--health-check-endpoints",
        choices=prices.ENDPOINT_KINDS,
        default=prices.ENDPOINT_KINDS[0],
        help="how Route 53 bills the URL checks: 'non-aws' (default, the higher price) or "
        "'aws' (every URL is served from AWS resources in the site's account)",
    )
    return cmd_cost


def _error(message: str) -> int:
    sys.stderr.write(message.rstrip() + "\n")
    return EXIT_INVALID


class _RegionAtLine(Exception):
    """A region error placed at the site file's ``aws.region`` line."""


def _region_error(project: Path, recording: Any) -> Callable[[str, str | None, str], Exception]:
    sources_by_site = {
        r.name: r.inputs.get("sourceFile")
        for r in recording.resources
        if r.type == "vigil:index:SiteMonitoring"
    }

    def make(message: str, site: str | None, region: str) -> Exception:
        from vigil.inventory.yaml_source import load_source

        source = sources_by_site.get(site or "")
        if source:
            path = Path(source) if Path(source).is_absolute() else project / source
            src = load_source(path, display=source)
            if src.ok and src.node(("aws", "region")) is not None:
                return _RegionAtLine(src.problem(("aws", "region"), message).format())
            return _RegionAtLine(f"{source}: aws.region: {message}")
        return _RegionAtLine(f"site {site or '(none)'}: region {region!r}: {message}")

    return make


class _PlanUnreadable(Exception):
    """``--plan`` names no readable plan (the message says where)."""


def _saved(path: str) -> Any:
    """The recording of a saved plan: the very resources `vigil plan` recorded (vigil/plan/
    report_json.read_plan, the reader `vigil check` uses)."""
    from vigil.plan.report_json import PlanFileError, read_plan

    try:
        return read_plan(path)[1]
    except PlanFileError as exc:
        raise _PlanUnreadable(f"vigil cost: --plan {exc}") from None


def cmd_cost(args: argparse.Namespace) -> int:
    from vigil.plan.interrupt import stop_on_interrupt

    with stop_on_interrupt("vigil cost"):
        return _cost(args)


def _cost(args: argparse.Namespace) -> int:
    from vigil.fleet.record import record_with_shared
    from vigil.plan.cli import failure_message
    from vigil.plan.engine import ProgramError, load_stack_config
    from vigil.plan.report_text import Progress
    from vigil.plan.service import INVENTORY_KEY
    from vigil.stack_file import ConfigFileError

    progress = Progress(sys.stderr, prefix="vigil cost")
    counts = {"resources": 0}

    def on_resource(_: Any) -> None:
        counts["resources"] += 1
        progress.update(f"recording: {counts['resources']} resources")

    if args.plan and args.inventory:
        return _error("vigil cost: --plan prices a saved plan; --inventory cannot change it")
    default_region: str | None = None
    try:
        project = options.project_dir(args)
        if args.plan:
            recording = _saved(args.plan)
        else:
            overrides = {INVENTORY_KEY: args.inventory} if args.inventory else {}
            config = load_stack_config(project, args.stack, overrides)
            default_region = config.aws_region
            progress.start(f"recording stack {args.stack} offline")
            try:
                recording = record_with_shared(config, overrides, on_resource)
            finally:
                progress.stop()
    except ProgramError as exc:
        return _error(failure_message(exc))
    except (ConfigFileError, _PlanUnreadable) as exc:
        return _error(str(exc))
    except (FileNotFoundError, LookupError) as exc:
        return _error(f"vigil cost: {exc}")
    try:
        result = estimate(
            recording,
            args.health_check_endpoints,
            default_region=default_region,
            on_region_error=_region_error(project, recording),
        )
    except (_RegionAtLine, PriceError) as exc:
        return _error(str(exc))
    doc = document(result)
    if args.json_file:
        try:
            options.emit_json(args.json_file, doc)
        except OSError as exc:
            return _error(f"vigil cost: cannot write {args.json_file}: {exc.strerror}")
    if args.json_file != "-":
        print(text(result), file=sys.stdout)
        if args.json_file:
            print(f"estimate written to {args.json_file}")
    return EXIT_OK


# ------------------------------------------------------------------ reports


def _lines_json(lines: list[Line]) -> list[dict[str, Any]]:
    return [line.as_json() for line in lines]


def document(result: Estimate) -> dict[str, Any]:
    """The ``--json`` document (vigil/schemas/output/cost.schema.json)."""
    used = [line.price for s in result.sites for line in s.lines.values()]
    used += [line.price for line in result.stack_lines] + [u.price for u in result.usage]
    return {
        "stack": result.stack,
        "currency": prices.CURRENCY,
        "period": "month",
        "prices": {
            "region": prices.PRICE_REGION,
            "checked": prices.CHECKED,
            "table": "vigil/aws/prices.py",
            "sources": sources(used),
        },
        "assumptions": {
            "healthCheckEndpoints": result.endpoints,
            "fallbackRegions": result.fallback_regions,
        },
        "sites": [
            {
                "id": s.id,
                "client": s.client,
                "source": s.source,
                "monthly": money(s.monthly),
                "lines": _lines_json(s.sorted_lines()),
            }
            for s in result.sites
        ],
        "clients": [
            {
                "id": client,
                "sites": [s.id for s in sites],
                "monthly": money(sum((s.monthly for s in sites), Decimal(0))),
            }
            for client, sites in result.clients()
        ],
        "stackLines": _lines_json(result.stack_lines),
        "monthly": money(result.monthly),
        "freeTier": result.free_tier,
        "usage": [u.as_json() for u in result.usage],
        "unpriced": [{"type": t, "count": n} for t, n in result.unpriced.items()],
    }


def _usd(value: Decimal | float) -> str:
    return f"${Decimal(str(value)):,.2f}"


def text(result: Estimate) -> str:
    """The terminal report: sites, clients, total, then what is not in the total and why."""
    out = [
        f"stack {result.stack}: estimated monthly AWS cost of vigil's monitoring "
        f"({prices.CURRENCY}, {prices.PRICE_REGION} list prices checked {prices.CHECKED}; "
        "vigil/aws/prices.py cites each)",
        "",
        f"{'site':<28} {'client':<12} {'alarm metrics':>13} {'health checks':>13} {'monthly':>10}",
    ]
    for site in result.sites:
        metrics = sum(q.quantity for q in site.lines.values() if q.price.service == "CloudWatch")
        checks = sum(
            q.quantity for q in site.lines.values() if q.price.key.startswith("route53.health")
        )
        out.append(
            f"{site.id:<28} {site.client or '-':<12} {metrics:>13} {checks:>13} "
            f"{_usd(site.monthly):>10}"
        )
    out.append("")
    for client, sites in result.clients():
        total = sum((s.monthly for s in sites), Decimal(0))
        out.append(f"client {client}: {_usd(total)} ({len(sites)} site(s))")
    for line in result.stack_lines:
        out.append(f"stack-level: {line.price.item} × {line.quantity}: {_usd(line.monthly)}")
    out += ["", f"total: {_usd(result.monthly)} per month (before any free tier)", "", "by item:"]
    items: dict[str, list[Line]] = {}
    for site in result.sites:
        for line in site.lines.values():
            items.setdefault(line.price.key, []).append(line)
    for line in result.stack_lines:
        items.setdefault(line.price.key, []).append(line)
    for _, lines in sorted(items.items()):
        quantity = sum(line.quantity for line in lines)
        price = lines[0].price
        out.append(
            f"  {price.service} {price.item}: {quantity} × {_usd(price.usd)} = "
            f"{_usd(price.usd * quantity)}"
        )
    out += ["", "free tier (shown, never subtracted; per AWS account and month, shared with "
            "everything else the account runs):"]
    for row in result.free_tier:
        if not row["accounts"]:
            out.append(f"  {row['item']}: {row['freePerAccount']} free per account: none priced")
            continue
        out.append(
            f"  {row['item']}: {row['freePerAccount']} free per account: up to "
            f"{_usd(row['upToIfBilledSeparately'])} if each account is billed on its own, "
            f"up to {_usd(row['upToIfConsolidated'])} on one consolidated bill"
        )
    if result.usage:
        out += ["", "priced per use (not in the total: depends on how often alarms change state):"]
        totals: dict[str, int] = {}
        for usage in result.usage:
            totals[usage.price.key] = totals.get(usage.price.key, 0) + usage.resources
        for key, count in sorted(totals.items()):
            price = prices.USAGE[key]
            out.append(
                f"  {price.service} {price.item}: {_usd(price.usd)} per {price.per:,} "
                f"{price.unit} ({count} resource(s) billed this way)"
            )
    out += ["", "assumptions:"]
    out.append(
        f"  Route 53 URL checks priced as {result.endpoints} endpoints"
        + (" (the higher price; --health-check-endpoints aws if every URL is served from "
           "AWS in the site's account)" if result.endpoints == "non-aws" else "")
    )
    if result.fallback_regions:
        out.append(
            f"  no price table of its own, priced at {prices.FALLBACK_REGION} rates: "
            + ", ".join(result.fallback_regions)
        )
    for type_, count in result.unpriced.items():
        out.append(f"  NOT PRICED: {count} × {type_} (no row in vigil/aws/prices.py)")
    return "\n".join(out)
