"""``annotate(source, findings, out)``: a marked copy of a workbook, through openpyxl.

The openpyxl back-end of :mod:`nianbao.excel.marks`: the same plan the Excel add-in applies live,
written into a copy of the workbook for ``nianbao validate --annotate``. The input is never
modified; the copy is written whole or not at all. Sheet and workbook protection are lifted
only while marking and are the same in the copy as in the input.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from ..core.findings import Finding
from ..core.layout import col_letter
from ..io.atomic import atomic_output, check_output
from ..io.container.safety import check_container
from ..io.readers import ReadError
from .marks import RESULT_SHEET, Link, MarkError, MarkingPlan, NewSheet, apply, clear, plan
from .printing import LINE_HEIGHT, lines_needed, print_setup

SUFFIXES = (".xlsx",)
NOTE_AUTHOR = "nianbao"
OWN = "openpyxl:"  # prefix of a fill this back-end keeps in its own words


class AnnotateError(Exception):
    """A workbook that cannot be annotated. ``str(error)`` is the Chinese message."""


def _color(c: Color | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"type": c.type, "value": c.value, "tint": c.tint}


def _uncolor(d: dict[str, Any] | None) -> Color | None:
    if not d:
        return None
    kind = d.get("type")
    if kind not in ("rgb", "theme", "indexed", "auto"):
        return None
    return Color(**{kind: d.get("value"), "tint": d.get("tint") or 0.0})


class OpenpyxlCanvas:
    """:class:`nianbao.excel.marks.Canvas` on an openpyxl workbook."""

    def __init__(self, wb: Workbook):
        self.wb = wb

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def read_sheet(self, name: str) -> list[list[Any]]:
        return [list(r) for r in self.wb[name].iter_rows(values_only=True)]

    def fill(self, sheet: str, cell: str) -> str:
        f = self.wb[sheet][cell].fill
        if f.patternType is None:
            return ""
        fg = f.fgColor
        if f.patternType == "solid" and fg is not None and fg.type == "rgb" and not fg.tint:
            return str(fg.rgb)[-6:].upper()
        return OWN + json.dumps(
            {"pattern": f.patternType, "fg": _color(f.fgColor), "bg": _color(f.bgColor)}, sort_keys=True
        )

    def set_fill(self, sheet: str, cell: str, fill: str) -> None:
        c = self.wb[sheet][cell]
        if not fill:
            c.fill = PatternFill(fill_type=None)
        elif fill.startswith(OWN):
            d = json.loads(fill[len(OWN) :])
            kw = {k: v for k, v in (("fgColor", _uncolor(d.get("fg"))), ("bgColor", _uncolor(d.get("bg")))) if v}
            c.fill = PatternFill(fill_type=d.get("pattern"), **kw)
        else:
            c.fill = PatternFill(fill_type="solid", fgColor="FF" + fill, bgColor="FF" + fill)

    def note(self, sheet: str, cell: str) -> str:
        comment = self.wb[sheet][cell].comment
        return comment.text if comment is not None else ""

    def set_note(self, sheet: str, cell: str, text: str) -> None:
        c = self.wb[sheet][cell]
        if not text:
            c.comment = None
            return
        lines = sum(1 + len(line) // 24 for line in text.split("\n"))
        c.comment = Comment(text, NOTE_AUTHOR, height=min(600, 20 + 15 * lines), width=360)

    def add_sheet(self, sheet: NewSheet) -> None:
        ws = self.wb.create_sheet(sheet.name)
        for r, row in enumerate(sheet.grid, 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(r, c)
                if isinstance(value, Link):
                    cell.value = value.text
                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=value.target, display=value.text)
                    cell.font = Font(color="FF0563C1", underline="single")
                else:
                    cell.value = value
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # text, never a formula
        for i, w in enumerate(sheet.widths):
            ws.column_dimensions[col_letter(i + 1)].width = w
        if sheet.title_row:
            ws.cell(sheet.title_row, 1).font = Font(bold=True, size=13)
        if sheet.header_row:
            for cell in ws[sheet.header_row]:
                cell.font = Font(bold=True)
            ws.freeze_panes = f"A{sheet.header_row + 1}"
        if sheet.hidden:
            ws.sheet_state = "hidden"
        elif sheet.header_row:
            self._printable(ws, sheet)

    @staticmethod
    def _printable(ws: Any, sheet: NewSheet) -> None:
        """The list prints: A4 landscape, fit to width, its header repeated, long text wrapped."""
        wrap = {i + 1: w for i, w in enumerate(sheet.widths) if w >= WRAP_WIDTH}
        top = Alignment(vertical="top", wrap_text=True)
        for r, row in enumerate(sheet.grid[sheet.header_row:], sheet.header_row + 1):
            for c in wrap:
                ws.cell(r, c).alignment = top
            lines = lines_needed(row, wrap)
            if lines > 1:
                ws.row_dimensions[r].height = lines * LINE_HEIGHT
        print_setup(ws, f"{sheet.header_row}:{sheet.header_row}")

    def delete_sheet(self, name: str) -> None:
        del self.wb[name]

    @contextlib.contextmanager
    def unlocked(self) -> Iterator[None]:
        protected = [ws for ws in self.wb.worksheets if ws.protection.sheet]
        security = self.wb.security
        structure = bool(security and security.lockStructure)
        for ws in protected:
            ws.protection.sheet = False
        if structure:
            security.lockStructure = False
        try:
            yield
        finally:
            for ws in protected:
                ws.protection.sheet = True
            if structure:
                security.lockStructure = True


WRAP_WIDTH = 20  # columns at least this wide wrap their text when printed


def _open(source: Path) -> Workbook:
    if source.suffix.lower() not in SUFFIXES:
        raise AnnotateError(f"只能在 .xlsx 工作簿上标注校验结果，「{source.name}」不是")
    try:
        check_container(source)  # zip bombs, encrypted or disguised files: refused before parsing
    except ReadError as e:
        raise AnnotateError(str(e)) from None
    try:
        return load_workbook(source, rich_text=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise AnnotateError(f"无法打开工作簿「{source.name}」：{e}") from None


def _select(wb: Workbook, sheet: str, cell: str) -> None:
    ws = wb[sheet]
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    wb.active = wb.worksheets.index(ws)
    view = ws.sheet_view
    view.tabSelected = True
    # with frozen panes there is one selection per pane: select in the active one
    active = view.pane.activePane if view.pane is not None else None
    chosen = [sel for sel in view.selection if sel.pane == active] or view.selection[:1]
    for sel in chosen:
        sel.activeCell = cell
        sel.sqref = cell


def _save(wb: Workbook, out: Path) -> None:
    with atomic_output(out) as tmp:
        wb.save(tmp)


def annotate(
    source: str | os.PathLike[str], findings: Iterable[Finding], out: str | os.PathLike[str]
) -> MarkingPlan:
    """Write to ``out`` a copy of ``source`` marked with ``findings`` (located at sheet and
    cell). Marks of an earlier validation in ``source`` are cleared first. Returns the plan."""
    src = Path(source)
    target = check_output(out, [src])
    if target.suffix.lower() not in SUFFIXES:
        raise AnnotateError(f"标注后的副本应保存为 .xlsx 文件，「{target.name}」不是")
    wb = _open(src)
    p = plan(findings)
    try:
        apply(p, OpenpyxlCanvas(wb))
    except MarkError as e:
        raise AnnotateError(str(e)) from None
    _select(wb, *(p.first or (RESULT_SHEET, "A1")))
    _save(wb, target)
    return p


def unmark(source: str | os.PathLike[str], out: str | os.PathLike[str]) -> int:
    """Write to ``out`` a copy of ``source`` without this tool's marks; the number of cells
    restored."""
    src = Path(source)
    target = check_output(out, [src])
    wb = _open(src)
    try:
        cleared = clear(OpenpyxlCanvas(wb))
    except MarkError as e:
        raise AnnotateError(str(e)) from None
    _save(wb, target)
    return cleared.cells
