"""Resources per client, counted from a stack's offline recording (what `pulumi up` registers).

The budget is a count of the resources a stack's state holds, so the size of a client is read
from the recording, not guessed:

- every resource under one of its sites' ``SiteMonitoring`` (the recording's ``site``);
- its Grafana folder (uid `vigil.naming.folder_uid`: one per client, at program level);
- the AWS providers of its accounts (``aws-<region>-<account>``, `components.providers`):
  counted for *every* client in that account, so a client keeps its providers' cost when it
  moves to a stack where it is alone in its account (an overestimate where clients share one).

What is left (the stack resource, the shared stack reference) is the stack's ``overhead``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from vigil import resource_types as rt
from vigil.models import Site
from vigil.naming import folder_uid
from vigil.plan.record import Recording

AWS_PROVIDER = "pulumi:providers:aws"


@dataclass(frozen=True)
class Sizes:
    clients: dict[str, int]
    overhead: int


def client_sizes(recording: Recording, sites: Iterable[Site]) -> Sizes:
    """Per-client resource counts of ``recording`` (a stack holding ``sites``)."""
    sites = list(sites)
    client_of = {s.id: s.client for s in sites}
    folders = {folder_uid(s.client): s.client for s in sites}
    accounts: dict[str, set[str]] = {}
    for site in sites:
        accounts.setdefault(site.aws_account_id, set()).add(site.client)
    counts: Counter[str] = Counter({c: 0 for c in client_of.values()})
    overhead = 0
    for resource in recording.resources:
        if resource.site in client_of:
            counts[client_of[resource.site]] += 1
        elif resource.type == rt.GRAFANA_FOLDER and resource.inputs.get("uid") in folders:
            counts[folders[str(resource.inputs["uid"])]] += 1
        elif resource.type == AWS_PROVIDER and resource.name.rsplit("-", 1)[-1] in accounts:
            for client in accounts[resource.name.rsplit("-", 1)[-1]]:
                counts[client] += 1
        else:
            overhead += 1
    return Sizes(dict(counts), overhead)
