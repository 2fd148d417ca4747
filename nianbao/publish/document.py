"""The published report as plain data, before any file format.

A :class:`Document` is what every writer (Word, HTML, Markdown) shows its own way: the title,
what the first page must say (a summary's level, a report that has not passed validation),
and the six mandated sections, each a list of paragraphs and tables. A table is a
:class:`FormTable` of cells placed as the national form places them, merges included, so that
the writers only draw; where the labels and merges come from is :mod:`nianbao.publish.grids`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# What a cell of a grid holds, which decides how it is drawn.
HEAD = "head"  # a column header (the form's printed header rows)
LABEL = "label"  # a row label
NUMBER = "number"  # a value of the report
NOTE = "note"  # the printed 勾稽关系 note of table 3

# Paragraph kinds.
BODY = "body"
WARNING_NOTICE = "warning"  # the report has not passed validation: red, on the first page
SUMMARY_NOTICE = "summary"  # a summary's level and how many agencies it covers
TABLE_NOTE = "table-note"  # a note under a table (the unit of an amount the form prints none for)
CLOSING = "closing"  # the 落款 at the end: the agency's name, then the date


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text; ``placeholder`` marks where the agency writes its own text."""

    text: str
    placeholder: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: tuple[Span, ...]
    kind: str = BODY

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def paragraph(*parts: str | Span, kind: str = BODY) -> Paragraph:
    return Paragraph(tuple(p if isinstance(p, Span) else Span(p) for p in parts), kind)


@dataclass(frozen=True, slots=True)
class TableCell:
    text: str
    row: int
    col: int
    role: str
    rowspan: int = 1
    colspan: int = 1
    pointer: str = ""  # for a number: the cell of the report it shows


@dataclass(frozen=True, slots=True)
class FormTable:
    """A table laid out on a grid of ``columns`` columns. ``rows[i]`` holds the cells that
    start on row ``i`` (a merged cell covers the places to its right and below); the first
    ``header_rows`` rows are the header, repeated on every page the table runs onto."""

    key: str  # the table's JSON key (active, applications, appeals)
    columns: int
    header_rows: int
    rows: tuple[tuple[TableCell, ...], ...]
    widths: tuple[float, ...]  # relative column widths, summing to 1

    def cells(self) -> list[TableCell]:
        return [c for row in self.rows for c in row]


Block = Paragraph | FormTable


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    notices: tuple[Paragraph, ...]  # before the first section, under the title
    preamble: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    # where the title may break onto a second line: its parts (name, year, 政府信息公开工作年度报告)
    title_parts: tuple[str, ...] = ()
    closing: tuple[Paragraph, ...] = ()  # the 落款: the agency's name and the date, as reports end

    def grids(self) -> list[FormTable]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, FormTable)]


def number_text(value: Any) -> str:
    """A value as the table prints it: whole numbers plainly, amounts without trailing
    zeros and never in exponent form; a blank as nothing; anything else (only in a document
    made with --force) as it was written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if value == 0:
            return "0"
        return format(value.normalize(), "f")
    return str(value)
