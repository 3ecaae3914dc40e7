"""Explicit AWS providers, one per (account, region), shared by every site of the stack.

Sites live in many accounts and regions, and CloudFront / Route 53 metrics exist only in
us-east-1, so nothing relies on the default provider. Providers are cached per program run
(one ``Providers`` instance per ``main()``), never module-global: Outputs from one run must not
leak into the next (tests run the program many times per process).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def provider_name(account_id: str, region: str) -> str:
    return f"aws-{region}-{account_id}"


class Providers:
    """Factory + cache of ``aws.Provider``; ``role_name`` assumes that role in each account."""

    def __init__(self, role_name: str | None = None) -> None:
        self._role_name = role_name
        self._cache: dict[tuple[str, str], aws.Provider] = {}

    def get(self, account_id: str, region: str) -> aws.Provider:
        key = (account_id, region)
        if key not in self._cache:
            assume = None
            if self._role_name:
                assume = [
                    aws.ProviderAssumeRoleArgs(
                        role_arn=f"arn:aws:iam::{account_id}:role/{self._role_name}",
                        session_name="vigil",
                    )
                ]
            self._cache[key] = aws.Provider(
                provider_name(account_id, region),
                region=region,
                allowed_account_ids=[account_id],
                assume_roles=assume,
                opts=pulumi.ResourceOptions(),
            )
        return self._cache[key]

    def __len__(self) -> int:
        return len(self._cache)
