"""Inputs: files, folders (searched recursively) and glob patterns turned into the list of
input files, each once; and the check that no output would overwrite a report."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..io.readers import READERS
from .oserror import os_error_text
from .records import Record, unreadable


def supported_suffixes() -> tuple[str, ...]:
    # nianbao.io.readers imports the workbook reader, which registers itself, as it loads
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

    def files(self, exclude: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
        """The input files, sorted, but those of ``exclude`` (the outputs)."""
        excluded = {_key(p) for p in exclude}
        return sorted(p for k, p in self.found.items() if k not in excluded)


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> Inputs:
    """The input files of files, folders (recursive) and glob patterns.

    A file named explicitly is always an input (an unsupported one is then reported as
    unreadable); inside folders and glob matches only files of a readable type count, and
    hidden files and Office lock files are skipped."""
    found, missing = _discover(paths)
    return Inputs(found, tuple(missing))


def discover(
    paths: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()
) -> tuple[list[str], list[Record]]:
    """Input files (:func:`find_inputs`), sorted, each once, but the paths of ``exclude``
    (the output); and a record for each path that names nothing."""
    inputs = find_inputs(paths)
    return inputs.files(exclude), list(inputs.missing)


def _discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[dict[str, str], list[Record]]:
    """:func:`find_inputs`, by key (the file's real path): {key: path as found}."""
    suffixes = set(supported_suffixes())
    found: dict[str, str] = {}
    missing: list[Record] = []

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
            except OSError as e:
                unreadable_folder(e)
                continue
            folders = []
            for e in entries:
                try:
                    if e.is_dir():
                        # like os.walk: a link to a folder is listed, never followed
                        if not e.name.startswith(".") and not e.is_symlink():
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
        elif os.path.isfile(p):
            add(p)
        elif glob.has_magic(p):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                missing.append(unreadable(p, f"「{p}」没有匹配到任何文件"))
            for m in matches:
                if os.path.isdir(m):
                    walk(m)
                elif not _skipped(Path(m).name) and Path(m).suffix.lower() in suffixes:
                    add(m)
        else:
            missing.append(unreadable(p, f"{Path(p).name}：文件不存在"))
    return found, missing


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
