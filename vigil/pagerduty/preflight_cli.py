"""``vigil preflight --stack S``: check PagerDuty has every user and vendor the stack looks up.

Exit 0 when all exist, 1 with every miss listed at its inventory line (or when the API cannot
be asked), 2 for invalid input (inventory, stack config, no token). The token comes from the
stack's ``pagerduty:token`` (plain, or decrypted by ``pulumi config get`` when the Pulumi CLI
is installed) or, as the provider itself falls back to, the ``PAGERDUTY_TOKEN`` environment
variable (terraform-provider-pagerduty pagerduty/provider.go: ``EnvDefaultFunc
("PAGERDUTY_TOKEN")``). It is sent only in the ``Authorization`` header, never printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from vigil import cli_options as options
from vigil.cli import EXIT_INVALID, Handler
from vigil.inventory import InventoryError, load_inventory
from vigil.pagerduty import api, preflight

TOKEN_KEY = "pagerduty:token"
TOKEN_ENV = "PAGERDUTY_TOKEN"
REGION_KEY, REGION_ENV = "pagerduty:serviceRegion", "PAGERDUTY_SERVICE_REGION"
URL_KEY = "pagerduty:apiUrlOverride"
EXIT_MISSES = 1


class NoToken(Exception):
    pass


def configure(parser: argparse.ArgumentParser, name: str) -> Handler:
    options.add_stack(parser, required=True)
    options.add_project(parser)
    parser.add_argument("--project-dir", dest="project", help=argparse.SUPPRESS)  # old spelling
    options.add_json(parser, "every user and vendor checked, and the misses")
    return run


def _stack_doc(project_dir: Path, stack: str) -> dict[str, Any]:
    from vigil.stack_file import read_config_document  # bounded reader, FILE:LINE errors

    project = read_config_document(project_dir / "Pulumi.yaml")
    stack_file = project_dir / str(project.get("stackConfigDir") or ".") / f"Pulumi.{stack}.yaml"
    return read_config_document(stack_file).get("config") or {}


def token(raw: dict[str, Any], project_dir: Path, stack: str) -> str:
    """The token the provider would use: the stack's ``pagerduty:token``, else the env var."""
    value = raw.get(TOKEN_KEY)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and "secure" in value and shutil.which("pulumi"):
        done = subprocess.run(
            ["pulumi", "config", "get", TOKEN_KEY, "--stack", stack, "--cwd", str(project_dir)],
            capture_output=True, text=True, check=False,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV]
    raise NoToken(
        f"no PagerDuty API token: set {TOKEN_KEY} (pulumi config set --secret {TOKEN_KEY} …, "
        f"decrypted here with the Pulumi CLI) or export {TOKEN_ENV}"
    )


def run(args: argparse.Namespace) -> int:
    # Pulumi's SDK: only for this command
    from vigil.plan.engine import load_stack_config, offline_settings
    from vigil.settings import SettingsError
    from vigil.stack_file import ConfigFileError

    try:
        project_dir = options.project_dir(args)
        settings = offline_settings(load_stack_config(project_dir, args.stack))
        raw = _stack_doc(project_dir, args.stack)
        inventory = load_inventory(settings.inventory_path(project_dir))
        secret = token(raw, project_dir, args.stack)
    except (FileNotFoundError, SettingsError, NoToken, ConfigFileError) as exc:
        print(f"vigil preflight: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except InventoryError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_INVALID
    if settings.clients is not None:
        inventory = inventory.only_clients(settings.clients)
    teams = {site.owner_team for site in inventory.sites}
    base = api.api_url(
        str(raw.get(REGION_KEY) or os.environ.get(REGION_ENV, "")), str(raw.get(URL_KEY) or "")
    )
    client = api.Client(base, secret)
    references = preflight.user_references(Path(inventory.root) / "teams.yaml", teams)
    try:
        misses = list(preflight.user_misses(client, references))
        vendor = preflight.vendor_miss(client)
    except api.ApiError as exc:
        print(f"vigil preflight: PagerDuty API at {base}: {exc}", file=sys.stderr)
        return EXIT_MISSES
    misses += [vendor] if vendor else []
    for miss in misses:
        print(miss.format(), file=sys.stderr)
    emails = len({r.email for r in references})
    summary = (f"stack {args.stack}: {emails} user(s) of team(s) {', '.join(sorted(teams))} "
               f"and vendor '{preflight.CLOUDWATCH_VENDOR}' checked at {base}")
    if args.json_file:
        options.emit_json(args.json_file, {
            "stack": args.stack,
            "api": base,
            "teams": sorted(teams),
            "users": len({r.email for r in references}),
            "vendor": preflight.CLOUDWATCH_VENDOR,
            "ok": not misses,
            "misses": [{"where": m.where, "message": m.message} for m in misses],
        })
        if args.json_file == "-":
            return EXIT_MISSES if misses else 0
    if misses:
        print(f"{summary}: {len(misses)} miss(es); pulumi up would fail", file=sys.stderr)
        return EXIT_MISSES
    print(f"{summary}: all found")
    return 0
