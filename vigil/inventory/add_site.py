"""``vigil add-site CLIENT/SITE --like EXISTING``: a new site file shaped like an existing one.

What is copied is what a similar site shares: tier, environment, owner team, AWS region (and
the account when the client is the same), the kinds and number of resources with their
settings and thresholds, URL names and expectations, server services, site thresholds, tags.
What names the other site's own objects is never copied, because monitoring another site's
load balancer would look complete and watch the wrong thing: resource ids, names and ARNs,
replicas, readers, CloudFront aliases, URLs and their required text, server names and
addresses. Those keys are left out, so ``vigil validate`` reports each one to fill as
``FILE:LINE:COL: field.path: missing required key``; the file validates once they are filled.
The site id (``CLIENT-SITE``), client, display name and runbook URL are new.

Exit codes: 0 written and valid, 1 written with fields to fill (listed), 2 invalid arguments
(bad CLIENT/SITE, unknown EXISTING, file already there, invalid inventory).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from vigil import cli_options as options
from vigil.cli import EXIT_INVALID, Handler

SLUG = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
"""common.schema.json#/$defs/slug, the rule of site and client ids."""

OWN_KEYS = frozenset({"id", "name", "arn", "replicas", "readers", "aliases"})
"""Keys of a resource item (catalog.schema.json) that name the other site's own objects."""
OWN_URL_KEYS = frozenset({"url", "required_text"})
OWN_SERVER_KEYS = frozenset({"name", "address"})
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "site.schema.json"
EXIT_TO_FILL = 1


def _strip(value: Any, own: frozenset[str]) -> Any:
    """``value`` without ``own`` keys, recursively through nested lists of items."""
    if isinstance(value, list):
        return [_strip(item, own) for item in value]
    if isinstance(value, dict):
        return {
            k: (_strip(v, own) if isinstance(v, list) else v)
            for k, v in value.items()
            if k not in own
        }
    return value


def new_site(like: dict[str, Any], client: str, slug: str) -> dict[str, Any]:
    """The document of site ``client``/``slug`` shaped like ``like`` (see the module doc)."""
    same_client = like.get("client") == client
    old_id, new_id = str(like.get("id", "")), f"{client}-{slug}"
    doc: dict[str, Any] = {
        "id": new_id,
        "client": client,
        "name": f"{client.title()} {slug.replace('-', ' ').title()}",
    }
    for key in ("tier", "environment", "owner_team"):
        if key in like:
            doc[key] = like[key]
    runbook = str(like.get("runbook_url", ""))
    old_path = f"/{like.get('client')}/{old_id.removeprefix(str(like.get('client')) + '-')}"
    if runbook.endswith(old_path):
        doc["runbook_url"] = runbook[: -len(old_path)] + f"/{client}/{slug}"
    aws = dict(like.get("aws") or {})
    doc["aws"] = {k: v for k, v in aws.items() if k != "account_id" or same_client}
    for key, value in like.items():
        if key in doc or key in ("id", "client", "name", "runbook_url", "aws"):
            continue
        if key == "resources" and isinstance(value, dict):
            doc[key] = {kind: _strip(items, OWN_KEYS) for kind, items in value.items()}
        elif key == "urls":
            doc[key] = _strip(value, OWN_URL_KEYS)
        elif key == "servers":
            doc[key] = _strip(value, OWN_SERVER_KEYS)
        else:
            doc[key] = value
    return doc


def render(doc: dict[str, Any], path: Path, like: str) -> str:
    schema = os.path.relpath(SCHEMA, path.parent)
    header = (
        f"# yaml-language-server: $schema={schema}\n"
        f"# Written by `vigil add-site` like {like}: fill in what `vigil validate` reports\n"
        "# missing (this site's own resource ids, ARNs, URLs and servers).\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def configure(parser: argparse.ArgumentParser, name: str) -> Handler:
    parser.add_argument("target", metavar="CLIENT/SITE", help="the new site, e.g. acme/outlet")
    parser.add_argument("--like", required=True, metavar="EXISTING",
                        help="site id (acme-shop) or CLIENT/SITE of the site to copy")
    parser.add_argument("--inventory", metavar="DIR",
                        help="inventory directory (default: the project's inventory)")
    options.add_stack(parser)
    options.add_project(parser)
    return run


def _fail(message: str) -> int:
    print(f"vigil add-site: {message}", file=sys.stderr)
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    from vigil.inventory import InventoryError, load_inventory
    from vigil.inventory.cli import stack_inventory
    from vigil.stack_file import ConfigFileError

    client, _, slug = args.target.partition("/")
    if not (SLUG.match(client) and SLUG.match(slug)):
        return _fail(f"{args.target}: give CLIENT/SITE, each lower-case letters, digits and "
                     "dashes (e.g. acme/outlet)")
    try:
        if args.inventory:
            root = Path(args.inventory)
        else:
            project = options.project_dir(args)
            root = project / stack_inventory(project, args.stack)
        inventory = load_inventory(root)
    except (OSError, ConfigFileError) as exc:
        return _fail(str(exc))
    except InventoryError as exc:
        print(exc.report(), file=sys.stderr)
        return _fail("the inventory must validate before a site is added to it")
    wanted = args.like.replace("/", "-")
    like = next((s for s in inventory.sites if s.id == wanted), None)
    if like is None:
        known = ", ".join(sorted(s.id for s in inventory.sites))
        return _fail(f"--like {args.like}: no such site (known: {known})")
    target = root / "sites" / client / f"{slug}.yaml"
    if target.exists():
        return _fail(f"{target}: already exists")
    if any(s.id == f"{client}-{slug}" for s in inventory.sites):
        return _fail(f"site id {client}-{slug} is already used")
    source = next(p for p in (root / "sites").glob("*/*.yaml") if _id_of(p) == like.id)
    original = yaml.safe_load(source.read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(new_site(original, client, slug), target, like.id), encoding="utf-8")
    print(f"{target}: written like {like.id}")
    try:
        load_inventory(root)
    except InventoryError as exc:
        mine = [p for p in exc.problems if Path(p.file).resolve() == target.resolve()]
        for problem in mine or exc.problems:
            print(problem.format(), file=sys.stderr)
        print(f"{len(mine)} field(s) to fill in {target}, then run vigil validate",
              file=sys.stderr)
        return EXIT_TO_FILL
    print(f"{target}: valid; run `vigil plan` to see its coverage")
    return 0


def _id_of(path: Path) -> str | None:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return doc.get("id") if isinstance(doc, dict) else None
