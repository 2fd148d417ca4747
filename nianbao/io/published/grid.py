"""What every source format is reduced to: rows of cells, each cell knowing where it sits.

A web page, a Word file, a PDF and a text copy all become a :class:`Grid`, a list of rows in
reading order. A table row is one row of cells; a paragraph or a line of prose is a row of one
cell. A cell covered by a merged cell (``rowspan``/``colspan``, Word's ``gridSpan``/``vMerge``)
is kept as a ``covered`` copy so that the columns line up. The recogniser
(:mod:`nianbao.io.published.recognise`) works on this alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    place: str  # "表格 2", "正文"
    where: str  # "第 3 行第 4 列", "第 57 行"
    covered: bool = False  # a copy of a merged cell spanning here

    @property
    def location(self) -> tuple[str, str]:
        return (self.place, self.where)


Row = tuple[Cell, ...]
Grid = list[Row]


def table_rows(rows: list[list[tuple[str, int, int]]], place: str) -> Grid:
    """Rows of a table given as ``(text, rowspan, colspan)`` per cell (spans at least 1),
    merged cells expanded into covered copies. ``place`` names the table, e.g. "表格 2"."""
    out: Grid = []
    pending: dict[tuple[int, int], Cell] = {}  # (row, col) -> covered copy from a rowspan above
    for r, row in enumerate(rows):
        cells: list[Cell] = []
        col = 0
        for text, rowspan, colspan in row:
            if pending:
                while (r, col) in pending:
                    cells.append(pending.pop((r, col)))
                    col += 1
            cell = Cell(text, place, f"第 {r + 1} 行第 {col + 1} 列")
            cells.append(cell)
            if rowspan > 1 or colspan > 1:
                copy = Cell(text, place, cell.where, covered=True)
                for dc in range(colspan):
                    if dc:
                        cells.append(copy)
                    for dr in range(1, rowspan):
                        pending[(r + dr, col + dc)] = copy
            col += colspan
        while (r, col) in pending:
            cells.append(pending.pop((r, col)))
            col += 1
        out.append(tuple(cells))
    return out
