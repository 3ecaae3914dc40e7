"""Reading ``Pulumi.yaml`` and ``stacks/Pulumi.<stack>.yaml``, and where a key is written.

``read_config_document`` reads either file with the inventory's bounded YAML reader (no alias
bomb, no unknown tag, no traceback) and raises ``ConfigFileError`` with ``FILE:LINE:COL: ``
problems, as inventory errors are reported. ``parse_stack_settings(where=...)`` prefixes each
settings problem with ``FILE:LINE:COL: `` of the key path it is about
(``vigil:grafana.enabled``, ``vigil:clients[1]``); keys Pulumi's own config layers supply
(``Pulumi.yaml`` defaults, ``PULUMI_CONFIG``) have no position.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from vigil.inventory.yaml_source import load_source
from vigil.settings import NAMESPACE, Where


class ConfigFileError(ValueError):
    """``Pulumi.yaml`` or a stack file that cannot be read; one ``FILE:LINE:COL: message``
    per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def read_config_document(path: Path, shown: Path | None = None) -> dict[str, Any]:
    """The mapping in a Pulumi project or stack file (``{}`` when empty, as Pulumi reads it).

    Its ``config`` block, when present, must be a mapping of keys.
    """
    src = load_source(path, str(shown or path))
    if src.empty and not src.problems[1:]:
        return {}
    problems = [p.format() for p in src.problems]
    data = src.data
    if not problems and not isinstance(data, dict):
        problems.append(src.problem((), "expected a mapping of keys").format())
    elif not problems and data.get("config") is not None and not isinstance(data["config"], dict):
        problems.append(src.problem(("config",), "expected a mapping of config keys").format())
    if problems:
        raise ConfigFileError(problems)
    return data


def stack_file_locations(stack_file: Path, shown: Path | None = None) -> Where:
    """``where(path)`` for ``parse_stack_settings``: ``FILE:LINE:COL: `` of a key path
    (``vigil:grafana.enabled``) in a stack file (named ``shown``), or ``""`` when not there."""
    try:
        root = yaml.compose(stack_file.read_text())
    except (OSError, yaml.YAMLError):
        root = None
    found = _child(root, "config")
    config = found[1] if found else None

    def where(path: str) -> str:
        head, *rest = re.split(r"\.|(?=\[)", path)
        found = _child(config, head) or _child(config, head.removeprefix(f"{NAMESPACE}:"))
        for part in rest:
            deeper = _child(found[1], part) if found else None
            if deeper is None:
                break
            found = deeper
        if found is None:
            return ""
        mark = found[0].start_mark
        return f"{shown or stack_file}:{mark.line + 1}:{mark.column + 1}: "

    return where


def _child(node: Any, part: str) -> tuple[Any, Any] | None:
    """(node to point at, node to descend into) of ``part`` under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == part:
                return key_node, value_node
        return None
    if isinstance(node, yaml.SequenceNode) and part.startswith("["):
        index = int(part.strip("[]"))
        return (node.value[index],) * 2 if index < len(node.value) else None
    return None
