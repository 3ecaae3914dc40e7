"""Which Grafana CloudWatch data source reads which AWS account, and how (pure).

Grafana's CloudWatch data source reads other accounts in exactly two ways (Grafana docs,
"Configure the Amazon CloudWatch data source": ``jsonData.assumeRoleArn``; "CloudWatch
cross-account observability": a data source in the *monitoring* account queries a linked
source account by the query's ``accountId``). With ``authType: default`` and no role it reads
the account of Grafana's own credentials, and nothing else: every other account's dashboards
come up blank. So, per (account, region) a site needs, in this order:

1. ``cloudwatchDatasources`` names an existing data source: use it (its owner vouches for it);
2. ``crossAccountObservability`` links the account to a monitoring account: the monitoring
   account's data source, queries carry ``accountId``;
3. ``cloudwatchAssumeRoleArn``: a data source per account assuming that account's role;
4. otherwise default credentials, which read only ``awsAccountId`` (Grafana's own account).

The policy ``grafana-datasource-reads-site-account`` checks the result in the graph.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from vigil.models import frozen_map
from vigil.naming import grafana_uid

Method = Literal["existing", "cross-account", "assume-role", "default"]
ACCOUNT_PLACEHOLDER = "account"
ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_ARN = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::(\d{12}):role/[\w+=,.@/-]{1,576}$")
"""``arn:<partition>:iam::<account>:role/<path/><name>`` (IAM User Guide, "IAM identifiers":
role names use ``[\\w+=,.@-]``, up to 64 characters, paths up to 512)."""
EXAMPLE_TEMPLATE = "arn:aws:iam::{account}:role/grafana-cloudwatch"
SAMPLE_ACCOUNT = "123456789012"


def assume_role_problem(template: str) -> str | None:
    """Why ``cloudwatchAssumeRoleArn`` cannot give each account its role ARN, or None."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as error:
        return f"{error} in {template!r}; write the placeholder as {{account}}"
    unknown = sorted({f for f in fields if f != ACCOUNT_PLACEHOLDER})
    if unknown:
        names = ", ".join("{" + f + "}" for f in unknown)
        return (
            f"unknown placeholder {names}; the only placeholder is {{account}} (the site's AWS "
            f"account id), e.g. {EXAMPLE_TEMPLATE}"
        )
    if ACCOUNT_PLACEHOLDER not in fields:
        return (
            f"{template!r} names one role for every account; put {{account}} where the "
            f"account id goes, e.g. {EXAMPLE_TEMPLATE}"
        )
    sample = template.format(account=SAMPLE_ACCOUNT)
    if not ROLE_ARN.match(sample):
        return f"expected an IAM role ARN like {EXAMPLE_TEMPLATE}, got {template!r}"
    return None


def role_account(arn: str) -> str | None:
    found = ROLE_ARN.match(arn)
    return found[2] if found else None


def cloudwatch_uid(account: str, region: str) -> str:
    """Stable uid of the data source vigil creates for one account/region."""
    return grafana_uid("vigil-cw", account, region)


@dataclass(frozen=True)
class Reader:
    """How Grafana reads one (account, region): through data source ``uid``."""

    account: str
    region: str
    uid: str
    method: Method
    owner: str
    """The account whose data source it is (the monitoring account for cross-account
    observability): ``DataSourceSpec.key`` is ``"<owner>/<region>"``."""
    query_account_id: str | None = None
    """``accountId`` every query of this account carries (cross-account observability)."""

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.region}"


@dataclass(frozen=True)
class DataSourceSpec:
    """A CloudWatch data source vigil creates."""

    account: str
    region: str
    uid: str
    assume_role_arn: str | None

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def json_data(self) -> dict[str, str]:
        data = {"authType": "default", "defaultRegion": self.region}
        if self.assume_role_arn:
            data["assumeRoleArn"] = self.assume_role_arn
        return data


@dataclass(frozen=True)
class CloudWatchAccess:
    """The stack's choices for reading accounts (``vigil:grafana``)."""

    existing: Mapping[str, str] = field(default_factory=frozen_map)
    """``"<account>/<region>"`` → uid of a data source vigil does not create."""
    assume_role_arn: str | None = None
    grafana_account: str | None = None
    monitoring_account: str | None = None
    source_accounts: tuple[str, ...] = ()

    def reader(self, account: str, region: str) -> Reader:
        existing = self.existing.get(f"{account}/{region}")
        if existing:
            return Reader(account, region, existing, "existing", account)
        monitoring = self.monitoring_account
        if monitoring and account != monitoring and account in self.source_accounts:
            via = self._own(monitoring, region)
            return Reader(account, region, via.uid, "cross-account", monitoring, account)
        return self._own(account, region)

    def _own(self, account: str, region: str) -> Reader:
        existing = self.existing.get(f"{account}/{region}")
        if existing:
            return Reader(account, region, existing, "existing", account)
        uid = cloudwatch_uid(account, region)
        if self.assume_role_arn:
            return Reader(account, region, uid, "assume-role", account)
        return Reader(account, region, uid, "default", account)

    def can_read(self, reader: Reader) -> bool:
        """Whether the reader's data source really sees ``reader.account``'s metrics."""
        if reader.method in ("existing", "assume-role"):
            return True
        if reader.method == "cross-account" and self.monitoring_account:
            return self.can_read(self._own(self.monitoring_account, reader.region))
        return bool(self.grafana_account) and reader.account == self.grafana_account

    def created(self, pairs: Iterable[tuple[str, str]]) -> list[DataSourceSpec]:
        """Data sources vigil creates so every (account, region) of ``pairs`` has a reader."""
        specs: dict[str, DataSourceSpec] = {}
        for account, region in sorted(set(pairs)):
            own = self._own(self.reader(account, region).owner, region)
            if own.method == "existing":
                continue
            role = (
                self.assume_role_arn.format(account=own.account)
                if own.method == "assume-role" and self.assume_role_arn
                else None
            )
            spec = DataSourceSpec(own.account, region, own.uid, role)
            specs[spec.key] = spec
        return [specs[k] for k in sorted(specs)]
