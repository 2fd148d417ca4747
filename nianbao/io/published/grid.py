"""What every source format is reduced to: rows of cells, each cell knowing where it sits.

A web page, a Word file, a PDF and a text copy all become a :class:`Grid`, a list of rows in
reading order. A table row is one row of cells; a paragraph or a line of prose is a row of one
cell. A cell covered by a merged cell (``rowspan``/``colspan``, Word's ``gridSpan``/``vMerge``)
is kept as a ``covered`` copy so that the columns line up. The recogniser
(:mod:`nianbao.io.published.recognise`) works on this alone.

A source is bounded by what it holds, never by what it declares: a merged cell is kept as one
span (its columns and its last row), not as one entry per covered place, and every cell of a
source — covered copies included — counts against one :class:`Budget` of :data:`MAX_CELLS`,
far beyond any report (a few thousand cells), so that ``rowspan=65535 colspan=1000000`` or a
line of eight million tabs is refused with a message instead of filling the memory.
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

# Cells of one source, merged copies included: a report's three tables hold a few thousand.
MAX_CELLS = 200_000


class TooLarge(ValueError):
    """A source holding more cells than any report could; ``str(error)`` is the Chinese message."""


def too_large(what: str) -> TooLarge:
    return TooLarge(
        f"{what}共超过 {MAX_CELLS:,} 个单元格（含合并单元格展开的格），远超任何年度报告（通常不过几千格），未读取"
    )


@dataclass
class Budget:
    """The cells a source may still hold: :meth:`take` before making them."""

    left: int = MAX_CELLS
    what: str = "原文"

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise too_large(self.what)


@dataclass(slots=True)
class _Span:
    col: int  # first column covered
    end: int  # one past its last column
    last: int  # its last row
    copy: Cell


def _cover(spans: list[_Span], k: int, col: int, cells: list[Cell], budget: Budget) -> tuple[int, int]:
    """The places of a row covered from above, from ``col`` on: spans ``k…`` (by column) that
    reach it, each filling its columns with its copy. The next span and column."""
    while k < len(spans) and spans[k].col <= col:
        s = spans[k]
        if s.end > col:
            budget.take(s.end - col)
            cells.extend([s.copy] * (s.end - col))
            col = s.end
        k += 1
    return k, col


def table_rows(rows: list[list[tuple[str, int, int]]], place: str, budget: Budget | None = None) -> Grid:
    """Rows of a table given as ``(text, rowspan, colspan)`` per cell (spans at least 1),
    merged cells expanded into covered copies. ``place`` names the table, e.g. "表格 2".
    A rowspan reaches no further than the table's last row."""
    budget = budget if budget is not None else Budget()
    out: Grid = []
    spans: list[_Span] = []  # merged cells reaching down into later rows, by first column
    last_row = len(rows) - 1
    for r, row in enumerate(rows):
        if spans:
            spans = [s for s in spans if s.last >= r]
        cells: list[Cell] = []
        col = k = 0  # the next column, the next span from above
        new: list[_Span] = []
        for text, rowspan, colspan in row:
            if spans:
                k, col = _cover(spans, k, col, cells, budget)
            budget.take(colspan)
            cell = Cell(text, place, f"第 {r + 1} 行第 {col + 1} 列")
            cells.append(cell)
            if rowspan > 1 or colspan > 1:
                copy = Cell(text, place, cell.where, covered=True)
                if colspan > 1:
                    cells.extend([copy] * (colspan - 1))
                if rowspan > 1 and r < last_row:
                    new.append(_Span(col, col + colspan, min(r + rowspan - 1, last_row), copy))
            col += colspan
        if spans:  # spans from above right after the row's last cell (not past a gap)
            _cover(spans, k, col, cells, budget)
        out.append(tuple(cells))
        if new:
            spans = sorted(spans + new, key=lambda s: s.col)
    return out
