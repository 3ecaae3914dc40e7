"""Read one YAML file into plain data plus the position of every node.

PyYAML's ``safe_load`` forgets where values came from and silently keeps the last of two
duplicate keys, so a typo can hide. Here the file is composed into a node tree (libyaml when
available) and walked once: the walk builds the data, remembers the key and value node of
every path (so schema and semantic errors can name ``FILE:LINE:COL``) and reports duplicate
keys, tabs, undecodable bytes, syntax errors and empty files as ``Problem``s instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vigil.inventory.problems import Path, Problem, format_path

Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class Source:
    """A parsed file: ``data`` is ``None`` when it could not be read at all."""

    file: str
    data: Any = None
    nodes: dict[Path, tuple[Node | None, Node]] = field(default_factory=dict)
    """Path → (key node or ``None`` for sequence items and the root, value node)."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.problems

    def node(self, path: Path) -> Node | None:
        entry = self.nodes.get(tuple(path))
        return entry[1] if entry else None

    def locate(self, path: Path, at_key: bool = False) -> tuple[int, int]:
        """1-based position of ``path``, or of its nearest ancestor that exists."""
        p = tuple(path)
        while True:
            entry = self.nodes.get(p)
            if entry is not None:
                key, value = entry
                mark = (key if at_key and key is not None else value).start_mark
                return mark.line + 1, mark.column + 1
            if not p:
                return 1, 1
            p = p[:-1]

    def problem(self, path: Path, message: str, at_key: bool = False) -> Problem:
        line, col = self.locate(path, at_key)
        return Problem(self.file, line, col, format_path(path), message)


def _offset_position(text: str | bytes, offset: int) -> tuple[int, int]:
    newline = b"\n" if isinstance(text, bytes) else "\n"
    head = text[:offset]
    return head.count(newline) + 1, offset - (head.rfind(newline) + 1) + 1


def load_source(path: FsPath, display: str | None = None) -> Source:
    """Parse ``path``; every problem is recorded on the returned ``Source``."""
    src = Source(display or str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        src.problems.append(Problem(src.file, 1, 1, "", f"cannot read file: {exc.strerror}"))
        return src
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _offset_position(raw, exc.start)
        src.problems.append(Problem(src.file, line, col, "", "file is not valid UTF-8"))
        return src
    return parse_text(text, src)


def parse_text(text: str, src: Source) -> Source:
    """Fill ``src`` from YAML ``text``."""
    tabs = _tab_indents(text, src.file)
    if tabs:
        src.problems.extend(tabs)  # the parser would stop at the first one anyway
        return src
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        src.problems.append(Problem(src.file, line, col, "", f"YAML syntax error: {what}"))
        return src
    except yaml.YAMLError as exc:  # ReaderError: control characters and the like
        position = getattr(exc, "position", 0) or 0
        line, col = _offset_position(text, position)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        src.problems.append(Problem(src.file, line, col, "", f"YAML syntax error: {reason}"))
        return src
    except RecursionError:
        src.problems.append(Problem(src.file, 1, 1, "", "YAML is nested too deeply"))
        return src
    if root is None or (isinstance(root, ScalarNode) and root.tag != STR_TAG and not root.value):
        src.problems.append(
            Problem(src.file, 1, 1, "", "file is empty; expected a mapping of keys")
        )
        return src
    walker = _Walker(src)
    try:
        src.nodes[()] = (None, root)
        src.data = walker.walk(root, (), frozenset())
    except RecursionError:
        src.problems.append(Problem(src.file, 1, 1, "", "YAML is nested too deeply"))
    return src


def _tab_indents(text: str, file: str) -> list[Problem]:
    problems = []
    if "\t" not in text:
        return problems
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent and stripped and not stripped.startswith("#"):
            problems.append(
                Problem(
                    file,
                    number,
                    indent.index("\t") + 1,
                    "",
                    "tab character in indentation; YAML indents with spaces only",
                )
            )
    return problems


class _Walker:
    """Builds plain data from nodes, recording positions and duplicate keys on the way."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.constructor = SafeConstructor()

    def walk(self, node: Node, path: Path, stack: frozenset[int]) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if id(node) in stack:
            self.report(node, path, "recursive alias: a node cannot contain itself")
            return None
        stack = stack | {id(node)}
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.src.nodes[(*path, index)] = (None, item)
                items.append(self.walk(item, (*path, index), stack))
            return items
        assert isinstance(node, MappingNode)
        return self.mapping(node, path, stack)

    def mapping(self, node: MappingNode, path: Path, stack: frozenset[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, Node] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, path, "mapping keys must be plain text")
                continue
            key = key_node.value
            if key in first:
                line = first[key].start_mark.line + 1
                self.report(
                    key_node, (*path, key), f"duplicate key '{key}' (first defined on line {line})"
                )
                continue
            first[key] = key_node
            self.src.nodes[(*path, key)] = (key_node, value_node)
            result[key] = self.walk(value_node, (*path, key), stack)
        # ``<<: *anchor`` merge keys: explicit keys win, as in YAML 1.1.
        for merged in merges:
            sources = merged.value if isinstance(merged, SequenceNode) else [merged]
            for source in sources:
                if not isinstance(source, MappingNode):
                    self.report(source, path, "'<<' merges only mappings")
                    continue
                for key_node, value_node in source.value:
                    if isinstance(key_node, ScalarNode) and key_node.value not in result:
                        key = key_node.value
                        self.src.nodes[(*path, key)] = (key_node, value_node)
                        result[key] = self.walk(value_node, (*path, key), stack)
        return result

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        if node.tag == STR_TAG:
            return node.value
        try:
            return self.constructor.construct_object(node)
        except Exception as exc:  # any tag or value the safe constructor rejects
            reason = getattr(exc, "problem", None) or str(exc)
            self.report(node, path, f"cannot read value {node.value!r}: {reason}")
            return None

    def report(self, node: Node, path: Path, message: str) -> None:
        mark = node.start_mark
        self.src.problems.append(
            Problem(self.src.file, mark.line + 1, mark.column + 1, format_path(path), message)
        )
