"""What every reader shares: what a reader returns (:class:`Loaded`), the error it raises
(:class:`ReadError`), the standard advice, and the kind of table that chooses a function by
a file's suffix (:class:`LazyTable`).

The bottom of :mod:`nianbao.io`: the container checks and the readers import it, it imports
nothing of :mod:`nianbao.io`. The table of readers itself is written in one place,
:data:`nianbao.io.readers.READERS` (as jsonschema builds a validator from one explicit
mapping); the published formats (:mod:`nianbao.io.published.formats`) and the publishing
formats (:mod:`nianbao.publish`) are chosen by tables of the same kind. Every function is
named by where it lives and imported when first used: importing a table imports no reader.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..core.findings import Finding

# What to do with a file no reader takes (the container checks and the workbook reader say it too).
SAVE_AS = "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再试"
RESAVE_OR_ASK = "请用 Excel 或 WPS 打开后另存为 .xlsx 再试，或向报送单位重新索取原文件"


class ReadError(Exception):
    """A file that cannot be read as a report. ``str(error)`` is the Chinese message."""

    def __init__(self, path: str | os.PathLike[str], problem: str, sheet: str | None = None, cell: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.sheet = sheet
        self.cell = cell
        where = Path(self.path).name
        if sheet:
            where += f" 工作表「{sheet}」"
        if cell:
            where += f" 单元格 {cell}"
        super().__init__(f"{where}：{problem}")


@dataclass(frozen=True)
class Loaded:
    document: dict[str, Any]
    # JSON pointer -> (sheet, cell address), for workbooks (read-only: shared by every
    # workbook of a form)
    locations: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # what the reader noticed (text converted, cached values that disagree, ...)
    findings: tuple[Finding, ...] = ()
    # the tables' cell values in the form model's order (FormModel.values of the document),
    # when the reader had them anyway: validation and consolidation need not flatten again
    values: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)
    # a workbook's sheet names, as they stand (a summary carries sheets of its own)
    sheets: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # the SHA-256 of the file's bytes, where the container check read them whole (see
    # nianbao.io.container.limits.Opened.sha256); "" otherwise
    sha256: str = field(default="", compare=False, repr=False)


def load(target: str) -> Any:
    """The object a ``"package.module:name"`` target names, its module imported now."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


F = TypeVar("F")


class LazyTable(MutableMapping[str, F], Generic[F]):
    """Suffix → function, each written as ``"package.module:function"`` and imported on first
    use. The keys are known at once (``sorted(table)`` lists every suffix without importing
    any reader); an entry may also be set to a function itself (tests do)."""

    def __init__(self, entries: Mapping[str, str | F]):
        self._entries: dict[str, str | F] = dict(entries)

    def __getitem__(self, suffix: str) -> F:
        entry = self._entries[suffix]
        if isinstance(entry, str):
            entry = self._entries[suffix] = load(entry)
        return entry

    def __setitem__(self, suffix: str, fn: F) -> None:
        self._entries[suffix] = fn

    def __delitem__(self, suffix: str) -> None:
        del self._entries[suffix]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def target(self, suffix: str) -> str:
        """Where the entry's function lives (``"package.module:function"``), without importing it."""
        entry = self._entries[suffix]
        return entry if isinstance(entry, str) else f"{entry.__module__}:{getattr(entry, '__qualname__', entry)}"


# A reader takes the file and, for a workbook, what the container check of
# nianbao.io.container.safety found (an Opened: its kind, and the parts it inflated); None
# for the formats that bound their input themselves (JSON, published reports).
Reader = Callable[[Path, Any], Loaded]


__all__ = ["RESAVE_OR_ASK", "SAVE_AS", "LazyTable", "Loaded", "ReadError", "Reader", "load"]
