"""Writing a consolidation: the summary workbook and the long-format CSV.

The summary workbook is a report itself: the locked template of the same form
(:func:`nianbao.excel.template.build_workbook`) filled with the sums, with the summary's name as the
agency — so ``nianbao validate`` passes on it and it can be consolidated again one level up.
Beside the template's sheets it holds:

* 各单位明细 — one row per input file: agency, codes, source file, status, whether it was
  summed and why not, and the headline numbers (filterable);
* 问题清单 — every finding of every input, with file, sheet, cell, rule and message;
* 未报送 — agencies on the roster with no report, and reports from agencies not on it;
* 重复报送 — the agencies that sent more than one report, each copy on its own row.

Every text copied from the inputs goes through :func:`nianbao.core.sanitize.safe_text`. This
module knows Excel and CSV; what is summed and why is :mod:`nianbao.consolidation.consolidate`'s.
"""

from __future__ import annotations

import csv
import html
import os
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from ..io.atomic import atomic_output, atomic_outputs, write_bytes
from .consolidate import Consolidation, Entry, describe, plain
from ..core.findings import SEVERITY_WORDS
from ..core.forms import FORM_LABEL, NAME_LABEL, REGION_LABEL, SOURCE_LABEL, USCC_LABEL, YEAR_LABEL
from ..core.layout import COVER_SHEET, col_letter, layout
from ..core.model import model
from ..io.ooxml import WORKBOOK, WORKBOOK_RELS, sheet_parts
from ..core.sanitize import json_text, safe_text

DETAIL_SHEET = "各单位明细"
PROBLEMS_SHEET = "问题清单"
MISSING_SHEET = "未报送"
DUPLICATES_SHEET = "重复报送"
EXTRA_SHEETS = (DETAIL_SHEET, PROBLEMS_SHEET, MISSING_SHEET, DUPLICATES_SHEET)


# Column headers (the numbers' headers derive from the form, see :func:`headlines`).
DETAIL_HEADERS = (
    "序号", NAME_LABEL, USCC_LABEL, REGION_LABEL, YEAR_LABEL, FORM_LABEL, SOURCE_LABEL,
    "校验结果", "错误数", "警告数", "汇总情况", "未汇总原因",
)
PROBLEM_HEADERS = (SOURCE_LABEL, NAME_LABEL, "工作表", "单元格", "规则", "严重程度", "问题", "处理建议")
MISSING_HEADERS = ("类别", NAME_LABEL, USCC_LABEL, REGION_LABEL, "来源文件或名单行号")
DUPLICATE_HEADERS = ("组号", "重复依据", NAME_LABEL, USCC_LABEL, SOURCE_LABEL, "校验结果")
LONG_HEADERS = (NAME_LABEL, USCC_LABEL, REGION_LABEL, SOURCE_LABEL, "表", "行", "列", "字段", "数值")

MISSING = "未报送"
UNEXPECTED = "不在名单中"


@cache
def headlines(form: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The headline numbers of a report: (header, cell indexes to add) — the 总计 column of
    each top-level row of table 3 (for 三、本年度办理结果, its last row, （七）总计), and
    the 总计 of each group of table 4 (行政诉讼's two groups together)."""
    m = model(form)
    t3 = m.form.table("applications")
    total = t3.columns[-1]
    out: list[tuple[str, tuple[int, ...]]] = []
    for row in t3.rows:
        if row.is_leaf:
            out.append((f"{row.label}·{total.label}", (m.by_path[(t3.key, row.key, total.key)].index,)))
        else:
            last = row.children[-1]
            out.append((f"{row.label}{last.label}", (m.by_path[(t3.key, row.key, last.key, total.key)].index,)))
    t4 = m.form.table("appeals")
    heads: dict[str, list[int]] = {}
    for g in t4.groups:
        heads.setdefault(g.parent or g.label, []).append(m.by_path[(t4.key, g.key, g.columns[-1].key)].index)
    for head, indexes in heads.items():
        out.append((f"{head}·{t4.groups[0].columns[-1].label}", tuple(indexes)))
    return tuple(out)


def headline_headers(c: Consolidation) -> tuple[str, ...]:
    return tuple(h for h, _ in headlines(c.form or "2021"))


def headline_values(entry: Entry) -> list[Any]:
    r = entry.record
    values = r.values
    if values is None or r.form is None:
        return [None] * len(headlines("2021"))
    out = []
    for _, indexes in headlines(r.form):
        vals = [values[i] for i in indexes]
        out.append(None if None in vals else plain(sum(vals)))
    return out


# ---------------------------------------------------------------------------------------
# Rows of each sheet, as plain data


def detail_rows(c: Consolidation) -> Iterator[list[Any]]:
    for n, e in enumerate(c.entries, 1):
        r = e.record
        t = r.tally
        errors, warnings = (t.errors, t.warnings) if r.readable else (None, None)
        yield [
            n, safe_text(r.name), safe_text(r.uscc), safe_text(r.region_code), r.year, r.form, safe_text(r.source),
            r.status.display, errors, warnings, e.disposition, safe_text(e.reason), *headline_values(e),
        ]


def problem_rows(c: Consolidation) -> Iterator[list[Any]]:
    for e in c.entries:
        for f in e.findings:
            yield [
                safe_text(e.record.source), safe_text(e.record.name), f.sheet or "", f.cell or (f.pointer or ""),
                f.rule, SEVERITY_WORDS.get(f.severity, f.severity), safe_text(f.message), f.hint,
            ]


def missing_rows(c: Consolidation) -> Iterator[list[Any]]:
    for m in c.missing:
        yield [MISSING, safe_text(m.name), safe_text(m.uscc), safe_text(m.region_code), f"名单第 {m.line} 行"]
    for e in c.unexpected:
        r = e.record
        yield [UNEXPECTED, safe_text(r.name), safe_text(r.uscc), safe_text(r.region_code), safe_text(r.source)]


def duplicate_rows(c: Consolidation) -> Iterator[list[Any]]:
    for n, group in enumerate(c.duplicates, 1):
        for e in group:
            r = e.record
            yield [n, e.duplicate_by, safe_text(r.name), safe_text(r.uscc), safe_text(r.source), r.status.display, *headline_values(e)]


def cover_notes(c: Consolidation) -> list[str]:
    """What the summary's cover says about how it was made."""
    notes = [
        (
            f"汇总说明：本报告由 {len(c.summed)} 份报告逐格相加而成（{describe(c.year, c.form, '，')}）；"
            f"共收到 {len(c.entries)} 个文件，未汇总 {len(c.left_out)} 个，详见「{DETAIL_SHEET}」。"
        )
    ]
    if c.include_errors:
        k = len(c.included_with_errors)
        text = f"注意：按要求（--include-errors），有错误的报告也计入了汇总，共 {k} 份"
        if c.unusable_cells:
            text += f"；其中 {c.unusable_cells} 个空白或无效的单元格未计入"
        notes.append(text + f"。本汇总可能不满足勾稽关系，请核对「{PROBLEMS_SHEET}」。")
    if c.missing:
        notes.append(f"名单中有 {len(c.missing)} 个单位未报送，详见「{MISSING_SHEET}」。")
    if c.duplicates:
        notes.append(f"有 {len(c.duplicates)} 个单位重复报送，均未计入，详见「{DUPLICATES_SHEET}」。")
    return notes


# ---------------------------------------------------------------------------------------
# Writing


class SummaryError(Exception):
    """A summary that cannot be written. ``str(error)`` is the Chinese message."""


def is_summary(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a summary this tool wrote (a template carrying the 各单位明细 sheet).
    Anything that cannot be read as one is not."""
    import python_calamine

    from ..io.safety import check_container

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
    from ..excel import template  # noqa: F401 - openpyxl and its styles come with it


def write_summary(c: Consolidation, path: str | os.PathLike[str]) -> Path:
    """Write the summary, whole or not at all: a workbook (.xlsx), or for ``.json`` the
    summary report alone in the interchange format."""
    target = Path(path)
    write_bytes(target, summary_data(c, target))
    return target


def write_outputs(
    c: Consolidation, path: str | os.PathLike[str], csv_path: str | os.PathLike[str] | None = None
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


def summary_data(c: Consolidation, target: Path) -> bytes:
    """The summary's bytes: a workbook, or the report alone for a ``.json`` target."""
    doc = c.document()
    if doc is None:
        raise SummaryError("没有可以汇总的报告，未生成汇总表")
    problem = inexact(c)
    if problem:
        raise SummaryError(problem)
    if target.suffix.lower() == ".json":
        return json_text(doc).encode("utf-8")
    return workbook_data(c, doc)


def inexact(c: Consolidation) -> str:
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


def workbook_data(c: Consolidation, doc: dict[str, Any]) -> bytes:
    """The summary workbook's bytes: the filled template, notes on its cover, and the four
    lists. The lists can run to tens of thousands of rows: openpyxl lays out each sheet (header,
    widths, frozen header, autofilter) and their rows are then streamed into the sheet's XML
    directly, which is an order of magnitude faster than building a cell object per value."""
    from openpyxl.styles import Alignment, Font

    from ..excel.template import build_workbook, workbook_bytes

    wb = build_workbook(c.form, doc)
    cover = wb[COVER_SHEET]
    row = layout(c.form).sheet(COVER_SHEET).last_row + 2
    for text in cover_notes(c):
        cell = cover.cell(row, 1, text)
        cover.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cover.row_dimensions[row].height = 15 * (1 + len(text) // 40)
        if text.startswith("注意"):
            cell.font = Font(bold=True, color="C00000")
        row += 1

    bold = Font(bold=True)
    heads = headline_headers(c)
    streamed: dict[str, list[list[Any]]] = {}

    def sheet(title: str, headers: Iterable[str], rows: Iterable[list[Any]], widths: dict[int, float], empty: str) -> None:
        ws = wb.create_sheet(title)
        headers = list(headers)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        data = list(rows)
        if data:
            ws.auto_filter.ref = f"A1:{col_letter(len(headers))}{len(data) + 1}"
            streamed[title] = data
        else:
            ws.append([empty])
        ws.freeze_panes = "A2"
        for col in range(1, len(headers) + 1):
            ws.column_dimensions[col_letter(col)].width = widths.get(col, 14)

    sheet(DETAIL_SHEET, DETAIL_HEADERS + heads, detail_rows(c),
          {1: 6, 2: 30, 3: 22, 4: 10, 5: 9, 6: 7, 7: 36, 11: 9, 12: 40}, "没有输入文件")
    sheet(PROBLEMS_SHEET, PROBLEM_HEADERS, problem_rows(c), {1: 36, 2: 30, 3: 8, 4: 8, 5: 9, 6: 9, 7: 70, 8: 50},
          "所有报告均未发现问题")
    missing_empty = "未提供单位名单（--roster），无法核对未报送的单位" if c.roster is None else "名单中的单位均已报送，且没有名单以外的报告"
    sheet(MISSING_SHEET, MISSING_HEADERS, missing_rows(c), {1: 10, 2: 30, 3: 22, 4: 10, 5: 40}, missing_empty)
    sheet(DUPLICATES_SHEET, DUPLICATE_HEADERS + heads, duplicate_rows(c), {1: 6, 2: 16, 3: 30, 4: 22, 5: 40},
          "没有重复报送的单位")
    return workbook_bytes(wb, edit=lambda parts: _stream_rows(parts, streamed))


# ---------------------------------------------------------------------------------------
# Streaming rows into a written workbook's sheets

_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"  # characters XML 1.0 cannot hold
_ILLEGAL_XML = re.compile(f"[{_ILLEGAL}]")
MAX_CELL_TEXT = 32767  # Excel's limit


# what needs more than copying: characters XML cannot hold or must escape, white space at
# either end (kept with xml:space="preserve")
_NOT_PLAIN = re.compile(f"[{_ILLEGAL}&<>]|^\\s|\\s$")


def _text_cell(ref: str, v: Any) -> str:
    if type(v) is str and len(v) <= MAX_CELL_TEXT and not _NOT_PLAIN.search(v):
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'  # the common case
    return _escaped_cell(ref, v)


def _escaped_cell(ref: str, v: Any) -> str:
    text = _ILLEGAL_XML.sub("", str(v))[:MAX_CELL_TEXT]
    space = ' xml:space="preserve"' if text != text.strip() else ""
    # & < > escaped as xml.sax.saxutils.escape does (which would import urllib and ssl)
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{html.escape(text, quote=False)}</t></is></c>'


def rows_xml(rows: list[list[Any]], first_row: int) -> str:
    """``<row>`` elements of plain values (inline strings, numbers), from ``first_row`` on.
    (Tens of thousands of rows: the type of each value is looked at once, inline.)"""
    width = max((len(r) for r in rows), default=0)
    letters = [col_letter(i) for i in range(1, width + 1)]
    out = []
    for n, r in enumerate(rows, first_row):
        cells = []
        for letter, v in zip(letters, r):
            t = type(v)
            if t is int or t is float or t is Decimal:
                cells.append(f'<c r="{letter}{n}"><v>{v}</v></c>')
            elif v is not None and v != "":
                cells.append(_text_cell(f"{letter}{n}", v))  # text, and booleans as text
        out.append(f'<row r="{n}">{"".join(cells)}</row>')
    return "".join(out)


def _stream_rows(parts: dict[str, bytes], streamed: dict[str, list[list[Any]]]) -> None:
    """Write the rows of each streamed sheet into its part (an edit for workbook_bytes)."""
    where = dict(sheet_parts(parts[WORKBOOK], parts[WORKBOOK_RELS]))
    for title, rows in streamed.items():
        part = where[title]
        xml = parts[part]
        at = xml.index(b"</sheetData>")
        xml = xml[:at] + rows_xml(rows, 2).encode("utf-8") + xml[at:]
        width = max(len(r) for r in rows)
        last = f"{col_letter(width)}{len(rows) + 1}".encode()
        parts[part] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:' + last + b'"', xml, count=1)


def _number_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != 0 else "0"
    return str(value)


def long_rows(c: Consolidation) -> Iterator[list[Any]]:
    """One row per cell of every summed report, with the official labels."""
    if c.form is None:
        return
    cells = model(c.form).cells
    for e in c.summed:
        r = e.record
        if r.values is None:
            continue
        agency = [safe_text(r.name), safe_text(r.uscc), safe_text(r.region_code), safe_text(r.source)]
        for cell, v in zip(cells, r.values):
            if v is None:
                continue
            yield [*agency, cell.table.title, cell.row_label, cell.column_label, cell.pointer, _number_text(v)]


def write_long_csv(c: Consolidation, path: str | os.PathLike[str]) -> Path:
    """The long table (agency, table, row, column, value) as UTF-8 CSV with a BOM (so Excel
    opens it right), whole or not at all."""
    target = Path(path)
    with atomic_output(target) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        _write_csv(c, f)
    return target


def _write_csv(c: Consolidation, f: Any) -> None:
    w = csv.writer(f)
    w.writerow(LONG_HEADERS)
    w.writerows(long_rows(c))


__all__ = [
    "DETAIL_SHEET",
    "DUPLICATES_SHEET",
    "EXTRA_SHEETS",
    "MISSING_SHEET",
    "PROBLEMS_SHEET",
    "SummaryError",
    "headlines",
    "long_rows",
    "prepare",
    "write_long_csv",
    "write_outputs",
    "write_summary",
]
