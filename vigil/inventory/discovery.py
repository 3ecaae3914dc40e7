"""Find the inventory's files without ever losing one: every entry under ``sites/`` is loaded
or reported.

A site that silently is not read is a site nobody is paged for, and ``vigil validate`` would
still say OK with one site fewer. So the walk of ``sites/`` accounts for every entry it meets:
``sites/<client>/<site>.yaml`` regular files are site files; everything else — other
extensions, hidden files, folders at the wrong depth, a folder named like a site file,
unreadable folders, FIFOs and devices, client folders that are links, broken or looping links,
links that leave the inventory — is a ``Problem`` naming the entry. The count of sites loaded
is therefore always the count of site files, or the run fails.

Links are resolved without being trusted: a linked site *file* is read only when it resolves,
without a loop, to a regular file inside the inventory (a link to ``/etc/shadow`` or
``/dev/zero`` must not end up in CI logs or hang CI). Linked *folders* are never followed, so no
site can be counted twice or walked in a loop.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from vigil.inventory.problems import Problem

SITE_SUFFIX = ".yaml"
NEAR_SUFFIXES = (".yml", ".yaml")
"""Spellings of a YAML file that are renamed, not loaded: one spelling keeps ids unambiguous."""
LAYOUT = "site files are sites/<client>/<site>.yaml"


@dataclass(frozen=True)
class SiteFile:
    """One site file: ``path`` is what is read, ``display`` what problems name."""

    path: Path
    display: str
    client: str


def _problem(path: Path | str, message: str) -> Problem:
    return Problem(str(path), 1, 1, "", message)


def resolve_file(path: Path, root: Path) -> Path | str:
    """The regular file behind ``path`` (following links inside ``root`` only), or why not.

    ``root`` must already be resolved. Not finding the entry at all is reported as missing;
    the caller words that, so this returns ``"missing"`` for it.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    target = path
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
        except RuntimeError:  # Python 3.11/3.12 raise this for a loop
            return "symbolic link loop; replace the link by the file"
        except OSError as exc:
            if exc.errno == getattr(os, "ELOOP", -1):
                return "symbolic link loop; replace the link by the file"
            try:
                dest = os.readlink(path)
            except OSError:
                dest = "a missing file"
            return f"broken symbolic link to {dest}; replace it by the file"
        if not target.is_relative_to(root):
            return (
                f"symbolic link to {target}, outside the inventory; only files inside the "
                "inventory are read"
            )
        try:
            info = target.stat()
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a FIFO, socket or device); inventory files are plain files"
    return target


def _entries(folder: Path, problems: list[Problem]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return sorted(found, key=lambda entry: entry.name)
    except OSError as exc:
        problems.append(
            _problem(folder, f"cannot read folder: {exc.strerror or exc}; its sites are not loaded")
        )
        return []


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def site_files(root: Path) -> tuple[list[SiteFile], list[Problem]]:
    """Every site file under ``root/sites`` and a problem for every entry that is not one."""
    problems: list[Problem] = []
    sites_dir = root / "sites"
    if sites_dir.is_symlink() or not sites_dir.is_dir():
        what = "is a symbolic link, not a folder" if sites_dir.is_symlink() else "missing folder"
        problems.append(_problem(sites_dir, f"{what}: {LAYOUT}"))
        return [], problems
    real_root = root.resolve()
    found: list[SiteFile] = []
    for entry in _entries(sites_dir, problems):
        path = Path(entry.path)
        if _is_real_dir(entry) and os.path.splitext(entry.name)[1].lower() in NEAR_SUFFIXES:
            problems.append(
                _problem(path, f"a folder named like a site file is not loaded: {LAYOUT}")
            )
        elif _is_real_dir(entry):
            for item in _entries(path, problems):
                site = _site_entry(Path(item.path), entry.name, real_root, problems)
                if site is not None:
                    found.append(site)
        elif entry.is_symlink():
            problems.append(
                _problem(
                    path,
                    "client folder is a symbolic link and is not followed (a site could be read "
                    "twice or in a loop); make it a real folder",
                )
            )
        else:
            problems.append(_problem(path, _misplaced(entry.name)))
    return found, problems


def _misplaced(name: str) -> str:
    if os.path.splitext(name)[1].lower() in NEAR_SUFFIXES:
        return "site file is not loaded: put it in sites/<client>/<site>.yaml"
    return f"file is not loaded: only site files belong in sites/ ({LAYOUT})"


def _site_entry(path: Path, client: str, root: Path, problems: list[Problem]) -> SiteFile | None:
    """The site file at ``path`` (in a client folder), or ``None`` with the reason reported."""
    name = path.name
    stem, suffix = os.path.splitext(name)
    if name.startswith("."):
        problems.append(_problem(path, f"hidden entry is not loaded; remove it ({LAYOUT})"))
        return None
    target = resolve_file(path, root)
    if isinstance(target, str):
        if target == "is a folder, not a file":
            detail = (
                "a folder named like a site file"
                if suffix.lower() in NEAR_SUFFIXES
                else ("a folder inside a client folder")
            )
            problems.append(_problem(path, f"{detail} is not loaded: {LAYOUT}"))
        else:
            problems.append(_problem(path, f"site file is not loaded: {target}"))
        return None
    if suffix != SITE_SUFFIX:
        message = (
            f"site file is not loaded: rename it to {stem}{SITE_SUFFIX}"
            if suffix.lower() in NEAR_SUFFIXES
            else f"file is not loaded: only <site>.yaml files belong in a client folder ({LAYOUT})"
        )
        problems.append(_problem(path, message))
        return None
    return SiteFile(target, str(path), client)


def client_folders(root: Path) -> tuple[str, ...]:
    """The clients that have at least one site file under ``root/sites`` (sorted): what a
    stack's ``vigil:clients`` may name, known without reading a single site file."""
    files, _problems = site_files(root)
    return tuple(sorted({file.client for file in files}))
