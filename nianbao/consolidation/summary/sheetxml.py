"""Rows streamed into a written workbook's sheets, and how the lists print.

The lists can run to tens of thousands of rows: openpyxl lays out each sheet (header, widths,
frozen header, autofilter, page setup) and the rows are then written into the sheet's XML
directly, an order of magnitude faster than building a cell object per value. Each column
may carry one cell style (wrapped text, top-aligned), given by its style index.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...core.layout import col_letter
from ...excel.printing import LINE_HEIGHT, lines_needed, print_setup
from ...io.xlsx.ooxml import WORKBOOK, WORKBOOK_RELS, sheet_parts

_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"  # characters XML 1.0 cannot hold
_ILLEGAL_XML = re.compile(f"[{_ILLEGAL}]")
MAX_CELL_TEXT = 32767  # Excel's limit


# what needs more than copying: characters XML cannot hold or must escape, white space at
# either end (kept with xml:space="preserve")
_NOT_PLAIN = re.compile(f"[{_ILLEGAL}&<>]|^\\s|\\s$")


def _text_cell(ref: str, v: Any, style: str = "") -> str:
    if type(v) is str and len(v) <= MAX_CELL_TEXT and not _NOT_PLAIN.search(v):
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{v}</t></is></c>'  # the common case
    return _escaped_cell(ref, v, style)


def _escaped_cell(ref: str, v: Any, style: str = "") -> str:
    text = _ILLEGAL_XML.sub("", str(v))[:MAX_CELL_TEXT]
    space = ' xml:space="preserve"' if text != text.strip() else ""
    # & < > escaped as xml.sax.saxutils.escape does (which would import urllib and ssl)
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{html.escape(text, quote=False)}</t></is></c>'


def rows_xml(rows: list[list[Any]], first_row: int, styles: Mapping[int, int] | None = None,
             wrap: Mapping[int, float] | None = None) -> str:
    """``<row>`` elements of plain values (inline strings, numbers), from ``first_row`` on;
    ``styles`` maps a column (from 1) to the style index its cells take; ``wrap`` the columns
    whose text wraps to their width: a row is then as tall as its longest text needs (saved,
    as not every program measures rows as it opens a file). (Tens of thousands of rows: the
    type of each value is looked at once, inline.)"""
    width = max((len(r) for r in rows), default=0)
    styles = styles or {}
    wrap = wrap or {}
    columns = [(col_letter(i), f' s="{styles[i]}"' if i in styles else "") for i in range(1, width + 1)]
    out = []
    for n, r in enumerate(rows, first_row):
        lines = lines_needed(r, wrap) if wrap else 1
        height = f' ht="{lines * LINE_HEIGHT:g}" customHeight="1"' if lines > 1 else ""
        cells = []
        for (letter, style), v in zip(columns, r, strict=False):
            t = type(v)
            if t is int or t is float or t is Decimal:
                cells.append(f'<c r="{letter}{n}"{style}><v>{v}</v></c>')
            elif v is not None and v != "":
                cells.append(_text_cell(f"{letter}{n}", v, style))  # text, and booleans as text
        out.append(f'<row r="{n}"{height}>{"".join(cells)}</row>')
    return "".join(out)


# rows, column styles, wrapped columns' widths, the row the first of them goes in
Streamed = tuple[list[list[Any]], Mapping[int, int], Mapping[int, float], int]


def stream_rows(parts: dict[str, bytes], streamed: Mapping[str, Streamed]) -> None:
    """Write the rows of each streamed sheet (title -> rows, column styles, wrapped columns'
    widths) into its part (an edit for :func:`nianbao.excel.template.workbook_bytes`)."""
    where = dict(sheet_parts(parts[WORKBOOK], parts[WORKBOOK_RELS]))
    for title, (rows, styles, wrap, first) in streamed.items():
        part = where[title]
        assert part is not None  # a sheet openpyxl has just written
        xml = parts[part]
        at = xml.index(b"</sheetData>")
        xml = xml[:at] + rows_xml(rows, first, styles, wrap).encode("utf-8") + xml[at:]
        width = max(len(r) for r in rows)
        last = f"{col_letter(width)}{len(rows) + first - 1}".encode()
        parts[part] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:' + last + b'"', xml, count=1)


def column_style(ws: Any, col: int, wrap: bool, number_format: str | None = None, horizontal: str | None = None,
                 indent: int = 0) -> int:
    """The style index of a list's data cells in column ``col``: top-aligned, wrapped or not,
    in a number format, aligned (and indented) as asked. (A probe cell takes the style and is
    dropped; the workbook keeps it.)"""
    from openpyxl.styles import Alignment

    row = ws.max_row + 1
    probe = ws.cell(row=row, column=col)
    probe.alignment = Alignment(wrap_text=wrap, vertical="top", horizontal=horizontal, indent=indent)
    if number_format:
        probe.number_format = number_format
    index = probe.style_id
    del ws._cells[(row, col)]
    return int(index)


__all__ = ["Streamed", "column_style", "print_setup", "rows_xml", "stream_rows"]
