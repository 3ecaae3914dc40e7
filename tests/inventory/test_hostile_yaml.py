"""Hostile YAML: bombs, tags, null documents, depth — each is one problem at its line, at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inventory.util import edit, only, problems
from vigil.inventory import yaml_source
from vigil.inventory.yaml_source import MAX_DEPTH, MAX_NODES, Source, parse_text

SHOP = "sites/acme/shop.yaml"


def billion_laughs(levels: int = 9) -> str:
    """The classic alias bomb: 9 levels of 9 aliases = 9**9 (387 million) strings, in 342 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        name, prev = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def parse(text: str) -> Source:
    return parse_text(text, Source("f.yaml"))


def messages(src: Source) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.col, p.path, p.message) for p in src.problems]


def test_alias_bomb_is_rejected_at_the_alias_that_crosses_the_bound(inv: Path) -> None:
    bomb = billion_laughs()
    assert len(bomb) < 1024
    (inv / SHOP).write_text(bomb)
    file, line, col, path, message = only(inv)
    # 9 + 81 + 729 + 6561 strings so far; the 2nd alias on line 5 would pass 20,000 nodes
    assert (file, line, col, path) == (SHOP, 5, 11, "")
    assert message.startswith(f"alias '*d' expands the file past {MAX_NODES} YAML nodes")
    assert "alias bomb" in message


def test_bomb_through_merge_keys_is_bounded_too() -> None:
    text = "a: &a {x: 1, y: 2, z: 3, w: 4}\n"
    for level in range(1, 12):
        name, prev = chr(ord("a") + level), chr(ord("a") + level - 1)
        text += f"{name}: &{name} {{p: *{prev}, q: *{prev}, <<: *{prev}}}\n"
    src = parse(text)
    assert src.data is None
    [(line, _, _, message)] = messages(src)
    assert line >= 8 and "alias bomb" in message


def test_a_file_of_many_plain_nodes_is_bounded() -> None:
    src = parse("[" + ", ".join(["0"] * (MAX_NODES + 10)) + "]")
    assert src.data is None
    [(line, col, _, message)] = messages(src)
    assert (line, col) == (1, 2 + 3 * (MAX_NODES - 1))  # the list, then the first item past it
    assert message == (
        f"this node grows the file past {MAX_NODES} YAML nodes (aliases count at their full "
        "size); inventory files are far smaller, so this looks like an alias bomb"
    )


def test_ordinary_aliases_still_work() -> None:
    src = parse("base: &b {region: eu-west-1, port: 1}\nsite:\n  <<: *b\n  port: 2\nagain: *b\n")
    assert src.problems == []
    assert src.data["site"] == {"port": 2, "region": "eu-west-1"}
    assert src.data["again"] == {"region": "eu-west-1", "port": 1}
    assert src.locate(("site", "region")) == (1, 19)  # where the merged value is written


def test_nesting_is_bounded() -> None:
    src = parse("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert messages(src) == [
        (1, MAX_DEPTH + 1, "", f"YAML nested more than {MAX_DEPTH} levels deep; flatten it")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x [1, *x]\n", (1, 11, "", "recursive alias '*x': a node cannot contain itself")),
        ("a: *nope\n", (1, 4, "", "alias '*nope' names no anchor above it")),
        ("a: &x 1\nb: &x 2\n", (2, 4, "", "anchor '&x' is defined twice (first on line 1)")),
        ("a: 1\n---\na: 2\n", (2, 1, "", "a file holds one YAML document, not several")),
    ],
)
def test_alias_and_document_mistakes(text: str, expected: tuple) -> None:
    src = parse(text)
    assert src.data is None
    assert messages(src) == [expected]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("~\n", "only '~' (null)"),
        ("null\n", "only 'null' (null)"),
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("---\n...\n", "empty"),
    ],
)
def test_null_and_empty_documents_are_problems_not_missing_sites(
    inv: Path, text: str, shown: str
) -> None:
    (inv / SHOP).write_text(text)
    assert only(inv) == (SHOP, 1, 1, "", f"file is {shown}; expected a mapping of keys")


def test_defaults_that_is_only_null_is_a_clear_error(inv: Path) -> None:
    (inv / "defaults.yaml").write_text("~\n")
    found = problems(inv)
    assert ("defaults.yaml", 1, 1, "", "file is only '~' (null); expected a mapping of keys") in (
        found
    )
    assert all(file == "defaults.yaml" or "tier" in message for file, *_, message in found), found


def test_teams_that_is_only_null_is_a_clear_error(inv: Path) -> None:
    (inv / "teams.yaml").write_text("null\n")
    found = problems(inv)
    assert ("teams.yaml", 1, 1, "", "file is only 'null' (null); expected a mapping of keys") in (
        found
    )


NOT_ALLOWED = (
    "is not allowed; inventory values are plain text, numbers, booleans, null, lists and "
    "mappings (remove the tag)"
)


@pytest.mark.parametrize(
    ("line", "tagged", "shown"),
    [
        ("name: ACME Shop (Magento)\n", "name: !!python/object:os.system {}\n", "!!python/object:os.system"),  # noqa: E501
        ("name: ACME Shop (Magento)\n", "name: !!python/name:os.system ''\n", "!!python/name:os.system"),  # noqa: E501
        ("name: ACME Shop (Magento)\n", "name: !foo ACME Shop\n", "!foo"),
        ("name: ACME Shop (Magento)\n", "name: !!binary QUNNRQ==\n", "!!binary"),
        ("name: ACME Shop (Magento)\n", "name: !!timestamp 2024-01-01\n", "!!timestamp"),
        ("name: ACME Shop (Magento)\n", "name: !<tag:example.com,2000:x> ACME\n", "tag:example.com,2000:x"),  # noqa: E501
    ],
)  # fmt: skip
def test_tags_other_than_the_standard_ones_are_errors_at_their_line(
    inv: Path, line: str, tagged: str, shown: str
) -> None:
    edit(inv / SHOP, line, tagged)
    found = [p for p in problems(inv) if "YAML tag" in p[4]]
    assert found == [(SHOP, 5, 7, "name", f"YAML tag '{shown}' {NOT_ALLOWED}")]


def test_tag_on_a_mapping_key_and_in_a_list_are_reported_with_their_path() -> None:
    src = parse("!custom key: 1\nlist: [1, !!set {a: null}]\n")
    assert messages(src) == [
        (1, 1, "key", f"YAML tag '!custom' {NOT_ALLOWED}"),
        (2, 11, "list[1]", f"YAML tag '!!set' {NOT_ALLOWED}"),
    ]


def test_standard_tags_are_read_and_mismatched_ones_refused() -> None:
    src = parse("a: !!str 0123\nb: !!int '7'\nc: ! 12\nd: !!str {x: 1}\ne: !!map [1]\n")
    assert src.data["a"] == "0123" and src.data["b"] == 7 and src.data["c"] == 12  # as PyYAML
    assert messages(src) == [
        (4, 4, "d", "YAML tag '!!str' does not apply to a mapping"),
        (5, 4, "e", "YAML tag '!!map' does not apply to a list"),
    ]


def test_oversized_file_is_refused_before_it_is_read(
    inv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (inv / SHOP).write_bytes(b"# " + b"x" * yaml_source.MAX_FILE_BYTES)
    size = (inv / SHOP).stat().st_size
    assert only(inv) == (
        SHOP, 1, 1, "",
        f"file is {size} bytes; inventory files are limited to {yaml_source.MAX_FILE_BYTES} bytes",
    )  # fmt: skip


def test_parse_text_reports_instead_of_raising_on_huge_integers() -> None:
    src = parse("a: " + "9" * 5000 + "\n")
    [(line, col, path, message)] = messages(src)
    assert (line, col, path) == (1, 4, "a") and message.startswith("cannot read value")
