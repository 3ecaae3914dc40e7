"""No site silently disappears: every entry under sites/ is a loaded site file or a problem."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.inventory.util import only, problems
from vigil.inventory import load_inventory
from vigil.inventory.discovery import site_files

LAYOUT = "site files are sites/<client>/<site>.yaml"
NOT_LOADED = "site file is not loaded: "


def test_every_site_file_of_the_example_is_found() -> None:
    files, found = site_files(EXAMPLE)
    assert found == []
    assert [(Path(f.display).relative_to(EXAMPLE).as_posix(), f.client) for f in files] == [
        ("sites/acme/b2b.yaml", "acme"), ("sites/acme/shop.yaml", "acme"),
        ("sites/bistro/booking.yaml", "bistro"), ("sites/bistro/website.yaml", "bistro"),
        ("sites/nova/api.yaml", "nova"), ("sites/nova/storefront.yaml", "nova"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "entry", "message"),
    [
        (lambda p: p.mkdir(), "sites/acme/extra.yaml",
         f"a folder named like a site file is not loaded: {LAYOUT}"),
        (lambda p: p.mkdir(), "sites/extra.yaml",
         f"a folder named like a site file is not loaded: {LAYOUT}"),
        (lambda p: p.mkdir(), "sites/acme/old",
         f"a folder inside a client folder is not loaded: {LAYOUT}"),
        (lambda p: p.write_text("id: x\n"), "sites/acme/notes.txt",
         f"file is not loaded: only <site>.yaml files belong in a client folder ({LAYOUT})"),
        (lambda p: p.write_text("id: x\n"), "sites/acme/shop.yaml.bak",
         f"file is not loaded: only <site>.yaml files belong in a client folder ({LAYOUT})"),
        (lambda p: p.write_text("id: x\n"), "sites/acme/extra.YAML",
         f"{NOT_LOADED}rename it to extra.yaml"),
        (lambda p: p.write_text("id: x\n"), "sites/acme/.extra.yaml",
         f"hidden entry is not loaded; remove it ({LAYOUT})"),
        (lambda p: p.write_text("id: x\n"), "sites/README.md",
         f"file is not loaded: only site files belong in sites/ ({LAYOUT})"),
        (lambda p: os.mkfifo(p), "sites/acme/extra.yaml",
         f"{NOT_LOADED}not a regular file (a FIFO, socket or device); inventory files are plain "
         "files"),
        (lambda p: p.symlink_to("extra.yaml"), "sites/acme/extra.yaml",
         f"{NOT_LOADED}symbolic link loop; replace the link by the file"),
        (lambda p: p.symlink_to("gone.yaml"), "sites/acme/extra.yaml",
         f"{NOT_LOADED}broken symbolic link to gone.yaml; replace it by the file"),
        (lambda p: p.symlink_to("/dev/zero"), "sites/acme/extra.yaml",
         f"{NOT_LOADED}symbolic link to /dev/zero, outside the inventory; only files inside "
         "the inventory are read"),
        (lambda p: p.symlink_to("../bistro"), "sites/acme/extra.yaml",
         f"a folder named like a site file is not loaded: {LAYOUT}"),
        (lambda p: p.symlink_to("acme"), "sites/acme-mirror",
         "client folder is a symbolic link and is not followed (a site could be read twice or "
         "in a loop); make it a real folder"),
        (lambda p: p.symlink_to("sites"), "sites/sites",
         "client folder is a symbolic link and is not followed (a site could be read twice or "
         "in a loop); make it a real folder"),
    ],
)  # fmt: skip
def test_entries_that_are_not_loaded_are_reported(
    inv: Path, make: object, entry: str, message: str
) -> None:
    make(inv / entry)  # type: ignore[operator]
    assert only(inv) == (entry, 1, 1, "", message)


def test_symlink_loop_through_two_links_reports_both(inv: Path) -> None:
    (inv / "sites/acme/a.yaml").symlink_to("b.yaml")
    (inv / "sites/acme/b.yaml").symlink_to("a.yaml")
    assert problems(inv) == [
        (f"sites/acme/{n}.yaml", 1, 1, "", f"{NOT_LOADED}symbolic link loop; replace the link by "
         "the file") for n in "ab"
    ]  # fmt: skip


def test_linked_site_file_inside_the_inventory_is_loaded_under_its_own_name(inv: Path) -> None:
    shared = inv / "shared"
    shared.mkdir()
    (inv / "sites/bistro/booking.yaml").rename(shared / "booking.yaml")
    (inv / "sites/bistro/booking.yaml").symlink_to("../../shared/booking.yaml")
    site = load_inventory(inv).site("bistro-booking")
    assert site.source == str(inv / "sites/bistro/booking.yaml")


def test_sites_folder_that_is_a_link_is_reported(inv: Path) -> None:
    (inv / "sites").rename(inv / "real-sites")
    (inv / "sites").symlink_to("real-sites")
    assert only(inv) == ("sites", 1, 1, "", f"is a symbolic link, not a folder: {LAYOUT}")


def test_defaults_linked_outside_the_inventory_is_not_read(inv: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    (inv / "defaults.yaml").rename(outside)
    (inv / "defaults.yaml").symlink_to(outside)
    found = problems(inv)
    assert found[0] == (
        "defaults.yaml", 1, 1, "",
        f"symbolic link to {outside}, outside the inventory; only files inside the inventory "
        "are read",
    )  # fmt: skip


def test_fifo_named_defaults_does_not_hang(inv: Path) -> None:
    (inv / "teams.yaml").unlink()
    os.mkfifo(inv / "teams.yaml")
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(problems(inv)), daemon=True)
    worker.start()
    worker.join(60)  # not a timing assertion: a blocking read would never return
    assert result, "load_inventory blocked on a FIFO"
    assert (
        "teams.yaml", 1, 1, "",
        "not a regular file (a FIFO, socket or device); inventory files are plain files",
    ) in result[0]  # type: ignore[operator]  # fmt: skip


@pytest.fixture
def shared_copy() -> Iterator[Path]:
    """A copy of the example that an unprivileged process can traverse (pytest's is 0700)."""
    top = Path(tempfile.mkdtemp(prefix="vigil-unreadable-"))
    top.chmod(0o755)
    shutil.copytree(EXAMPLE, top / "inventory")
    yield top / "inventory"
    for path in (top / "inventory").rglob("*"):
        path.chmod(0o755)
    shutil.rmtree(top)


def _validate_without_privileges(root: Path) -> dict:
    """``vigil validate --json`` where permissions apply (root bypasses them: drop that)."""
    cmd = [sys.executable, "-m", "vigil.cli", "validate", "--json", str(root)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: file permissions cannot be enforced")
        caps = "-dac_override,-dac_read_search"
        cmd = [setpriv, "--bounding-set", caps, "--inh-caps", caps, *cmd]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    return json.loads(result.stdout)


def test_unreadable_site_file_and_client_folder_are_reported(shared_copy: Path) -> None:
    (shared_copy / "sites/acme/shop.yaml").chmod(0)
    (shared_copy / "sites/nova").chmod(0)
    report = _validate_without_privileges(shared_copy)
    assert [(p["file"], p["message"]) for p in report["problems"]] == [
        (str(shared_copy / "sites/acme/shop.yaml"), "cannot read file: Permission denied"),
        (str(shared_copy / "sites/nova"),
         "cannot read folder: Permission denied; its sites are not loaded"),
    ]  # fmt: skip


def test_site_count_is_the_count_of_site_files(inv: Path) -> None:
    """Whatever else is under sites/, a clean run loads exactly the <client>/<site>.yaml files."""
    (inv / "sites/zeta").mkdir()
    shutil.copy(inv / "sites/nova/api.yaml", inv / "sites/zeta/api.yaml")
    text = (inv / "sites/zeta/api.yaml").read_text()
    (inv / "sites/zeta/api.yaml").write_text(
        text.replace("id: nova-api", "id: zeta-api").replace("client: nova", "client: zeta")
    )
    (inv / "sites/empty-client").mkdir()
    site_count = sum(1 for _ in inv.glob("sites/*/*.yaml"))
    assert len(load_inventory(inv).sites) == site_count == 7
