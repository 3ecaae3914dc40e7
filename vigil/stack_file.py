"""Where a stack config key is written in ``stacks/Pulumi.<stack>.yaml``, for messages.

``parse_stack_settings(where=...)`` prefixes each problem with ``FILE:LINE:COL: `` of the key
path it is about (``vigil:grafana.enabled``, ``vigil:clients[1]``); keys Pulumi's own config
layers supply (``Pulumi.yaml`` defaults, ``PULUMI_CONFIG``) have no position.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from vigil.settings import NAMESPACE, Where


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
