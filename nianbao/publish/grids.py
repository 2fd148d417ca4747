"""Tables 2, 3 and 4 laid out as the national form lays them out, from the form declarations.

Every label, and which cells merge, derives from :mod:`nianbao.core.forms`:

* table 2 — each 第二十条 group is a row spanning the table, then a header row (信息内容 and
  the group's columns), then its rows; a group with fewer columns than the widest lets its
  last column span the rest (行政许可's 本年处理决定数量, 2019's 本年增/减 and 采购总金额);
* table 3 — the 勾稽关系 note over the label columns of the three header rows, 申请人情况 over
  the seven applicant columns, 法人或其他组织 over its five; row labels nest in as many label
  columns as the row tree is deep (三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密), a leaf
  spanning the label columns left to its right;
* table 4 — 行政复议 over its five columns (each spanning the two lower header rows), 行政诉讼
  over its two groups, each group over its five columns, and one row of numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from ..core.forms import Column, Form, Row, Table
from ..core.model import FormModel
from .document import HEAD, LABEL, NOTE, NUMBER, FormTable, TableCell, number_text


class _Builder:
    """Collects cells row by row."""

    def __init__(self, columns: int):
        self.columns = columns
        self.rows: list[list[TableCell]] = []

    def new_row(self) -> int:
        self.rows.append([])
        return len(self.rows) - 1

    def add(
        self, row: int, col: int, text: str, role: str, rowspan: int = 1, colspan: int = 1, pointer: str = ""
    ) -> None:
        self.rows[row].append(TableCell(text, row, col, role, rowspan, colspan, pointer))

    def grid(self, key: str, header_rows: int, widths: Sequence[float]) -> FormTable:
        total = sum(widths)
        rows = tuple(tuple(r) for r in self.rows)
        return FormTable(key, self.columns, header_rows, rows, tuple(w / total for w in widths))


def _value(m: FormModel, values: Sequence[Any], path: tuple[str, ...]) -> tuple[str, str]:
    cell = m.by_path[path]
    return number_text(values[cell.index]), cell.pointer


def grids(m: FormModel, values: Sequence[Any]) -> dict[str, FormTable]:
    """The grid of each table of the report's form, by table key."""
    form: Form = m.form
    return {
        "active": _table2(m, form.table("active"), values),
        "applications": _table3(m, form.table("applications"), values),
        "appeals": _table4(m, form.table("appeals"), values),
    }


def _table2(m: FormModel, table: Table, values: Sequence[Any]) -> FormTable:
    width = max(len(g.columns) for g in table.groups)
    b = _Builder(1 + width)
    for group in table.groups:
        r = b.new_row()
        b.add(r, 0, group.label, HEAD, colspan=1 + width)
        r = b.new_row()
        b.add(r, 0, group.row_header, HEAD)
        for i, col in enumerate(group.columns):
            b.add(r, 1 + i, col.label, HEAD, colspan=_rest(i, group.columns, width))
        for row in group.rows:
            r = b.new_row()
            b.add(r, 0, row.label, LABEL)
            for i, col in enumerate(group.columns):
                text, pointer = _value(m, values, (table.key, row.key, col.key))
                b.add(r, 1 + i, text, NUMBER, colspan=_rest(i, group.columns, width), pointer=pointer)
    return b.grid(table.key, 0, [0.31] + [0.69 / width] * width)


def _rest(i: int, columns: Sequence[Column], width: int) -> int:
    """The last column of a narrower group spans the columns left over."""
    return 1 + width - len(columns) if i == len(columns) - 1 else 1


def _depth(rows: Sequence[Row]) -> int:
    return max((1 + (_depth(r.children) if r.children else 0) for r in rows), default=0)


def _leaves(row: Row) -> int:
    return 1 if row.is_leaf else sum(_leaves(c) for c in row.children)


def _column_heads(b: _Builder, first: int, col0: int, columns: Sequence[Column], depth: int) -> None:
    """Header rows ``first``.. of applicant columns: a column without a parent spans every
    header row; a parent spans its children, which sit on the row below."""
    col = col0
    i = 0
    while i < len(columns):
        parent = columns[i].parent
        if parent is None:
            b.add(first, col, columns[i].label, HEAD, rowspan=depth)
            col += 1
            i += 1
            continue
        run = 0
        while i + run < len(columns) and columns[i + run].parent == parent:
            run += 1
        b.add(first, col, parent, HEAD, colspan=run)
        for j, child in enumerate(columns[i : i + run]):
            b.add(first + 1, col + j, child.label, HEAD, rowspan=depth - 1)
        col += run
        i += run


def _label_rows(
    rows: Sequence[Row], level: int, keys: tuple[str, ...]
) -> Iterator[tuple[list[tuple[int, Row]], tuple[str, ...]]]:
    """Each leaf row of table 3 with the labels that start on its line: its own, and those
    of the rows it is the first leaf of (each at its nesting level)."""
    for row in rows:
        if row.is_leaf:
            yield [(level, row)], keys + (row.key,)
            continue
        first = True
        for starts, path in _label_rows(row.children, level + 1, keys + (row.key,)):
            yield ([(level, row)] + starts if first else starts), path
            first = False


def _table3(m: FormModel, table: Table, values: Sequence[Any]) -> FormTable:
    labels = _depth(table.rows)
    columns = table.columns
    nested = any(c.parent for c in columns)
    head_depth = 1 + (2 if nested else 1)  # 申请人情况, then the columns (and their parents)
    b = _Builder(labels + len(columns))
    for _ in range(head_depth):
        b.new_row()
    b.add(0, 0, table.note, NOTE, rowspan=head_depth, colspan=labels)
    b.add(0, labels, table.column_header, HEAD, colspan=len(columns))
    _column_heads(b, 1, labels, columns, head_depth - 1)

    for starts, path in _label_rows(table.rows, 0, ()):
        r = b.new_row()
        for level, row in starts:
            if row.is_leaf:
                b.add(r, level, row.label, LABEL, colspan=labels - level)
            else:
                b.add(r, level, row.label, LABEL, rowspan=_leaves(row))
        for i, col in enumerate(columns):
            text, pointer = _value(m, values, (table.key, *path, col.key))
            b.add(r, labels + i, text, NUMBER, pointer=pointer)
    label_widths = [0.075, 0.11, 0.255][-labels:] if labels <= 3 else [0.44 / labels] * labels
    number_width = (1 - sum(label_widths)) / len(columns)
    return b.grid(table.key, head_depth, label_widths + [number_width] * len(columns))


def _table4(m: FormModel, table: Table, values: Sequence[Any]) -> FormTable:
    nested = any(g.parent for g in table.groups)
    head_depth = 3 if nested else 2
    b = _Builder(sum(len(g.columns) for g in table.groups))
    for _ in range(head_depth):
        b.new_row()
    col = 0
    # consecutive groups under one merged header (行政诉讼) are laid out together
    for parent, run in groupby(table.groups, key=lambda g: g.parent):
        groups = list(run)
        if parent is None:  # 行政复议: its label over its columns, each spanning the rows below
            for g in groups:
                b.add(0, col, g.label, HEAD, colspan=len(g.columns))
                for j, c in enumerate(g.columns):
                    b.add(1, col + j, c.label, HEAD, rowspan=head_depth - 1)
                col += len(g.columns)
            continue
        b.add(0, col, parent, HEAD, colspan=sum(len(g.columns) for g in groups))
        for g in groups:
            b.add(1, col, g.label, HEAD, colspan=len(g.columns))
            for j, c in enumerate(g.columns):
                b.add(2, col + j, c.label, HEAD)
            col += len(g.columns)
    r = b.new_row()
    col = 0
    for g in table.groups:
        for c in g.columns:
            text, pointer = _value(m, values, (table.key, g.key, c.key))
            b.add(r, col, text, NUMBER, pointer=pointer)
            col += 1
    return b.grid(table.key, head_depth, [1.0] * b.columns)
