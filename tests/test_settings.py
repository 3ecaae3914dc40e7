"""Stack settings: one key table, one parser, read once by the program; Pulumi.yaml agrees."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest
import yaml

from tests.runtime import run_program
from vigil import settings as s
from vigil.plan.engine import load_stack_config
from vigil.program import InvalidStackConfig, main, read_settings
from vigil.stack_file import stack_file_locations

ROOT = Path(__file__).resolve().parents[1]
INVENTORY = ROOT / "inventory"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pulumiverse_grafana


def parse(config: dict[str, object], secret_keys=(), env=None) -> s.StackSettings:
    """Pulumi's form: strings, structured values JSON-encoded; secrets sealed visibly."""
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    return s.parse_stack_settings(
        raw, seal=lambda v: ("sealed", v), secret_keys=secret_keys, env=env or {}
    )


def problems(config: dict[str, object], secret_keys=()) -> list[str]:
    with pytest.raises(s.SettingsError) as err:
        parse(config, secret_keys)
    return list(err.value.problems)


# --------------------------------------------------------------------------- unknown keys


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("vigil:client", ["acme"], "did you mean 'vigil:clients'?"),
        ("vigil:inventroy", "inventory", "did you mean 'vigil:inventory'?"),
        ("vigil:grafanaURL", "https://g.example", "did you mean 'vigil:grafanaUrl'?"),
        ("vigil:nothingLikeIt", "x", "known keys: vigil:awsRoleName, vigil:clients"),
    ],
)
def test_unknown_vigil_keys_are_invalid_with_a_hint(key, value, hint):
    (message,) = problems({key: value})
    assert message.startswith(f"{key}: unknown stack config key")
    assert hint in message


def test_other_namespaces_are_not_vigils_to_judge():
    got = parse({"aws:region": "eu-west-1", "pagerduty:token": "t", "vigil:inventory": "inv"})
    assert got.inventory == "inv" and got.clients is None


def test_a_typo_stops_the_program_before_any_resource():
    """Before: ``vigil:client`` was ignored and every client's sites were planned."""
    registered: list = []
    config = {"vigil:inventory": str(INVENTORY), "vigil:client": ["acme"]}
    with pytest.raises(InvalidStackConfig, match=r"vigil:client: .*did you mean 'vigil:clients'"):
        run_program(main, config, on_resource=registered.append)
    assert [r.type for r in registered] == ["pulumi:pulumi:Stack"]


def test_vigil_plan_exits_2_naming_the_stack_file_line(tmp_path):
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        (project / name).write_text((ROOT / name).read_text())
    (project / "policies").symlink_to(ROOT / "policies")
    (project / "stacks" / "Pulumi.typo.yaml").write_text(
        "config:\n"
        "  aws:region: eu-west-1\n"
        f"  vigil:inventory: {INVENTORY}\n"
        "  vigil:inventroy: inventory\n"
        "  vigil:grafana:\n"
        "    notificationPolicy: replace\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "plan", "--stack", "typo"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 2, out.stderr
    where = "stacks/Pulumi.typo.yaml"
    assert f"{where}:4:3: vigil:inventroy: unknown stack config key; did you mean " in out.stderr
    assert f"{where}:6:5: vigil:grafana.notificationPolicy: 'replace' is not one of" in out.stderr
    assert "Traceback" not in out.stderr and "program failed" not in out.stderr
    assert "recorded offline" not in out.stdout


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"vigil:clients": "acme"}, "vigil:clients: expected an array of strings, got the text"),
        ({"vigil:clients": [1]}, "vigil:clients[0]: expected a string, got an integer"),
        ({"vigil:clients": []}, "vigil:clients: lists no client"),
        ({"vigil:clients": ["*", "acme"]}, "vigil:clients: '*' (every client) stands alone"),
        ({"vigil:inventory": ["inventory"]}, "vigil:inventory: expected a string, got an array"),
        ({"vigil:grafana": "manage"}, "vigil:grafana: expected an object, got the text"),
        ({"vigil:grafana": ["x"]}, "vigil:grafana: expected an object, got an array"),
        ({"vigil:grafana": {"enabeld": True}}, "vigil:grafana.enabeld: unknown key; did you mean"),
        ({"vigil:grafana": {"zabbixDatasourceUid": 3}}, "zabbixDatasourceUid: expected a string"),
        ({"vigil:zabbixUrl": "zabbix.example"}, "vigil:zabbixUrl: expected an http(s) URL"),
        ({"vigil:grafanaUrl": "ftp://g"}, "vigil:grafanaUrl: expected an http(s) URL"),
        (
            {"vigil:grafana": {"cloudwatchDatasources": {"123456789012/eu-west-1": 7}}},
            "vigil:grafana.cloudwatchDatasources.123456789012/eu-west-1: expected a string",
        ),
        (
            {"vigil:grafana": {"enabled": True}},
            "Grafana enabled but neither grafana:url nor GRAFANA_URL set",
        ),
    ],
)
def test_wrong_types_and_values_are_reported(config, expected):
    assert any(expected in p for p in problems(config)), problems(config)


def test_every_problem_is_reported_at_once():
    found = problems({"vigil:client": ["a"], "vigil:clients": "a", "vigil:grafana": {"x": 1}})
    assert len(found) == 3


def test_pulumi_yaml_defaults_mean_unset():
    """What the CLI injects for undeclared-in-stack keys (Pulumi.yaml defaults)."""
    defaults = {f"vigil:{k}": v["default"] for k, v in s.pulumi_declarations().items()}
    got = parse(defaults)
    assert got == parse({}) and got.inventory == "inventory" and got.clients is None
    assert not got.zabbix.enabled and not got.grafana.enabled and got.dashboard_url is None


# --------------------------------------------------------------------------- secrets


def test_secrets_are_sealed_and_required_to_be_secret():
    got = parse(
        {"vigil:zabbixUrl": "https://z.example", "vigil:zabbixApiToken": "tok"},
        secret_keys={"vigil:zabbixApiToken"},
    )
    assert got.zabbix.token == ("sealed", "tok")
    (message,) = problems({"vigil:zabbixPassword": "pw"})
    assert "vigil:zabbixPassword: must be a secret: pulumi config set --secret" in message
    assert "pw" not in message.replace("vigil:zabbixPassword", "")
    (message,) = problems({"vigil:inventory": "inv"}, secret_keys={"vigil:inventory"})
    assert "vigil:inventory: is set as a secret but is not one" in message
    user = parse({"vigil:zabbixUser": "u"}, secret_keys={"vigil:zabbixUser"}).zabbix
    assert user.user is None  # zabbix disabled: no URL
    user = parse(
        {"vigil:zabbixUser": "u", "vigil:zabbixUrl": "https://z.example"},
        secret_keys={"vigil:zabbixUser"},
    ).zabbix
    assert user.user == ("sealed", "u")


def test_read_settings_keeps_secrets_as_pulumi_secrets(monkeypatch):
    """The language host's path: keys from ``PULUMI_CONFIG``, secret keys from
    ``PULUMI_CONFIG_SECRET_KEYS``; the token becomes an ``Output.secret``, the Grafana auth
    value is never read into the settings."""
    token, auth = "zbx-token-never-plain", "glsa_never-plain"
    config = {
        "vigil:inventory": str(INVENTORY),
        "vigil:zabbixUrl": "https://zabbix.example",
        "vigil:zabbixApiToken": token,
        "grafana:url": "https://grafana.example",
        "grafana:auth": auth,
    }
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["vigil:zabbixApiToken"]))
    seen: dict[str, s.StackSettings] = {}

    def program() -> None:
        seen["settings"] = read_settings()

    run_program(program, {})
    got = seen["settings"]
    assert isinstance(got.zabbix.token, pulumi.Output)
    assert token not in repr(got) and auth not in repr(got)
    assert got.grafana.enabled and got.dashboard_url == "https://grafana.example"
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({**config, "vigil:inventroy": "x"}))
    with pytest.raises(InvalidStackConfig, match="vigil:inventroy: unknown stack config key"):
        run_program(program, {})


def test_only_the_program_reads_stack_config():
    """One read per run: components and the library take settings as arguments."""
    readers = []
    for folder in ("components", "vigil", "policies"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text()
            if re.search(r"pulumi\.Config\(|runtime_config\.get_config\(|get_config_env\(", text):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == ["vigil/program.py"]


# --------------------------------------------------------------------------- links


def test_grafana_url_alone_gives_every_alarm_its_dashboard_link():
    """The README's deploy steps set only grafana:url (+ the secret auth); before, 0 of the
    alarms linked to their dashboard."""
    config = {
        "vigil:inventory": str(INVENTORY),
        "grafana:url": "https://grafana.agency.example/",
        "grafana:auth": "glsa_x",
    }
    recording = run_program(main, config, secret_keys=["grafana:auth"])
    alarms = recording.of_type(ALARM)
    assert alarms
    for alarm in alarms:
        site = alarm.inputs["tags"]["vigil:site"]
        link = f"Dashboard: https://grafana.agency.example/d/vigil-{site}/{site}"
        assert link in alarm.inputs["alarmDescription"], alarm.name
    site_ids = {a.inputs["tags"]["vigil:site"] for a in alarms}
    urls = [recording.exports[site_id]["dashboardUrl"] for site_id in sorted(site_ids)]
    assert urls and all(u.startswith("https://grafana.agency.example/d/") for u in urls)
    # the plan gets the run's one settings object (vigil.loaded), not a second read
    assert isinstance(recording.settings, s.StackSettings)
    assert recording.settings.dashboard_url == "https://grafana.agency.example"


def test_an_override_wins_and_no_link_points_at_an_undeployed_dashboard():
    with_override = parse(
        {
            "grafana:url": "https://grafana.internal",
            "grafana:auth": "[set]",
            "vigil:grafanaUrl": "https://grafana.example/",
        }
    )
    assert with_override.dashboard_url == "https://grafana.example"
    assert with_override.grafana.url == "https://grafana.example"
    skipped = parse({"grafana:url": "https://grafana.internal"})  # no auth: nothing deployed
    assert not skipped.grafana.enabled and skipped.dashboard_url is None
    env = parse({}, env={"GRAFANA_URL": "https://g.env", "GRAFANA_AUTH": "x"})
    assert env.dashboard_url == "https://g.env"


# --------------------------------------------------------------------------- Pulumi.yaml


def test_pulumi_yaml_declares_every_key_of_the_table():
    declared = (yaml.safe_load((ROOT / "Pulumi.yaml").read_text()) or {}).get("config") or {}
    expected = s.pulumi_declarations()
    block = yaml.safe_dump({"config": expected}, sort_keys=False, width=1000)
    assert declared == expected, f"Pulumi.yaml's config block should be:\n{block}"
    undeclared = {k.full_name for k in s.KEYS if k.name not in declared}
    objects = {"vigil:grafana", "vigil:outOfScope"}
    assert undeclared == objects, "only object-valued keys cannot be declared"
    # the rules Pulumi's project loader applies (sdk/go/common/workspace/project.json and
    # Project.Validate): one of four types, items for arrays, a default of the declared type
    python_type = {"string": str, "boolean": bool, "integer": int, "array": list}
    for name, entry in declared.items():
        assert entry["type"] in python_type, name
        assert ("items" in entry) == (entry["type"] == "array"), name
        assert "default" in entry, f"{name}: a declared key without default is required"
        assert isinstance(entry["default"], python_type[entry["type"]]), name
        for item in entry["default"] if entry["type"] == "array" else ():
            assert isinstance(item, python_type[entry["items"]["type"]]), name
        assert "secret" not in entry, f"{name}: secret: true makes Pulumi require the key"


def test_the_zabbix_provider_reads_the_keys_of_the_table():
    """The dynamic provider's own process gets stack config only through configure()."""
    from vigil.zabbix.api import CONFIG_KEYS

    assert set(CONFIG_KEYS.values()) <= set(s.BY_NAME)


@pytest.mark.parametrize("stack_file", sorted((ROOT / "stacks").glob("Pulumi.*.yaml")))
def test_every_stack_file_is_valid_against_the_table(stack_file):
    stack = stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml")
    config = load_stack_config(ROOT, stack)
    got = s.parse_stack_settings(
        config.values, seal=lambda v: v, secret_keys=config.secret_keys, env={}
    )
    assert got.inventory == "inventory"
    assert got.dashboard_url == "https://grafana.agency.example"  # from grafana:url alone


def test_problems_point_at_the_stack_file(tmp_path):
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text(
        "config:\n  vigil:clients:\n    - acme\n    - 3\n  vigil:grafana:\n    enabeld: true\n"
        "  zabbixUrl: nope\n"
    )
    config = load_stack_config_from(path)
    with pytest.raises(s.SettingsError) as err:
        s.parse_stack_settings(
            config, seal=lambda v: v, where=stack_file_locations(path, Path("x.yaml"))
        )
    assert list(err.value.problems) == [
        "x.yaml:4:7: vigil:clients[1]: expected a string, got an integer",
        "x.yaml:6:5: vigil:grafana.enabeld: unknown key; did you mean 'enabled'?",
        "x.yaml:7:3: vigil:zabbixUrl: expected an http(s) URL, got 'nope'",
    ]


def load_stack_config_from(path: Path) -> dict[str, str]:
    doc = yaml.safe_load(path.read_text())["config"]
    return {
        (k if ":" in k else f"vigil:{k}"): v if isinstance(v, str) else json.dumps(v)
        for k, v in doc.items()
    }


def test_readme_and_architecture_list_every_key():
    readme = (ROOT / "README.md").read_text()
    architecture = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    for key in s.KEYS:
        assert f"`{key.full_name}`" in readme, key.full_name
        assert f"`{key.full_name}`" in architecture, key.full_name
    for sub in s.GRAFANA_FIELDS:
        assert f"`{sub.name}`" in readme and f"`{sub.name}`" in architecture, sub.name


def test_zabbix_webhook_region_follows_the_pagerduty_provider():
    """EU PagerDuty accounts have their own events host; the Zabbix webhook must use it."""
    config = {"vigil:zabbixUrl": "https://zabbix.example.com", "pagerduty:serviceRegion": "EU"}
    got = s.parse_stack_settings(config, seal=lambda v: v, secret_keys=frozenset(), env={})
    assert got.zabbix.pagerduty_region == "eu"
    plain = s.parse_stack_settings(
        {"vigil:zabbixUrl": "https://zabbix.example.com"}, seal=lambda v: v, env={}
    )
    assert plain.zabbix.pagerduty_region == "us"
