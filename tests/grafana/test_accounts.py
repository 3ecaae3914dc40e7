"""Data sources that can read every site's account: the example inventory has three accounts
(acme 111…, nova 222…, bistro 333…), Grafana's own credentials are in 111….

Each stack config runs the real program on the recording runtime and the policy pack on what
it registered: which data sources exist, which one every dashboard query and rule stage goes
through, and which sites ``grafana-datasource-reads-site-account`` rejects.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.grafana.conftest import ROOT
from tests.runtime import run_program
from vigil import program
from vigil import resource_types as rt
from vigil.grafana.datasources import CloudWatchAccess, assume_role_problem, cloudwatch_uid
from vigil.plan.policy_eval import evaluate, load_policy_set
from vigil.settings import SettingsError, parse_stack_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ACME, NOVA, BISTRO = "111111111111", "222222222222", "333333333333"
TEMPLATE = "arn:aws:iam::{account}:role/vigil-grafana-cloudwatch"
POLICY = "grafana-datasource-reads-site-account"
SITES_OF = {
    ACME: {"acme-b2b", "acme-shop"},
    NOVA: {"nova-api", "nova-storefront"},
    BISTRO: {"bistro-booking", "bistro-website"},
}


def run(**grafana: Any):
    config = {
        "vigil:inventory": str(ROOT / "inventory"),
        "grafana:url": "https://grafana.example",
        "grafana:auth": "offline-token",
        "vigil:grafana": {"awsAccountId": ACME, **grafana},
    }
    recording = run_program(program.main, config, secret_keys=["grafana:auth"])
    violations = evaluate(recording, load_policy_set(ROOT))
    return recording, violations


def rejected(violations) -> set[str]:
    return {v.site for v in violations if v.policy == POLICY}


def datasources(recording) -> dict[str, dict[str, Any]]:
    return {
        r.values["uid"]: json.loads(r.values["jsonDataEncoded"])
        for r in recording.of_type(rt.GRAFANA_DATASOURCE)
    }


def queries(recording, site_id: str) -> set[tuple[str, str | None]]:
    """(data source uid, accountId) of every CloudWatch query of the site, dashboard and rules."""
    site = recording.by_name(rt.SITE, site_id)
    found: set[tuple[str, str | None]] = set()
    (board,) = recording.descendants(site.urn, rt.GRAFANA_DASHBOARD)
    for panel in json.loads(board.values["configJson"])["panels"]:
        for target in panel.get("targets") or []:
            if target.get("datasource", {}).get("type") == "cloudwatch":
                found.add((target["datasource"]["uid"], target.get("accountId")))
    for group in recording.descendants(site.urn, rt.GRAFANA_RULE_GROUP):
        for rule in group.values["rules"]:
            for data in rule["datas"]:
                if data["datasourceUid"] != "__expr__":
                    found.add((data["datasourceUid"], json.loads(data["model"]).get("accountId")))
    return found


def test_assume_role_per_account_reads_all_three_accounts():
    recording, violations = run(cloudwatchAssumeRoleArn=TEMPLATE)
    created = datasources(recording)
    for account in (ACME, NOVA, BISTRO):
        uid = cloudwatch_uid(account, "us-east-1")
        assert created[uid]["assumeRoleArn"] == TEMPLATE.format(account=account)
        assert created[uid]["authType"] == "default"
        for site_id in SITES_OF[account]:
            uids = {uid for uid, _ in queries(recording, site_id)}
            assert uids and all(u.startswith(f"vigil-cw-{account}-") for u in uids), uids
            assert all(
                created[u]["assumeRoleArn"].startswith(f"arn:aws:iam::{account}:") for u in uids
            )
    assert rejected(violations) == set()


def test_default_credentials_read_only_grafanas_own_account():
    """No role, no cross-account link: both other accounts' sites are rejected (mandatory),
    Grafana's own account passes."""
    recording, violations = run()
    assert all("assumeRoleArn" not in data for data in datasources(recording).values())
    assert rejected(violations) == SITES_OF[NOVA] | SITES_OF[BISTRO]
    found = [v for v in violations if v.policy == POLICY]
    assert all(v.level == "mandatory" for v in found)
    nova = next(v for v in found if v.site == "nova-api")
    assert (
        f"AWS account {NOVA}" in nova.message
        and f"reads account {ACME}, not {NOVA}" in nova.message
    )
    assert "inventory/sites/nova/api.yaml" in nova.message


def test_cross_account_observability_reads_linked_accounts_through_the_monitoring_account():
    recording, violations = run(
        crossAccountObservability={"monitoringAccount": ACME, "sourceAccounts": [NOVA]}
    )
    created = datasources(recording)
    assert not any(uid.startswith(f"vigil-cw-{NOVA}-") for uid in created), "no own data source"
    for site_id in SITES_OF[NOVA]:
        found = queries(recording, site_id)
        assert found and all(uid.startswith(f"vigil-cw-{ACME}-") for uid, _ in found)
        assert {account for _, account in found} == {NOVA}, "every query names its account"
    for site_id in SITES_OF[ACME]:
        assert {account for _, account in queries(recording, site_id)} == {None}
    # bistro's account is neither linked nor reachable by a role
    assert rejected(violations) == SITES_OF[BISTRO]


def test_cross_account_needs_grafana_in_the_monitoring_account():
    _, violations = run(
        awsAccountId=BISTRO,
        crossAccountObservability={"monitoringAccount": ACME, "sourceAccounts": [NOVA]},
    )
    assert rejected(violations) == SITES_OF[ACME] | SITES_OF[NOVA]
    nova = next(v for v in violations if v.policy == POLICY and v.site == "nova-api")
    assert "not the cross-account monitoring account" in nova.message


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "arn:aws:iam::{account_id}:role/grafana",
            "unknown placeholder {account_id}; the only placeholder is {account}",
        ),
        ("arn:aws:iam::111111111111:role/grafana", "names one role for every account"),
        ("grafana-{account}", "expected an IAM role ARN like arn:aws:iam::{account}:role/"),
        ("arn:aws:iam::{account:role/x", "write the placeholder as {account}"),
    ],
)
def test_bad_assume_role_template_is_a_clear_stack_config_error(template, message):
    """Formerly ``KeyError: 'account_id'`` from deep inside the program."""
    assert message in (assume_role_problem(template) or "")
    config = {
        "grafana:url": "https://g",
        "grafana:auth": "x",
        "vigil:grafana": json.dumps({"cloudwatchAssumeRoleArn": template}),
    }
    with pytest.raises(SettingsError) as caught:
        parse_stack_settings(config, seal=lambda v: v)
    (problem,) = caught.value.problems
    assert problem.startswith("vigil:grafana.cloudwatchAssumeRoleArn: ") and message in problem


def test_bad_account_ids_are_stack_config_errors():
    config = {
        "grafana:url": "https://g",
        "grafana:auth": "x",
        "vigil:grafana": json.dumps(
            {"awsAccountId": "1234", "crossAccountObservability": {"sourceAccounts": ["x"]}}
        ),
    }
    with pytest.raises(SettingsError) as caught:
        parse_stack_settings(config, seal=lambda v: v)
    text = "\n".join(caught.value.problems)
    assert "vigil:grafana.awsAccountId: expected a 12-digit AWS account id" in text
    assert "crossAccountObservability.sourceAccounts[0]: expected a 12-digit" in text
    assert "vigil:grafana.crossAccountObservability: missing monitoringAccount" in text


def test_program_exits_on_a_bad_template_before_any_resource():
    config = {
        "vigil:inventory": str(ROOT / "inventory"),
        "grafana:url": "https://g",
        "grafana:auth": "x",
        "vigil:grafana": {"cloudwatchAssumeRoleArn": "arn:aws:iam::{account_id}:role/g"},
    }
    with pytest.raises(program.InvalidStackConfig, match=r"unknown placeholder \{account_id\}"):
        run_program(program.main, config, secret_keys=["grafana:auth"])


def test_reader_order():
    access = CloudWatchAccess(
        existing={f"{BISTRO}/eu-central-1": "their-cw"},
        assume_role_arn=TEMPLATE,
        grafana_account=ACME,
        monitoring_account=ACME,
        source_accounts=(NOVA,),
    )
    assert access.reader(BISTRO, "eu-central-1").uid == "their-cw"
    nova = access.reader(NOVA, "eu-west-1")
    assert (nova.method, nova.uid, nova.query_account_id) == (
        "cross-account",
        cloudwatch_uid(ACME, "eu-west-1"),
        NOVA,
    )
    assert access.reader(BISTRO, "us-east-1").method == "assume-role"
    assert all(access.can_read(access.reader(a, "eu-west-1")) for a in (ACME, NOVA, BISTRO))
