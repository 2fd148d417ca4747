"""Reading a report from the values of a workbook's sheets, already in memory.

The Excel add-in reads each sheet of the open workbook in one range read (a 2-D list of
values from A1); :func:`read_grids` turns those grids into a :class:`nianbao.io.readers.Loaded`
exactly as the workbook file reader (:mod:`nianbao.io.xlsx.workbook`) does, so the add-in validates
what the CLI validates. Which sheets and how much of each to read is derived from the
layouts (:func:`extents`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ...core.forms import FORMS
from ...core.layout import META_KEYS, META_SHEET, cell_index, layout
from ..registry import Loaded

SheetValues = Sequence[Sequence[Any]]

# The hidden sheet holds its keys in column A, one per row, and their values in column B.
META_ROWS = len(META_KEYS)


@cache
def extents() -> dict[str, tuple[int, int]]:
    """Sheet -> (rows, columns) to read from A1: enough for every form's layout."""
    out: dict[str, tuple[int, int]] = {META_SHEET: (META_ROWS, 2)}
    for key in FORMS:
        for s in layout(key).sheets:
            rows, cols = s.last_row, s.last_col
            for check in s.checks:
                r, c = cell_index(check.address)
                rows, cols = max(rows, r + 1), max(cols, c + 1)
            old = out.get(s.name, (0, 0))
            out[s.name] = (max(old[0], rows), max(old[1], cols))
    return out


class _Sheet:
    def __init__(self, grid: SheetValues):
        self.grid = grid

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        return [list(row) if row is not None else [] for row in self.grid or ()]


class _SheetValues:
    """The grids in the shape of the parsed workbook that :mod:`nianbao.io.xlsx.workbook` reads."""

    def __init__(self, grids: Mapping[str, SheetValues]):
        self.grids = grids
        self.sheet_names = list(grids)

    def get_sheet_by_name(self, name: str) -> _Sheet:
        return _Sheet(self.grids[name])


def read_grids(grids: Mapping[str, SheetValues], source: str = "工作簿") -> Loaded:
    """The report in the sheets' values (each a 2-D list from A1), read exactly as
    :func:`nianbao.io.xlsx.workbook.read_workbook` reads a file: same layout checks, same cleaning,
    same recomputed totals, same findings. ``source`` names the workbook in messages.

    Raises :class:`nianbao.io.readers.ReadError` for a workbook that is not an intact template."""
    from .workbook import read_parsed

    return read_parsed(Path(source), _SheetValues(grids))


__all__ = ["extents", "read_grids"]
