"""Inputs: files, folders (searched recursively) and glob patterns turned into the list of
input files, each once; and the check that no output would overwrite a report."""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..io.oserror import os_error_text
from ..io.readers import READERS
from .records import Record, unreadable


def supported_suffixes() -> tuple[str, ...]:
    # the one table of readers: every suffix listed, no reader imported
    return tuple(sorted(READERS))


def _skipped(name: str) -> bool:
    # Office lock files (~$x.xlsx), hidden files, our own temporary outputs (.x.xlsx.part).
    return name.startswith(("~$", "."))


@dataclass(frozen=True, eq=False)
class Inputs:
    """The input files found under some paths, each once: ``found`` maps a file's key (its
    real path) to its path as found; ``missing`` holds a record for each path that names
    nothing. Found once (:func:`find_inputs`), used both to check that no output would
    overwrite a report (:func:`reports_overwritten`) and to consolidate."""

    found: dict[str, str]
    missing: tuple[Record, ...]
    # links to folders met while searching folders recursively: never followed (a link to a
    # folder above it would make the search endless); the CLI says which
    skipped: tuple[str, ...] = ()

    def files(self, exclude: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
        """The input files, sorted, but those of ``exclude`` (the outputs)."""
        excluded = {_key(p) for p in exclude}
        return sorted(p for k, p in self.found.items() if k not in excluded)


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> Inputs:
    """The input files of files, folders (recursive) and glob patterns.

    A file named explicitly is always an input (an unsupported one is then reported as
    unreadable); inside folders and glob matches only files of a readable type count, and
    hidden files and Office lock files are skipped."""
    found, missing, skipped = _discover(paths)
    return Inputs(found, tuple(missing), tuple(skipped))


def discover(
    paths: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()
) -> tuple[list[str], list[Record]]:
    """Input files (:func:`find_inputs`), sorted, each once, but the paths of ``exclude``
    (the output); and a record for each path that names nothing."""
    inputs = find_inputs(paths)
    return inputs.files(exclude), list(inputs.missing)


def _discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[dict[str, str], list[Record], list[str]]:
    """:func:`find_inputs`, by key (the file's real path): {key: path as found}; and the links
    to folders not followed."""
    suffixes = set(supported_suffixes())
    found: dict[str, str] = {}
    missing: list[Record] = []
    skipped: list[str] = []

    def add(p: str, key: str | None = None) -> None:
        found.setdefault(key or _key(p), p)

    def unreadable_folder(e: OSError) -> None:
        where = e.filename or ""
        missing.append(unreadable(where, f"文件夹「{where}」无法打开：{os_error_text(e)}"))

    def walk(folder: str) -> None:
        # os.scandir rather than os.walk: a file's key is its folder's real path (found once
        # per folder) joined with its name, not os.path.realpath of each of thousands of files
        stack = [(folder, _key(folder))]
        while stack:
            shown, real = stack.pop()
            try:
                with os.scandir(shown) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as err:
                unreadable_folder(err)
                continue
            folders = []
            for e in entries:
                try:
                    if e.is_dir():
                        # like os.walk: a link to a folder is listed, never followed
                        if e.name.startswith("."):
                            continue
                        if e.is_symlink():
                            skipped.append(e.path)
                        else:
                            folders.append((e.path, os.path.join(real, os.path.normcase(e.name))))
                    elif not _skipped(e.name) and os.path.splitext(e.name)[1].lower() in suffixes:
                        add(e.path, None if e.is_symlink() else os.path.join(real, os.path.normcase(e.name)))
                except OSError:
                    continue
            stack.extend(reversed(folders))

    for raw in paths:
        p = os.fspath(raw)
        if os.path.isdir(p):
            walk(p)
        elif os.path.exists(p):  # a file (a FIFO or a device too: the reader refuses it, saying so)
            add(p)
        elif glob.has_magic(p):
            matches = sorted(_glob(p, skipped))
            if not matches:
                missing.append(unreadable(p, f"「{p}」没有匹配到任何文件"))
            for m in matches:
                if os.path.isdir(m):
                    walk(m)
                elif not _skipped(Path(m).name) and Path(m).suffix.lower() in suffixes:
                    add(m)
        else:
            missing.append(unreadable(p, f"{Path(p).name}：文件不存在"))
    return found, missing, skipped


def _glob(pattern: str, skipped: list[str]) -> list[str]:
    """``glob.glob(pattern, recursive=True)``, except that ``**`` never goes down a link to a
    folder (``glob`` does, and a link to a folder above it makes it run for ever); such links
    are added to ``skipped``. Hidden names match only a part that starts with a dot."""
    head, *parts = _split(pattern)
    out: list[str] = []
    stack: list[tuple[str, int]] = [(head, 0)]
    while stack:
        at, i = stack.pop()
        if i == len(parts):
            out.append(at)
            continue
        part = parts[i]
        if not glob.has_magic(part):
            nxt = os.path.join(at, part)
            if os.path.lexists(nxt):
                stack.append((nxt, i + 1))
            continue
        try:
            with os.scandir(at or os.curdir) as it:
                entries = list(it)
        except OSError:
            continue
        for e in entries:
            if e.name.startswith(".") and not part.startswith("."):
                continue
            path = os.path.join(at, e.name)
            if part == "**":
                try:
                    if not e.is_dir():
                        continue
                    if e.is_symlink():
                        skipped.append(path)
                        continue
                except OSError:
                    continue
                stack.append((path, i))  # one folder deeper, still under **
            elif fnmatch.fnmatch(e.name, part):
                stack.append((path, i + 1))
        if part == "**":
            stack.append((at, i + 1))  # ** matching no folder at all
    return list(dict.fromkeys(out))


def _split(pattern: str) -> list[str]:
    """A glob pattern as (the folder before its first wildcard, *its parts from there*)."""
    parts = pattern.split(os.sep) if os.altsep is None else pattern.replace(os.altsep, os.sep).split(os.sep)
    n = next((k for k, x in enumerate(parts) if glob.has_magic(x)), len(parts))
    head = os.sep.join(parts[:n]) or ("" if not pattern.startswith(os.sep) else os.sep)
    return [head, *[x for x in parts[n:] if x]]


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(path))


def reports_overwritten(
    inputs: Inputs | Iterable[str | os.PathLike[str]],
    outputs: Iterable[str | os.PathLike[str]],
    is_ours: Callable[[Path], bool],
) -> list[Path]:
    """The outputs that already exist as input files (e.g. ``-o 各单位/甲.xlsx``; ``inputs``
    as found, or the paths to look in) and are not files this tool wrote before
    (``is_ours``): writing them would destroy a report. An earlier summary in an input
    folder may be replaced; it is never read as input."""
    existing = [Path(t) for t in outputs if Path(t).is_file()]
    if not existing:  # the usual first run: nothing to overwrite
        return []
    found = as_inputs(inputs).found
    return [t for t in existing if _key(t) in found and not is_ours(t)]


def as_inputs(paths: Inputs | Iterable[str | os.PathLike[str]]) -> Inputs:
    return paths if isinstance(paths, Inputs) else find_inputs(paths)


__all__ = ["Inputs", "as_inputs", "discover", "find_inputs", "reports_overwritten", "supported_suffixes"]
