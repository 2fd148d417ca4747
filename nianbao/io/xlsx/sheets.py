"""The seam between a workbook's cells and the template reader: :class:`SheetSource`.

:func:`nianbao.io.xlsx.workbook.read_parsed` reads a report from anything that gives, sheet by
sheet, the value at an address and the cells that read as empty but are not. Three things
do:

* :class:`nianbao.io.xlsx.ooxml.Workbook` — the fast path, straight from the XML parts the
  container check inflated (an .xlsx/.xlsm written as Excel, WPS, LibreOffice or openpyxl
  write them);
* :class:`nianbao.io.xlsx.calamine_sheets.CalamineSource` — python-calamine, for everything else
  (.xls, .ods, .et, and whatever the fast path declines);
* :class:`GridSource` — grids of values from A1, as the Excel add-in reads them from an open
  workbook (:mod:`nianbao.io.xlsx.values`) or python-calamine gives them.

The fast path and python-calamine give the same values for the same file (whole numbers as
``int`` where python-calamine gives a float of the same value); ``tests/test_ooxml.py`` holds
them to that on generated sheets (Hypothesis) and on every workbook the tests know.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from ...core.layout import cell_index
from ..registry import RESAVE_OR_ASK, ReadError

ERROR = "error"  # a formula error such as #REF!
UNCACHED = "uncached"  # a formula saved without its result

Hidden = Mapping[tuple[str, str], tuple[str, str]]  # (sheet, address) -> (ERROR, "#REF!") or (UNCACHED, formula)


class Cells(Protocol):
    """One sheet's values by address as the sheet XML spells it (``b"B5"``)."""

    def get(self, key: bytes, /) -> Any:
        """The value at an address: ``int``, ``float``, ``str``, ``bool``, a date, or
        None (or ``""``) where nothing is."""
        ...


class SheetSource(Protocol):
    """A parsed workbook as the template reader reads it."""

    @property
    def sheet_names(self) -> Sequence[str]: ...

    def cells(self, name: str) -> Cells:
        """A sheet's cells. May raise :class:`nianbao.io.registry.ReadError` (naming the
        sheet) for a sheet that cannot be read."""
        ...

    def hidden(self, wanted: Mapping[str, set[str]]) -> Hidden:
        """Of the cells that read as empty (sheet name -> addresses), those holding a
        formula error (``(ERROR, "#REF!")``) or a formula saved without its result
        (``(UNCACHED, formula)``), by (sheet, address). A source that cannot tell gives ``{}``."""
        ...


def hidden_value(kind: bytes, formula: bytes | None, value: bytes | None) -> tuple[str, str] | None:
    """What a cell python-calamine shows as empty really holds: (ERROR, "#REF!") for a
    formula error, (UNCACHED, formula) for a formula saved without its result, else None.
    ``kind`` is the cell's ``t`` attribute, ``formula`` the text of its ``<f>`` (None: no
    formula), ``value`` the text of its ``<v>``."""
    if kind == b"e":
        return ERROR, value.decode("utf-8", "replace") if value else "#N/A"
    if formula is not None and not value:
        return UNCACHED, html.unescape(formula.decode("utf-8", "replace"))
    return None


@cache
def position(key: bytes) -> tuple[int, int]:
    """(row, column) from 0 of an address as the sheet XML spells it."""
    return cell_index(key.decode())


class GridCells:
    """A sheet's values as a grid from A1, looked up by address."""

    __slots__ = ("grid",)

    def __init__(self, grid: list[list[Any]]):
        self.grid = grid

    def get(self, key: bytes, /) -> Any:
        row, col = position(key)
        grid = self.grid
        if row < len(grid):
            line = grid[row]
            if col < len(line):
                return line[col]
        return None


class GridSource:
    """A :class:`SheetSource` over a workbook that gives each sheet as a grid from A1
    (``sheet_names``, ``get_sheet_by_name(name).to_python(skip_empty_area=False)``): the
    add-in's grids read from an open workbook. It cannot tell a formula error from a blank."""

    def __init__(self, path: Path, workbook: Any):
        self.path = path  # names the file in messages
        self.workbook = workbook
        self.sheet_names: Sequence[str] = list(workbook.sheet_names)

    def cells(self, name: str) -> Cells:
        return GridCells(self.grid(name))

    def grid(self, name: str) -> list[list[Any]]:
        try:
            return self.workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)  # type: ignore[no-any-return]
        except Exception as e:  # noqa: BLE001 - any failure of the parser: a message naming the sheet
            self.failed()
            raise ReadError(
                self.path, f"无法读取工作表（{type(e).__name__}），文件可能已损坏；{RESAVE_OR_ASK}", name
            ) from None

    def failed(self) -> None:
        """A sheet could not be read (a subclass may explain why, raising ReadError)."""

    def hidden(self, wanted: Mapping[str, set[str]]) -> Hidden:
        return {}


__all__ = ["ERROR", "UNCACHED", "Cells", "GridCells", "GridSource", "Hidden", "SheetSource", "hidden_value", "position"]
