"""`vigil fleet check`: the example fleet is a partition without collisions; overlaps fail."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from vigil.cli import main
from vigil.fleet.definition import read_fleet
from vigil.stack_file import ConfigFileError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The real project with a copy of its stacks/ and fleet.yaml, free to edit."""
    proj = tmp_path / "proj"
    proj.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in ("stacks", "fleet.yaml", ".git", "out") and not entry.name.startswith(
            "."
        ):
            (proj / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "stacks", proj / "stacks")
    shutil.copy(ROOT / "fleet.yaml", proj / "fleet.yaml")
    return proj


def check(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["fleet", "check", "--project", str(project)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path} no longer holds {old!r}"
    path.write_text(text.replace(old, new))


def test_the_example_fleet_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(ROOT, capsys)
    assert code == 0, out
    assert "stack shared (shared): 0 site(s)" in out
    assert "stack prod-eu-1: 4 site(s)" in out
    assert "stack prod-eu-2: 2 site(s)" in out
    assert out.rstrip().endswith("fleet check passed")


def test_a_client_in_two_stacks_fails_naming_sites_files_and_stacks(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        project / "stacks/Pulumi.prod-eu-2.yaml",
        "vigil:clients: [nova]",
        "vigil:clients: [nova, acme]",
    )
    code, out = check(project, capsys)
    assert code == 1
    assert (
        "inventory/sites/acme/shop.yaml: site acme-shop (client acme) is in 2 stacks: "
        "prod-eu-1 (stacks/Pulumi.prod-eu-1.yaml), prod-eu-2 (stacks/Pulumi.prod-eu-2.yaml)"
    ) in out
    # the same names in the same account and tool: what the two stacks would fight over
    assert (
        "overlap: aws alarm 'acme-shop-rds-acme-shop-db-cpu-utilization-critical' in "
        "eu-west-1-111111111111 is created by stacks prod-eu-1 (stacks/Pulumi.prod-eu-1.yaml), "
        "prod-eu-2 (stacks/Pulumi.prod-eu-2.yaml)"
    ) in out
    assert "overlap: grafana dashboard uid 'vigil-acme-shop' is created by stacks prod-eu-1" in out
    assert "overlap: pagerduty service 'ACME Shop (Magento) (acme-shop)' is created by" in out
    assert "overlap: zabbix host 'acme-shop-acme-web-1' in https://zabbix.agency.example" in out
    assert "overlap: grafana folder uid 'vigil-folder-acme' is created by stacks" in out


def test_a_client_in_no_stack_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / "stacks/Pulumi.prod-eu-2.yaml", "vigil:clients: [nova]", "vigil:clients: [acme]")
    edit(project / "stacks/Pulumi.prod-eu-1.yaml", "    - acme\n", "")
    code, out = check(project, capsys)
    assert code == 1
    assert "inventory/sites/nova/api.yaml: site nova-api (client nova) is in no stack" in out


def test_a_standalone_stack_in_the_fleet_owns_shared_objects_twice(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project / "stacks/Pulumi.prod-eu-2.yaml", "  vigil:fleetRole: site\n", "")
    edit(project / "stacks/Pulumi.prod-eu-2.yaml", "Policy: shared", "Policy: manage")
    edit(
        project / "stacks/Pulumi.prod-eu-2.yaml",
        "  vigil:sharedStack: organization/vigil/shared",
        "",
    )
    code, out = check(project, capsys)
    assert code == 1
    assert (
        "shared object has two owners: pagerduty escalation policy 'Agency Operations — silver "
        "(SLA 15 min)' is created by stacks shared (stacks/Pulumi.shared.yaml), prod-eu-2"
    ) in out
    assert "shared object has two owners: zabbix media type 'vigil-zabbix-pagerduty-media'" in out
    assert (
        "shared object has two owners: grafana data source 'vigil-cw-222222222222-eu-central-1'"
        in out
    )


def test_a_shared_object_without_owner_fails(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # nobody manages the Grafana tree any more: the site stacks' sites would route nowhere
    edit(
        project / "stacks/Pulumi.shared.yaml",
        "notificationPolicy: manage",
        "notificationPolicy: external",
    )
    code, out = check(project, capsys)
    assert code == 1
    for stack in ("prod-eu-1", "prod-eu-2"):
        assert (
            f"stacks/Pulumi.{stack}.yaml: shared object has no owner: stack {stack} needs "
            "grafana notification policy tree 'organisation', which no stack of the fleet creates"
        ) in out


def test_two_tree_owners_fail(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(
        project / "stacks/Pulumi.prod-eu-1.yaml",
        "notificationPolicy: shared",
        "notificationPolicy: manage",
    )
    code, out = check(project, capsys)
    assert code == 1
    assert (
        "shared object has two owners: grafana notification policy tree 'organisation' is "
        "created by stacks shared (stacks/Pulumi.shared.yaml), prod-eu-1 "
        "(stacks/Pulumi.prod-eu-1.yaml)"
    ) in out


def test_a_stack_over_budget_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / "fleet.yaml", "budget: 3000", "budget: 200")
    code, out = check(project, capsys)
    assert code == 1
    # the count is the stack's own plan (printed above the problem), whatever the catalog holds
    (planned,) = re.findall(r"^stack prod-eu-1: 4 site\(s\), (\d+) resources", out, re.M)
    assert int(planned) > 200
    assert (
        f"stacks/Pulumi.prod-eu-1.yaml: stack prod-eu-1 plans {planned} resources, over the "
        "fleet budget of 200" in out
    )


def test_a_bad_fleet_file_is_invalid_input(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "fleet.yaml").write_text(
        "budget: 0\nshared: nope\nstacks: [prod-eu-1, gone]\nextra: 1\n"
    )
    with pytest.raises(ConfigFileError) as err:
        read_fleet(project)
    assert list(err.value.problems) == [
        "fleet.yaml: extra: unknown key (budget, shared, stacks)",
        "fleet.yaml: budget: a positive number of resources, not 0",
        "fleet.yaml: shared: 'nope' is not one of stacks ['prod-eu-1', 'gone']",
        "fleet.yaml: stacks: 'gone' has no stack file stacks/Pulumi.gone.yaml",
    ]
    code, out = check(project, capsys)
    assert code == 2 and "fleet.yaml: budget: a positive number" in out
