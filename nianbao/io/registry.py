"""What every reader shares: the registry of readers by suffix, what a reader returns
(:class:`Loaded`), the error it raises (:class:`ReadError`) and the standard advice.

The bottom of :mod:`nianbao.io`: the container checks and the readers import it, it imports
nothing of :mod:`nianbao.io`. A reader module registers itself with :func:`reader` when it
is imported; :mod:`nianbao.io.readers` imports the reader modules and dispatches by suffix.
Everything here is also importable from :mod:`nianbao.io.readers`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    # nianbao.io.container.limits.Container.sha256); "" otherwise
    sha256: str = field(default="", compare=False, repr=False)


# A reader takes the file and, for a workbook, what the container check of
# nianbao.io.container.safety found (a Container: its kind, and the parts it inflated); None for JSON.
Reader = Callable[[Path, Any], Loaded]
READERS: dict[str, Reader] = {}
# suffixes whose readers bound their input themselves, so no container check runs first:
# JSON, and the published reports of nianbao.io.published (web pages, Word, PDF, text)
UNCONTAINED: set[str] = {".json"}


def reader(*suffixes: str, own_checks: bool = False) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader of files with these suffixes
    (``own_checks``: it bounds its input itself, and no container check runs first)."""

    def register(fn: Reader) -> Reader:
        for s in suffixes:
            READERS[s] = fn
            if own_checks:
                UNCONTAINED.add(s)
        return fn

    return register


__all__ = ["READERS", "RESAVE_OR_ASK", "SAVE_AS", "UNCONTAINED", "Loaded", "ReadError", "Reader", "reader"]
