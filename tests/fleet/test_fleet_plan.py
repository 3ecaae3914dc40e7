"""`vigil plan --fleet`: every stack planned in worker processes, one merged report.

Real worker processes throughout: the merged exit code is the worst stack's, a stack that
cannot be planned (bad config, a worker that dies) is named with its error and the others are
still planned, the merged JSON validates against the plan schema, ``-j 1`` and ``-j 2`` write
the same reports, and Ctrl-C ends every worker and exits 130.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fleet.test_fleet_check import edit, project  # noqa: F401  (fixture)
from tests.plan.test_interrupt import large_inventory
from tests.plan.test_stack_config_errors import ENV
from tests.test_json_schemas import check
from vigil.cli import main
from vigil.fleet.definition import read_fleet
from vigil.fleet.merge import FleetPlan
from vigil.fleet.parallel import FleetRunner, plan_fleet
from vigil.fleet.worker import StackOutcome, StackTask, run_worker
from vigil.plan.alert_paths import Step, site_alert_paths
from vigil.plan.cli import exit_code
from vigil.plan.gate import Gate
from vigil.plan.interrupt import EXIT_INTERRUPTED
from vigil.plan.service import run_plan

ROOT = Path(__file__).resolve().parents[2]


def fleet_plan(
    proj: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    code = main(["plan", "--fleet", "--project", str(proj), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, str]]:
    """The example fleet planned with -j 1 and with -j 2: exit code, stdout, JSON, HTML."""
    tmp = tmp_path_factory.mktemp("fleet-runs")
    found: dict[int, dict[str, str]] = {}
    for jobs in (1, 2):
        out = tmp / f"j{jobs}"
        proc = subprocess.run(
            [sys.executable, "-m", "vigil.cli", "plan", "--fleet", "-j", str(jobs),
             "--json", str(out / "plan.json"), "--html", str(out / "plan.html")],
            cwd=ROOT, env=ENV, capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        found[jobs] = {
            "code": str(proc.returncode),
            "stdout": proc.stdout.replace(str(out), "OUT"),
            "stderr": proc.stderr,
            "json": (out / "plan.json").read_text(),
            "html": (out / "plan.html").read_text(),
        }
    return found


def test_j1_and_j2_write_the_same_reports(runs: dict[int, dict[str, str]]) -> None:
    one, two = runs[1], runs[2]
    assert one["code"] == two["code"] == "0", one["stderr"] + two["stderr"]
    assert one["stdout"] == two["stdout"]
    assert one["json"] == two["json"]
    assert one["html"] == two["html"]
    # every stack was really planned, each in a worker that reported its own figures
    for stack in ("shared", "prod-eu-1", "prod-eu-2"):
        assert f"stack {stack}: exit 0, " in two["stderr"]


def test_merged_json_validates_and_holds_every_stack(runs: dict[int, dict[str, str]]) -> None:
    doc = json.loads(runs[2]["json"])
    check("plan", doc)
    assert doc["stack"] == "fleet"
    fleet = doc["fleet"]
    assert (fleet["file"], fleet["shared"], fleet["budget"], fleet["exitCode"]) == (
        "fleet.yaml", "shared", 3000, 0
    )  # fmt: skip
    sections = {s["stack"]: s for s in fleet["stacks"]}
    assert list(sections) == ["shared", "prod-eu-1", "prod-eu-2"]  # fleet.yaml order
    assert sections["shared"]["role"] == "shared" and sections["shared"]["sites"] == []
    assert sections["prod-eu-2"]["sites"] == ["nova-api", "nova-storefront"]
    by_site = {s["id"]: s["stack"] for s in doc["sites"]}
    assert by_site == {
        "acme-b2b": "prod-eu-1", "acme-shop": "prod-eu-1", "bistro-booking": "prod-eu-1",
        "bistro-website": "prod-eu-1", "nova-api": "prod-eu-2", "nova-storefront": "prod-eu-2",
    }  # fmt: skip
    # each stack's resources once, the shared ones too (not again as site stacks' references)
    urns = [r["urn"] for r in doc["resources"]]
    assert len(urns) == len(set(urns)) == sum(s["resources"] for s in fleet["stacks"])
    assert urns == sorted(urns) and "referenced" not in doc
    assert {u.split("::")[0] for u in urns} == {
        "urn:pulumi:shared", "urn:pulumi:prod-eu-1", "urn:pulumi:prod-eu-2"
    }  # fmt: skip
    assert all(n["stack"] == "prod-eu-1" for n in doc["notes"])  # its external-tree routes
    assert "Stacks" in runs[2]["html"] and 'data-stack="prod-eu-2"' in runs[2]["html"]


def test_the_merged_plan_is_a_plan_vigil_check_reads(
    runs: dict[int, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Site stacks' escalation ids resolve to the shared stack's resources in the merged
    graph, so the policies hold over the whole fleet too."""
    saved = tmp_path / "fleet.json"
    saved.write_text(runs[2]["json"])
    assert main(["check", str(saved)]) == 0, capsys.readouterr().out
    assert "stack fleet, " in capsys.readouterr().out


def test_the_merged_exit_code_is_the_worst_stack_s(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    # prod-eu-2 deploys no Grafana: a gap on both its sites, so that stack alone exits 1
    # (not Zabbix: the test environment's ZABBIX_URL would deploy it anyway)
    grafana = "    enabled: true\n    notificationPolicy: shared"  # a site stack's (fleet.yaml)
    edit(project / "stacks/Pulumi.prod-eu-2.yaml", grafana, grafana.replace("true", "false"))
    code, out, err = fleet_plan(project, capsys, "-j", "2")
    assert code == 1, out + err
    assert "stack prod-eu-2: exit 1, 2 site(s)" in err
    assert "stack prod-eu-1: exit 0, 4 site(s)" in err
    assert "coverage gate: failed: 2 site(s) with gaps (nova-api, nova-storefront)" in out
    assert out.rstrip().endswith("fleet exit code 1 (the worst of its stacks)")


def test_a_stack_that_cannot_be_planned_is_named_with_its_error(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit(project / "stacks/Pulumi.prod-eu-1.yaml", "  vigil:fleetRole: site\n",
         "  vigil:fleetRole: site\n  vigil:clientz: [acme]\n")  # fmt: skip
    code, out, err = fleet_plan(project, capsys, "--json", str(project / "plan.json"))
    assert code == 2, out + err
    assert "stack prod-eu-1 failed (exit 2): " in out
    assert "stacks/Pulumi.prod-eu-1.yaml:" in out and "vigil:clientz" in out
    assert "not planned: 1 stack(s) (prod-eu-1)" in out
    doc = json.loads((project / "plan.json").read_text())
    check("plan", doc)
    sections = {s["stack"]: s for s in doc["fleet"]["stacks"]}
    assert sections["prod-eu-1"]["exitCode"] == 2
    assert "vigil:clientz" in sections["prod-eu-1"]["error"]
    assert sections["prod-eu-2"]["exitCode"] == 0 and sections["prod-eu-2"]["error"] is None
    assert {s["id"] for s in doc["sites"]} == {"nova-api", "nova-storefront"}
    assert doc["gate"]["passed"] is False  # a stack's sites are unproven
    assert doc["fleet"]["exitCode"] == 2
    # vigil plan -s shared is unchanged: a site stack it reads back stops it, named
    assert main(["plan", "-s", "shared", "--project", str(project)]) == 2
    assert "vigil:clientz" in capsys.readouterr().err


def test_a_failed_shared_stack_is_why_its_site_stacks_were_not_planned(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit(project / "stacks/Pulumi.shared.yaml", "  vigil:fleetRole: shared\n",
         "  vigil:fleetRole: shared\n  vigil:clients: [acme]\n")  # fmt: skip
    code, out, _ = fleet_plan(project, capsys)
    assert code == 2
    assert "stack shared failed (exit 2): " in out
    for stack in ("prod-eu-1", "prod-eu-2"):
        assert (
            f"stack {stack} failed (exit 2): not planned: it reads the shared stack 'shared', "
            "which could not be planned"
        ) in out


def crashing_worker(conn: Connection, task: StackTask) -> None:
    """A worker entry point that dies the ways a real one can, by stack."""
    if task.stack == "prod-eu-1":
        os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's OOM killer does
    if task.stack == "prod-eu-2":
        os._exit(3)  # gone without a word
    run_worker(conn, task)


def test_a_worker_that_dies_is_reported_for_its_stack_never_lost() -> None:
    fleet = read_fleet(ROOT)
    outcomes = plan_fleet(fleet, FleetRunner(2, target=crashing_worker))
    assert list(outcomes) == ["shared", "prod-eu-1", "prod-eu-2"]
    assert outcomes["shared"].exit_code == 0 and outcomes["shared"].error is None
    assert outcomes["prod-eu-1"].exit_code == 2
    assert outcomes["prod-eu-1"].error == (
        "the worker process planning it was killed by SIGKILL "
        "(out of memory? the kernel's OOM killer sends SIGKILL)"
    )
    assert outcomes["prod-eu-2"].error == (
        "the worker process planning it exited with code 3 without a result"
    )
    assert FleetPlan(fleet, outcomes).exit_code == 2


RECORDS = "records.log"  # in the test's project copy: one line per program recording


def counting_worker(conn: Connection, task: StackTask) -> None:
    """The real worker, writing the stack of every program recording it makes to
    ``<project>/records.log`` (a file: the worker is another process)."""
    from vigil.fleet import record as fleet_record
    from vigil.plan import engine

    original = engine.record_program

    def counted(config: Any, *args: Any, **kwargs: Any) -> Any:
        with open(task.project_dir / RECORDS, "a", encoding="utf-8") as log:
            log.write(f"{config.stack}\n")
        return original(config, *args, **kwargs)

    engine.record_program = counted  # type: ignore[assignment]
    fleet_record.record_program = counted  # type: ignore[assignment]
    run_worker(conn, task)


@pytest.fixture(scope="module")
def two_pass(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, StackOutcome]]:
    """The example fleet (a copy) planned by counting workers, with alert paths."""
    proj = tmp_path_factory.mktemp("two-pass") / "proj"
    proj.mkdir()
    for entry in ROOT.iterdir():
        if not entry.name.startswith(".") and entry.name != "out":
            (proj / entry.name).symlink_to(entry)
    outcomes = plan_fleet(read_fleet(proj), FleetRunner(2, target=counting_worker), html=True)
    return proj, outcomes


def test_each_site_stack_is_recorded_once_and_the_shared_stack_twice(
    two_pass: tuple[Path, dict[str, StackOutcome]],
) -> None:
    """Two passes, as the deploy workflow runs the fleet: the shared stack alone (its outputs
    for the site stacks), each site stack in its worker, the shared stack against what they
    published. No site stack is recorded again inside the shared stack's recording."""
    proj, outcomes = two_pass
    assert all(o.error is None for o in outcomes.values())
    records = sorted((proj / RECORDS).read_text().split())
    assert records == ["prod-eu-1", "prod-eu-2", "shared", "shared"]


@pytest.mark.parametrize("stack", ["shared", "prod-eu-1", "prod-eu-2"])
def test_each_stack_s_fleet_plan_is_its_vigil_plan_s(
    stack: str, two_pass: tuple[Path, dict[str, StackOutcome]]
) -> None:
    """The same plan as ``vigil plan -s STACK`` (which records the shared stack as after a
    full deploy, its site stacks recorded inside it): sites, violations, gate, resources and
    each site's alert paths, the route in the shared stack's tree included. Only a site
    stack's ``referenced`` copy of the shared stack differs (the first pass's; the merged plan
    carries the shared stack's own resources instead)."""
    proj, outcomes = two_pass
    alone = run_plan(proj, stack)
    fleet = outcomes[stack]
    assert fleet.document is not None
    strip = ("referenced",)
    assert {k: v for k, v in fleet.document.items() if k not in strip} == {
        k: v for k, v in alone.document.items() if k not in strip
    }
    assert fleet.exit_code == exit_code(alone) == 0
    paths = FleetPlan(read_fleet(proj), outcomes).alert_paths()[stack]
    assert paths == site_alert_paths(alone.graph)
    grafana = [step.label for p in paths.values() for s in p if s.source == "Grafana"
               for step in s.steps if step.label.startswith("route ")]  # fmt: skip
    assert len(grafana) == len(alone.sites)  # every site's route, verified in the tree


def test_a_site_route_is_not_verified_when_the_shared_stack_is_not_planned(
    two_pass: tuple[Path, dict[str, StackOutcome]],
) -> None:
    proj, outcomes = two_pass
    failed = StackOutcome("shared", 2, error="boom")
    paths = FleetPlan(read_fleet(proj), {**outcomes, "shared": failed}).alert_paths()
    steps = [step for p in paths["prod-eu-2"]["nova-api"] for step in p.steps]
    assert Step(
        "route site=nova-api in the shared stack's tree: not verified (the shared stack "
        "'shared' could not be planned)",
        ok=False,
    ) in steps


def test_the_fleet_exit_code_is_the_maximum() -> None:
    fleet = read_fleet(ROOT)

    def plan(*codes: int) -> FleetPlan:
        outcomes = {
            s.name: StackOutcome(s.name, c, gate=Gate((), ()))
            for s, c in zip(fleet.stacks, codes, strict=True)
        }
        return FleetPlan(fleet, outcomes)

    assert plan(0, 0, 0).exit_code == 0
    assert plan(0, 1, 0).exit_code == 1
    assert plan(1, 0, 2).exit_code == 2
    assert plan(2, 1, 0).exit_code == 2


def interrupt_project(tmp: Path) -> Path:
    """A fleet whose one site stack holds 60 sites: long enough to be interrupted."""
    proj = tmp / "proj"
    proj.mkdir()
    for entry in ("Pulumi.yaml", "__main__.py", "policies", "components"):
        (proj / entry).symlink_to(ROOT / entry)
    large_inventory(proj / "inventory", sites=60)
    (proj / "stacks").mkdir()
    shared = (ROOT / "stacks/Pulumi.shared.yaml").read_text()
    (proj / "stacks/Pulumi.shared.yaml").write_text(shared)
    site = yaml.safe_load(shared)
    site["config"].update({
        "vigil:fleetRole": "site", "vigil:sharedStack": "organization/vigil/shared",
        "vigil:clients": [f"c{i:03d}" for i in range(10)],
    })  # fmt: skip
    site["config"]["vigil:grafana"]["notificationPolicy"] = "shared"  # the shared stack's tree
    (proj / "stacks/Pulumi.big.yaml").write_text(yaml.safe_dump(site))
    (proj / "fleet.yaml").write_text("shared: shared\nstacks: [shared, big]\n")
    return proj


def marked(mark: str) -> list[int]:
    """Pids of live processes whose environment carries ``mark`` (this test's own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if mark.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_ctrl_c_ends_every_worker_and_exits_130(tmp_path: Path) -> None:
    proj = interrupt_project(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    temp = tmp_path / "tmp"  # the plan's TMPDIR: multiprocessing's pymp-* folder goes here
    temp.mkdir()
    mark = f"VIGIL_TEST_MARK={uuid.uuid4().hex}"
    env = {
        **ENV, mark.split("=")[0]: mark.split("=")[1], "VIGIL_PROGRESS_SECONDS": "3600",
        "TMPDIR": str(temp),
    }  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigil.cli", "plan", "--fleet", "-j", "2", "--project", str(proj),
         "--json", str(out / "plan.json"), "--html", str(out / "plan.html")],
        cwd=proj, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # printed when the shared stack's first pass is done
        assert "stack shared (outputs for its site stacks): recorded" in line, line
        time.sleep(1)  # the big stack's worker is recording its 60 sites now
        assert proc.poll() is None, "the plan ended before it could be interrupted"
        workers = [p for p in marked(mark.split("=")[1]) if p != proc.pid]
        assert workers, "no worker process found"
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)  # a guard against a hang, not a timing assertion
    finally:
        if proc.poll() is None:
            proc.kill()
    err = proc.stderr.read()
    assert code == EXIT_INTERRUPTED == 130, err
    assert "vigil plan --fleet: interrupted (Ctrl-C); stopped, no partial file written" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert sorted(os.listdir(out)) == []
    assert sorted(os.listdir(temp)) == []  # no temporary file left either (forkserver socket)
    for _ in range(100):  # the forkserver leaves once its parent is gone
        left = marked(mark.split("=")[1])
        if not left:
            break
        time.sleep(0.1)
    assert not left, f"processes left running after Ctrl-C: {left}"
