"""Writing a consolidation: the summary workbook and the long-format CSV.

The summary workbook is a report itself: the locked template of the same form
(:func:`nianbao.excel.template.build_workbook`) filled with the sums, with the summary's name as the
agency — so ``nianbao validate`` passes on it and it can be consolidated again one level up.
It records in its hidden data that it is a summary, its level, and its members
(:mod:`nianbao.consolidation.marker`), so that a later consolidation never counts it twice.
Beside the template's sheets it holds the lists of :mod:`nianbao.consolidation.summary.lists`
(各单位明细, 问题清单, 未报送, 重复报送, with ``--previous`` 上年对比), each printing on A4
landscape, and native charts (:mod:`nianbao.consolidation.summary.charts`).

This module knows Excel and CSV; what is summed and why is :mod:`nianbao.consolidation.combine`'s.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

from ...core.layout import COVER_SHEET, col_letter, layout
from ...core.model import model
from ...core.sanitize import json_text, safe_text
from ...excel.printing import LINE_HEIGHT, lines_needed
from ...io.atomic import atomic_output, atomic_outputs, write_bytes
from ..marker import (
    DETAIL_SHEET,
    DUPLICATES_SHEET,
    MEMBER_HEADERS,
    MEMBERS_SHEET,
    MISSING_SHEET,
    PREVIOUS_SHEET,
    PROBLEMS_SHEET,
)
from ..outcome import Outcome
from .lists import (
    DETAIL_HEADERS,
    DUPLICATE_HEADERS,
    LONG_HEADERS,
    MISSING_HEADERS,
    PROBLEM_HEADERS,
    comparison_headers,
    comparison_notes,
    comparison_pages,
    comparison_rows,
    cover_notes,
    detail_rows,
    duplicate_rows,
    headline_headers,
    headlines,
    member_rows,
    missing_rows,
    problem_rows,
)
from .sheetxml import Streamed, _escaped_cell, _text_cell, column_style, print_setup, rows_xml, stream_rows  # noqa: F401

EXTRA_SHEETS = (DETAIL_SHEET, PROBLEMS_SHEET, MISSING_SHEET, DUPLICATES_SHEET)


@dataclass(frozen=True)
class ListSheet:
    """One list of the summary: its title, header, rows, column widths (in characters, by
    column from 1; 12 when not given), the columns whose text wraps, and what it says when empty."""

    title: str
    headers: tuple[str, ...]
    rows: list[list[Any]]
    widths: dict[int, float]
    wrap: frozenset[int]
    empty: str
    hidden: bool = False
    groups: tuple[tuple[str, int, int], ...] = ()  # a row above the header: (title, first, last column)
    formats: dict[int, str] = field(default_factory=dict)  # number formats by column
    notes: tuple[str, ...] = ()  # lines above the table, printed on its first page (a Note may alert)
    # columns after which a printed page ends, the columns repeated at the left of each page:
    # a table too wide for one page prints across pages at full size, never shrunk to fit
    page_columns: tuple[int, ...] = ()
    title_columns: str = ""
    centered: frozenset[int] = frozenset()  # short codes and words, clear of their neighbours


def list_sheets(c: Outcome) -> list[ListSheet]:
    """The lists, in order. Widths are chosen so each prints on the width of one A4 page."""
    heads = headline_headers(c)
    numbers = {12 + i: 9.0 for i in range(1, len(heads) + 1)}
    missing_empty = (
        "未提供单位名单（--roster），无法核对未报送的单位" if c.roster is None
        else "名单中的单位均已报送，且没有名单以外的报告"
    )
    out = [
        ListSheet(DETAIL_SHEET, DETAIL_HEADERS + heads, list(detail_rows(c)),
                  {1: 5, 2: 20, 3: 19, 4: 8, 5: 6, 6: 6, 7: 24, 8: 7, 9: 6, 10: 6, 11: 7, 12: 30, **numbers},
                  frozenset({2, 7, 12}), "没有输入文件", centered=frozenset({4, 5, 6, 8, 11})),
        ListSheet(PROBLEMS_SHEET, PROBLEM_HEADERS, list(problem_rows(c)),
                  {1: 24, 2: 18, 3: 7, 4: 9, 5: 10, 6: 6, 7: 48, 8: 36}, frozenset({1, 2, 4, 7, 8}),
                  "所有报告均未发现问题", centered=frozenset({3, 6})),
        ListSheet(MISSING_SHEET, MISSING_HEADERS, list(missing_rows(c)), {1: 10, 2: 30, 3: 22, 4: 10, 5: 40},
                  frozenset({2, 5}), missing_empty, centered=frozenset({4})),
        ListSheet(DUPLICATES_SHEET, DUPLICATE_HEADERS + heads, list(duplicate_rows(c)),
                  {1: 5, 2: 12, 3: 20, 4: 19, 5: 24, 6: 7, 7: 40, **{7 + i: 9.0 for i in range(1, len(heads) + 1)}},
                  frozenset({2, 3, 5, 7}), "没有重复报送的单位", centered=frozenset({6})),
    ]
    if c.previous is not None:
        headers, groups = comparison_headers(c)
        shares = {first + 3: "0.0%" for _, first, _ in groups}
        tail = groups[-1][2] + 1  # 提示, then the code and both files
        out.append(ListSheet(PREVIOUS_SHEET, headers, list(comparison_rows(c)),
                             {1: 10, 2: 24, **{i: 9.0 for i in range(3, tail)},
                              tail: 24, tail + 1: 20, tail + 2: 24, tail + 3: 24},
                             frozenset({2, tail, tail + 2, tail + 3}), "没有上年报告",
                             groups=groups, formats=shares, notes=tuple(comparison_notes(c)),
                             page_columns=comparison_pages(c), title_columns="A:B"))
    out.append(ListSheet(MEMBERS_SHEET, MEMBER_HEADERS, list(member_rows(c)), {1: 20, 2: 30, 3: 66, 4: 66},
                         frozenset(), "", hidden=True))
    return out


# ---------------------------------------------------------------------------------------
# Writing


class SummaryError(Exception):
    """A summary that cannot be written. ``str(error)`` is the Chinese message."""


def is_summary(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a summary this tool wrote (a template carrying the 各单位明细 sheet).
    Anything that cannot be read as one is not."""
    import python_calamine

    from ...io.container.safety import check_container

    try:
        check_container(path)
        wb = python_calamine.CalamineWorkbook.from_path(os.fspath(path))
        try:
            return DETAIL_SHEET in wb.sheet_names and COVER_SHEET in wb.sheet_names
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - unreadable (ReadError or anything else): not ours
        return False


def prepare() -> None:
    """Import what writing a summary workbook takes (openpyxl and the template writer, about
    a quarter of a second): :func:`nianbao.consolidation.consolidate.consolidate` can spend that while its
    workers read (its ``meanwhile``)."""
    from ...excel import template  # noqa: F401 - openpyxl and its styles come with it


OUTPUT_SUFFIXES = (".xlsx", ".json")
WRONG_SUFFIX = "汇总表应为 .xlsx 或 .json 文件，实为「{name}」"


def write_summary(c: Outcome, path: str | os.PathLike[str]) -> Path:
    """Write the summary, whole or not at all: a workbook (.xlsx), or for ``.json`` the
    summary report alone in the interchange format (its members inline)."""
    target = Path(path)
    write_bytes(target, summary_data(c, target))
    return target


def write_outputs(
    c: Outcome, path: str | os.PathLike[str], csv_path: str | os.PathLike[str] | None = None
) -> None:
    """Write the summary and (if asked) the long CSV as a pair: both are written to temporary
    files first, then both renamed at once (:func:`nianbao.io.atomic.atomic_outputs`), so
    that an interruption never leaves a new summary beside an old CSV."""
    targets = [Path(path)] + ([Path(csv_path)] if csv_path is not None else [])
    data = summary_data(c, targets[0])
    with atomic_outputs(*targets) as temps:
        temps[0].write_bytes(data)
        if csv_path is not None:
            with open(temps[1], "w", encoding="utf-8-sig", newline="") as f:
                _write_csv(c, f)


def summary_data(c: Outcome, target: Path) -> bytes:
    """The summary's bytes: a workbook, or the report alone for a ``.json`` target."""
    suffix = target.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise SummaryError(f"汇总表 {target.name} 的扩展名应为 .xlsx 或 .json")
    doc = c.document(members_inline=suffix == ".json")
    if doc is None:
        raise SummaryError("没有可以汇总的报告，未生成汇总表")
    problem = inexact(c)
    if problem:
        raise SummaryError(problem)
    if suffix == ".json":
        return json_text(doc).encode("utf-8")
    return workbook_data(c, doc)


def inexact(c: Outcome) -> str:
    """Why the sums cannot be written exactly ("" when they can): an amount whose sum a
    workbook's number (and JSON's) cannot hold to the last decimal. (Counts are whole
    numbers, written exactly however large.)"""
    if c.form is None or c.values is None:
        return ""
    for cell, v in zip(model(c.form).cells, c.values, strict=True):
        if isinstance(v, Decimal) and v != v.to_integral_value() and Decimal(repr(float(v))) != v:
            return (f"{cell.label}的合计 {_number_text(v)} 有效数字过多，Excel 和 JSON 的数值都无法精确保存；"
                    "未生成汇总表，请分批汇总后再汇总一次")
    return ""


def workbook_data(c: Outcome, doc: dict[str, Any]) -> bytes:
    """The summary workbook's bytes: the filled template, notes on its cover, the lists and
    the charts. openpyxl lays out each list (header, widths, frozen header, autofilter, page
    setup); their rows are then streamed into the sheet's XML (:mod:`~nianbao.consolidation.summary.sheetxml`)."""
    from openpyxl.styles import Alignment, Font

    from ...excel.template import build_workbook, workbook_bytes
    from .charts import add_charts

    assert c.form is not None  # a summary document exists only for a form
    wb = build_workbook(c.form, doc)
    cover = wb[COVER_SHEET]
    row = layout(c.form).sheet(COVER_SHEET).last_row + 2
    for text in cover_notes(c):
        cell = cover.cell(row, 1, text)
        cover.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cover.row_dimensions[row].height = 15 * (1 + len(text) // 40)
        if getattr(text, "alert", False):
            cell.font = Font(bold=True, color="C00000")
        row += 1

    bold = Font(bold=True)
    streamed: dict[str, Streamed] = {}
    for spec in list_sheets(c):
        ws = wb.create_sheet(spec.title)
        widths = {col: spec.widths.get(col, 12) for col in range(1, len(spec.headers) + 1)}
        for row, text in enumerate(spec.notes, 1):  # above the table, on each printed page
            note_row(ws, row, text, widths, note_spans(spec))
        top = ws.max_row + 1 if spec.notes else 1
        if spec.groups:  # a row of group titles above the header
            for title, first, last in spec.groups:
                ws.cell(top, first, title)
                ws.merge_cells(start_row=top, start_column=first, end_row=top, end_column=last)
            group_widths = {first: sum(widths[i] for i in range(first, last + 1)) for _, first, last in spec.groups}
            ws.row_dimensions[top].height = lines_needed(ws_row(ws, top), group_widths) * LINE_HEIGHT
        for col, h in enumerate(spec.headers, 1):
            ws.cell(top + bool(spec.groups), col, h)
        head = ws.max_row
        for row in ws.iter_rows(min_row=top, max_row=head):
            for cell in row:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="center",
                                           horizontal="center" if head > top else None)
        ws.row_dimensions[head].height = max(1, lines_needed(list(spec.headers), widths)) * LINE_HEIGHT
        if spec.rows:
            ws.auto_filter.ref = f"A{head}:{col_letter(len(spec.headers))}{len(spec.rows) + head}"
            numeric = numeric_columns(spec.rows)
            styles = {col: column_style(ws, col, col in spec.wrap, spec.formats.get(col), *(
                ("right", 1) if col in numeric else ("center", 0) if col in spec.centered else (None, 0)))
                for col in widths}
            wrap = {col: widths[col] for col in spec.wrap}
            streamed[spec.title] = (spec.rows, styles, wrap, head + 1)
        elif spec.empty:
            ws.append([spec.empty])
        ws.freeze_panes = f"{'C' if spec.title_columns else 'A'}{head + 1}"
        for col, width in widths.items():
            ws.column_dimensions[col_letter(col)].width = width
        if spec.hidden:
            ws.sheet_state = "hidden"
        else:
            print_setup(ws, f"{top}:{head}")
            if spec.page_columns:
                full_size(ws, widths, spec.page_columns, spec.title_columns)
    add_charts(wb, c)
    return workbook_bytes(wb, edit=lambda parts: stream_rows(parts, streamed))


A4_LANDSCAPE_WIDTH = 11.69  # inches
SMALLEST_SCALE = 75  # % of 11-point text: 8.25 points, the least that prints legibly
WIDTH_SLACK = 0.95
# pixels of a digit of the default font (11-point Calibri: 7 in Excel); where Calibri is
# missing its stand-in draws wider (LibreOffice with DejaVu Sans: 9), and a page must fit both
DIGIT_PIXELS = 9


def column_pixels(width: float) -> int:
    """A column's width on paper at 100% (96 dpi), as Excel turns characters into pixels."""
    return int(width * DIGIT_PIXELS + 5)


def page_scale(widths: dict[int, float], page_columns: tuple[int, ...], title: tuple[int, ...], margins: float) -> int:
    """The print scale (%) at which the widest page (the title columns and the columns up to
    its break) fits A4 landscape, at most 100."""
    fixed = sum(column_pixels(widths[c]) for c in title)
    pages, start = [], max(title, default=0) + 1
    for end in page_columns:
        pages.append(fixed + sum(column_pixels(widths[c]) for c in range(start, end + 1)))
        start = end + 1
    room = (A4_LANDSCAPE_WIDTH - margins) * 96 * WIDTH_SLACK
    return min(100, int(100 * room / max(pages)))


def note_spans(spec: ListSheet) -> list[tuple[int, int]]:
    """The columns a note above the table spans on each printed page: after the repeated
    columns (which show the first page's cells on every page, so they stay blank), to the
    page's last column."""
    first = len(spec.title_columns.split(":")) + 1 if spec.title_columns else 1
    out = []
    for end in spec.page_columns or (len(spec.headers),):
        out.append((first, end))
        first = end + 1
    return out


def note_row(ws: Any, row: int, text: str, widths: dict[int, float], spans: list[tuple[int, int]]) -> None:
    """A line of text above a list, once on each printed page's width (bold red when it alerts)."""
    from openpyxl.styles import Alignment, Font

    font = Font(bold=True, color="C00000") if getattr(text, "alert", False) else Font()
    for first, last in spans:
        cell = ws.cell(row, first, str(text))
        if last > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = font
    narrowest = min(sum(widths[i] for i in range(first, last + 1)) for first, last in spans)
    ws.row_dimensions[row].height = lines_needed([str(text)], {1: narrowest}) * LINE_HEIGHT


def full_size(ws: Any, widths: dict[int, float], page_columns: tuple[int, ...], title_columns: str) -> None:
    """Print at (nearly) full size, a page ending after each of ``page_columns``,
    ``title_columns`` repeated at the left of each page, rather than the whole width shrunk
    onto one page."""
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.worksheet.pagebreak import Break, ColBreak

    first, _, last = title_columns.partition(":")
    title = tuple(range(column_index_from_string(first), column_index_from_string(last or first) + 1)
                  ) if title_columns else ()
    scale = page_scale(widths, page_columns, title, ws.page_margins.left + ws.page_margins.right)
    assert scale >= SMALLEST_SCALE, f"{ws.title}: a page too wide to print legibly ({scale}%)"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = scale
    breaks = ColBreak()
    for col in page_columns[:-1]:
        breaks.append(Break(id=col))
    ws.col_breaks = breaks
    if title_columns:
        ws.print_title_cols = title_columns


def numeric_columns(rows: list[list[Any]]) -> set[int]:
    """The columns (from 1) holding numbers only: right-aligned a character in from the next
    column, whose text would otherwise touch them ("0已汇总"). (Column by column, in C.)"""
    out = set()
    for col, values in enumerate(zip_longest(*rows), 1):
        kinds = set(map(type, values)) - {type(None)}
        numbers = kinds - {str}
        if not numbers or not numbers <= {int, float, Decimal}:
            continue
        if str not in kinds or set(filter(str.__instancecheck__, values)) == {""}:  # a blank written as ""
            out.add(col)
    return out


def ws_row(ws: Any, row: int) -> list[Any]:
    """The values of a worksheet row, from column A."""
    return [ws.cell(row, col).value for col in range(1, ws.max_column + 1)]


# ---------------------------------------------------------------------------------------
# The long table


def _number_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != 0 else "0"
    return str(value)


def long_rows(c: Outcome) -> Iterator[list[Any]]:
    """One row per cell of every summed report, with the official labels. (Millions of rows:
    each record's agency and each cell's labels are made once, not once a row.)"""
    labels: dict[int, tuple[str, str, str, str]] = {}
    record: Any = None
    agency: tuple[Any, ...] = ()
    for r, cell, v in c.summed_cells():
        if r is not record:
            record = r
            agency = (safe_text(r.name), safe_text(r.uscc), safe_text(r.region_code), safe_text(r.source))
        where = labels.get(cell.index)
        if where is None:
            where = labels[cell.index] = (cell.table.title, cell.row_label, cell.column_label, cell.pointer)
        yield [*agency, *where, _number_text(v)]


def write_long_csv(c: Outcome, path: str | os.PathLike[str]) -> Path:
    """The long table (agency, table, row, column, value) as UTF-8 CSV with a BOM (so Excel
    opens it right), whole or not at all."""
    target = Path(path)
    with atomic_output(target) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        _write_csv(c, f)
    return target


def _write_csv(c: Outcome, f: Any) -> None:
    """The rows of :func:`long_rows`, as ``csv.writer`` writes them, a report at a time: each
    record's agency and each cell's labels are quoted once (a field is quoted by what it holds
    alone, and a value is digits, sign and point), then each line is those joined to its value."""
    csv.writer(f).writerow(LONG_HEADERS)
    labels: dict[int, str] = {}
    record: Any = None
    agency = ""
    lines: list[str] = []
    for r, cell, v in c.summed_cells():
        if r is not record:
            f.write("".join(lines))
            lines.clear()
            record = r
            agency = _csv_fields([safe_text(r.name), safe_text(r.uscc), safe_text(r.region_code), safe_text(r.source)])
        where = labels.get(cell.index)
        if where is None:
            where = _csv_fields([cell.table.title, cell.row_label, cell.column_label, cell.pointer])
            labels[cell.index] = where
        lines.append(f"{agency},{where},{_number_text(v)}\r\n")
    f.write("".join(lines))


def _csv_fields(fields: list[Any]) -> str:
    """Fields as a line of ``csv.writer`` (the Excel dialect) quotes them, without its line end."""
    buf = io.StringIO()
    csv.writer(buf).writerow(fields)
    return buf.getvalue()[:-2]


__all__ = [
    "DETAIL_SHEET",
    "DUPLICATES_SHEET",
    "EXTRA_SHEETS",
    "MISSING_SHEET",
    "OUTPUT_SUFFIXES",
    "PREVIOUS_SHEET",
    "PROBLEMS_SHEET",
    "ListSheet",
    "SummaryError",
    "cover_notes",
    "headlines",
    "list_sheets",
    "long_rows",
    "prepare",
    "rows_xml",
    "write_long_csv",
    "write_outputs",
    "write_summary",
]
