"""Read one YAML file into plain data plus the position of every node — safely, on any input.

PyYAML's ``safe_load`` forgets where values came from, silently keeps the last of two duplicate
keys, expands aliases without bound (a 1 KB "billion laughs" file grows to gigabytes) and drops
unknown tags. Here libyaml's event stream is composed into a node tree by a small iterative
composer that counts every node an alias expands to, refuses tags other than the JSON-like
core ones and bounds nesting; the tree is then walked once: the walk builds the data, remembers
the key and value node of every path (so schema and semantic errors can name ``FILE:LINE:COL``)
and reports duplicate keys. Every problem — unreadable, oversized, undecodable, empty or null
file, syntax error, tab indent, bomb, tag — is a ``Problem`` on the returned ``Source``;
nothing here raises on any input.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from vigil.inventory.problems import Path, Problem, format_path

Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_TAG = "tag:yaml.org,2002:"
STR_TAG = YAML_TAG + "str"
NULL_TAG = YAML_TAG + "null"
MERGE_TAG = YAML_TAG + "merge"
SEQ_TAG = YAML_TAG + "seq"
MAP_TAG = YAML_TAG + "map"

MAX_FILE_BYTES = 1 << 20
"""An inventory file is a few KB (the largest example site is under 3 KB); 1 MiB is generous."""
MAX_NODES = 20_000
"""Nodes a file may expand to, aliases counted at their full size (the largest example file,
teams.yaml, has 291). The bound is what keeps a "billion laughs" file from exhausting memory:
it is met after at most ``MAX_NODES`` nodes have been built, so a bomb is rejected in
milliseconds."""
MAX_DEPTH = 64
"""Nesting levels a file may have (inventory files need under 10); keeps every recursive pass
over the data (walk, JSON Schema, checks) far from Python's recursion limit."""

SCALAR_TAGS = frozenset(YAML_TAG + name for name in ("str", "int", "float", "bool", "null"))
"""Explicit tags allowed on a scalar: the JSON-like types of the YAML core schema. Everything
else (``!!python/object``, ``!!binary``, ``!!timestamp``, ``!!set``, custom ``!foo``) would be
dropped or turned into a type the inventory cannot hold, so it is an error at its line."""
NON_SPECIFIC_TAG = "!"


@dataclass
class Source:
    """A parsed file: ``data`` is ``None`` exactly when it could not be read at all (and then
    ``problems`` says why)."""

    file: str
    data: Any = None
    nodes: dict[Path, tuple[Node | None, Node]] = field(default_factory=dict)
    """Path → (key node or ``None`` for sequence items and the root, value node)."""
    positions: dict[Path, tuple[int, int, int, int]] = field(default_factory=dict)
    """After ``release_nodes``: path → (key line, key column or 0, 0; value line, column)."""
    problems: list[Problem] = field(default_factory=list)
    size: int = 0
    """YAML nodes the file expands to (aliases at their full size)."""
    empty: bool = False
    """The file holds no document, or only null (reported as a problem)."""

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
            spot = self.positions.get(p)
            if spot is not None:
                return spot[:2] if at_key and spot[0] else spot[2:]
            if not p:
                return 1, 1
            p = p[:-1]

    def release_nodes(self, keep: Callable[[Path], bool]) -> None:
        """Drop the node tree, keeping the positions of the paths ``keep`` selects: a checked
        file can still be pointed at by cross-file checks without holding all its nodes."""
        for path, (key, value) in self.nodes.items():
            if not keep(path):
                continue
            k, v = (key.start_mark if key is not None else None), value.start_mark
            self.positions[path] = ((k.line + 1, k.column + 1) if k is not None else (0, 0)) + (
                v.line + 1,
                v.column + 1,
            )
        self.nodes = {}

    def problem(self, path: Path, message: str, at_key: bool = False) -> Problem:
        line, col = self.locate(path, at_key)
        return Problem(self.file, line, col, format_path(path), message)

    def fail(self, message: str, line: int = 1, col: int = 1) -> Source:
        """Record a problem that stops reading the file; the data stays ``None``."""
        self.data = None
        self.problems.append(Problem(self.file, line, col, "", message))
        return self


def _offset_position(text: str | bytes, offset: int) -> tuple[int, int]:
    if isinstance(text, bytes):
        head_bytes = text[:offset]
        return head_bytes.count(b"\n") + 1, offset - head_bytes.rfind(b"\n")
    head = text[:offset]
    return head.count("\n") + 1, offset - head.rfind("\n")


def read_regular_file(path: FsPath, limit: int = MAX_FILE_BYTES) -> bytes | str:
    """The bytes of ``path``, or why they cannot be read (``str``).

    Only a regular file is opened, and without blocking: a FIFO or device named like a site
    file would otherwise hang CI on ``read``. At most ``limit`` bytes are accepted.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file; an inventory file must be a plain file"
        if info.st_size > limit:
            return f"file is {info.st_size} bytes; inventory files are limited to {limit} bytes"
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return f"file is over {limit} bytes; inventory files are limited to {limit} bytes"
        return b"".join(chunks)
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    finally:
        os.close(fd)


def load_source(path: FsPath, display: str | None = None) -> Source:
    """Parse ``path``; every problem is recorded on the returned ``Source``."""
    src = Source(display or str(path))
    raw = read_regular_file(path)
    if isinstance(raw, str):
        return src.fail(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _offset_position(raw, exc.start)
        return src.fail("file is not valid UTF-8", line, col)
    return parse_text(text, src)


def parse_text(text: str, src: Source) -> Source:
    """Fill ``src`` from YAML ``text``; never raises."""
    try:
        return _parse(text, src)
    except Exception as exc:  # last line of defence: no input may raise
        return src.fail(f"cannot read YAML: {type(exc).__name__}: {exc}")


def _parse(text: str, src: Source) -> Source:
    tabs = _tab_indents(text, src.file)
    if tabs:
        src.problems.extend(tabs)  # the parser would stop at the first one anyway
        return src
    composer = _Composer(src.file)
    try:
        root = composer.compose(text)
    except _Reject as exc:
        return src.fail(exc.message, exc.line, exc.col)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return src.fail(f"YAML syntax error: {what}", line, col)
    except yaml.YAMLError as exc:  # ReaderError: control characters and the like
        position = getattr(exc, "position", 0) or 0
        line, col = _offset_position(text, position)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        return src.fail(f"YAML syntax error: {reason}", line, col)
    if root is None or (isinstance(root, ScalarNode) and root.tag == NULL_TAG):
        src.empty = True
        what = "empty" if root is None or not root.value else f"only '{root.value}' (null)"
        line = root.start_mark.line + 1 if root is not None and root.value else 1
        return src.fail(f"file is {what}; expected a mapping of keys", line)
    src.size = composer.total
    walker = _Walker(src, composer.bad_tags)
    try:
        src.nodes[()] = (None, root)
        src.data = walker.walk(root, (), frozenset())
    except RecursionError:  # unreachable with MAX_DEPTH; kept so no input can raise
        return src.fail("YAML is nested too deeply")
    for node, reason in composer.bad_tags.values():  # on nodes the walk skips (merge keys)
        walker.report(node, (), reason)
    return src


def _tab_indents(text: str, file: str) -> list[Problem]:
    problems: list[Problem] = []
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


class _Reject(Exception):
    """A file the composer refuses to build any further (bomb, depth, undefined alias)."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else 1
        self.col = mark.column + 1 if mark is not None else 1


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG) :] if tag.startswith(YAML_TAG) else tag


@dataclass
class _Open:
    """A sequence or mapping being composed: its items, a key waiting for its value, its size."""

    node: CollectionNode
    items: list[Any] = field(default_factory=list)
    key: Node | None = None
    size: int = 1


class _Composer:
    """libyaml events → one node tree, iteratively, counting the expanded size as it goes.

    ``total`` is the number of nodes a full expansion of the document would build: every new
    node counts one, every alias counts the whole size of the node it names (known, because an
    anchor's node is complete before it can be aliased — an alias to an open node is a
    recursive alias and is refused). The count is checked at each step, so a bomb is stopped at
    the alias that crosses ``MAX_NODES``, long before it costs memory.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.bad_tags: dict[int, tuple[Node, str]] = {}
        """Nodes with a tag that is not allowed; the walk reports them with their path."""
        self.resolver = Resolver()
        self.anchors: dict[str, Node] = {}
        self.sizes: dict[int, int] = {}
        self.total = 0

    def compose(self, text: str) -> Node | None:
        root: Node | None = None
        documents = 0
        stack: list[_Open] = []
        for event in yaml.parse(text, Loader=Loader):
            node: Node
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Reject(event.start_mark, "a file holds one YAML document, not several")
                continue
            if isinstance(event, SequenceEndEvent | MappingEndEvent):
                done = stack.pop()
                node = done.node
                node.value, node.end_mark = done.items, event.end_mark
                self.sizes[id(node)] = done.size
            elif isinstance(event, AliasEvent):
                node = self._alias(event, stack)
            elif isinstance(event, NodeEvent):
                node = self._new(event, len(stack))
                if isinstance(node, CollectionNode):
                    stack.append(_Open(node))
                    continue
            else:  # stream and document ends
                continue
            if not stack:
                root = node
                continue
            parent = stack[-1]
            parent.size += self.sizes[id(node)]
            if isinstance(parent.node, SequenceNode):
                parent.items.append(node)
            elif parent.key is None:
                parent.key = node
            else:
                parent.items.append((parent.key, node))
                parent.key = None
        return root

    def _count(self, size: int, event: Event, what: str) -> None:
        self.total += size
        if self.total > MAX_NODES:
            raise _Reject(
                event.start_mark,
                f"{what} the file past {MAX_NODES} YAML nodes (aliases count at their full size);"
                " inventory files are far smaller, so this looks like an alias bomb",
            )

    def _alias(self, event: AliasEvent, stack: list[_Open]) -> Node:
        node = self.anchors.get(event.anchor or "")
        if node is None:
            raise _Reject(event.start_mark, f"alias '*{event.anchor}' names no anchor above it")
        if any(frame.node is node for frame in stack):
            raise _Reject(
                event.start_mark, f"recursive alias '*{event.anchor}': a node cannot contain itself"
            )
        self._count(self.sizes[id(node)], event, f"alias '*{event.anchor}' expands")
        return node

    def _new(self, event: NodeEvent, depth: int) -> Node:
        self._count(1, event, "this node grows")
        if depth >= MAX_DEPTH:
            raise _Reject(
                event.start_mark, f"YAML nested more than {MAX_DEPTH} levels deep; flatten it"
            )
        kind = _KINDS[type(event)]
        tag, bad_tag = self._tag(event, kind)
        node: Node
        start: Any = event.start_mark  # libyaml's Mark and PyYAML's have the same fields
        if isinstance(event, ScalarEvent):
            end: Any = event.end_mark
            node = ScalarNode(tag, event.value, start, end, event.style)
            self.sizes[id(node)] = 1
        elif isinstance(event, SequenceStartEvent):
            node = SequenceNode(tag, [], start, None, event.flow_style)
        else:
            node = MappingNode(tag, [], start, None, getattr(event, "flow_style", None))
        if bad_tag:
            self.bad_tags[id(node)] = (node, bad_tag)
        if event.anchor is not None:
            first = self.anchors.get(event.anchor)
            if first is not None:
                raise _Reject(
                    event.start_mark,
                    f"anchor '&{event.anchor}' is defined twice (first on line "
                    f"{first.start_mark.line + 1})",
                )
            self.anchors[event.anchor] = node
        return node

    def _tag(self, event: NodeEvent, kind: type[Node]) -> tuple[str, str | None]:
        """The node's tag: resolved when implicit, else checked against the allowed ones."""
        explicit: str | None = getattr(event, "tag", None)
        if explicit == NON_SPECIFIC_TAG:
            explicit = None  # ``! value`` reads as untagged, as PyYAML reads it (and dumps None)
        implicit = getattr(event, "implicit", True)
        resolved: str = self.resolver.resolve(kind, getattr(event, "value", None), implicit)
        if explicit is None or explicit in ALLOWED_TAGS[kind]:
            return explicit or resolved, None
        shown = _show_tag(explicit)
        if explicit in STANDARD_TAGS:
            reason = f"YAML tag '{shown}' does not apply to {KIND_NAMES[kind]}"
        else:
            reason = (
                f"YAML tag '{shown}' is not allowed; inventory values are plain text, numbers, "
                "booleans, null, lists and mappings (remove the tag)"
            )
        return resolved, reason


_KINDS: dict[type, type[Node]] = {
    ScalarEvent: ScalarNode,
    SequenceStartEvent: SequenceNode,
    MappingStartEvent: MappingNode,
}
ALLOWED_TAGS: dict[type, frozenset[str]] = {
    ScalarNode: SCALAR_TAGS,
    SequenceNode: frozenset({SEQ_TAG}),
    MappingNode: frozenset({MAP_TAG}),
}
STANDARD_TAGS = SCALAR_TAGS | {SEQ_TAG, MAP_TAG}
KIND_NAMES: dict[type, str] = {
    ScalarNode: "a scalar",
    SequenceNode: "a list",
    MappingNode: "a mapping",
}


class _Walker:
    """Builds plain data from nodes, recording positions and duplicate keys on the way."""

    def __init__(self, src: Source, bad_tags: dict[int, tuple[Node, str]]) -> None:
        self.src = src
        self.bad_tags = bad_tags
        self.constructor = SafeConstructor()

    def walk(self, node: Node, path: Path, stack: frozenset[int]) -> Any:
        self.check_tag(node, path)
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
            self.check_tag(key_node, (*path, key))
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

    def check_tag(self, node: Node, path: Path) -> None:
        """Report a refused tag once, at its node and with the path it was first reached by."""
        bad = self.bad_tags.pop(id(node), None)
        if bad is not None:
            self.report(node, path, bad[1])

    def report(self, node: Node, path: Path, message: str) -> None:
        mark = node.start_mark
        self.src.problems.append(
            Problem(self.src.file, mark.line + 1, mark.column + 1, format_path(path), message)
        )
