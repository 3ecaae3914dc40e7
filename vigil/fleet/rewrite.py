"""Rewrite one list in a YAML file in place, keeping every other byte (comments included).

`vigil fleet assign --write` changes only ``config: vigil:clients`` of a stack file and
``stacks`` of ``fleet.yaml``; a reviewer's diff then shows exactly the assignment change.
The value's span comes from the YAML composer's marks, so block and flow lists both work.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml


def _flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(values) + "]"


def replace_list(text: str, path: Sequence[str], values: Sequence[str]) -> str:
    """``text`` with the list at ``path`` (mapping keys) replaced by ``values`` (flow style).

    ``KeyError`` when the path is not in the document (the caller adds the key instead).
    """
    node = yaml.compose(text)
    key_node = None
    for part in path:
        if not isinstance(node, yaml.MappingNode):
            raise KeyError(".".join(path))
        found = next(((k, v) for k, v in node.value if k.value == part), None)
        if found is None:
            raise KeyError(".".join(path))
        key_node, node = found
    assert key_node is not None
    start, end = key_node.end_mark.index, node.end_mark.index
    span = text[start:end]
    block = isinstance(node, yaml.SequenceNode) and not node.flow_style and "\n" in span
    tail = "\n" + span[span.rfind("\n") + 1 :] if block else ""
    return f"{text[:start]}: {_flow(values)}{tail}{text[end:]}"


def set_clients(text: str, clients: Sequence[str]) -> str:
    """A stack file's text with ``vigil:clients`` set (added at the end of ``config``)."""
    try:
        return replace_list(text, ("config", "vigil:clients"), clients)
    except KeyError:
        root = yaml.compose(text)
        config = next((v for k, v in root.value if k.value == "config"), None) if root else None
        if not isinstance(config, yaml.MappingNode) or config.flow_style:
            raise
        at = config.end_mark.index
        head = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
        return f"{head}  vigil:clients: {_flow(clients)}\n{text[at:]}"
