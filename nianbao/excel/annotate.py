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
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.colors import Color
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from ..core.findings import Finding
from ..core.forms import AMOUNT_DECIMALS, ERROR, WARNING
from ..core.layout import col_letter
from ..io.atomic import atomic_output, check_output
from ..io.container.safety import check_container
from ..io.readers import ReadError
from .marks import FILLS, LIGHT_FILLS, MARKER, RESULT_SHEET, Link, MarkError, MarkingPlan, NewSheet, apply, clear, plan
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


# Told apart in grey print by more than hue: the cell a finding points at gets a thick
# border and its sign (✗ error, ⚠ warning) before its value, by number format (the value is
# untouched); the cells it involves a dashed border. Each sheet marked, and the first, says in
# its printed header where the explanations are.
SIGNS = {FILLS[ERROR]: "✗", FILLS[WARNING]: "⚠"}
MARK_BORDERS = {**{fill: "thick" for fill in FILLS.values()}, **{fill: "mediumDashed" for fill in LIGHT_FILLS.values()}}
MARK_EDGE = "FF000000"
PRINTED_NOTE = (MARKER + "标 ✗ 的单元格有错误、标 ⚠ 的有警告（粗框；虚框为相关单元格），"
                "说明见工作表「" + RESULT_SHEET + "」")
GENERAL = "General"


def signed_format(sign: str, number_format: str) -> str:
    """A number format showing ``sign`` before a number or a text, the number as before."""
    shown = number_format not in (GENERAL, "@") and ";" not in number_format
    number = number_format if shown else "0." + "#" * AMOUNT_DECIMALS  # (an amount's decimals, to the 分)
    return f'"{sign} "{number};"{sign} "-{number};"{sign} "0;"{sign} "@'


def _side_style(b: Border) -> dict[str, Any]:
    return {k: getattr(getattr(b, k), "style", None) for k in ("left", "right", "top", "bottom")}


class OpenpyxlCanvas:
    """:class:`nianbao.excel.marks.Canvas` on an openpyxl workbook. A fill here stands for a
    cell's look as marking changes it: its fill, and where it is not plain also its number
    format and border (kept in the registry, so that clearing restores them)."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.marked: set[str] = set()

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def read_sheet(self, name: str) -> list[list[Any]]:
        return [list(r) for r in self.wb[name].iter_rows(values_only=True)]

    def fill(self, sheet: str, cell: str) -> str:
        c = self.wb[sheet][cell]
        f = c.fill
        fg = f.fgColor
        solid = f.patternType == "solid" and fg is not None and fg.type == "rgb" and not fg.tint
        color = str(fg.rgb)[-6:].upper() if solid else ""
        if color in MARK_BORDERS:
            return color  # a mark (this tool's or the very same colour): compared with the registry
        sides = _side_style(c.border)
        if c.number_format == GENERAL and not any(sides.values()) and (solid or f.patternType is None):
            return color
        return OWN + json.dumps(
            {"pattern": f.patternType, "fg": _color(f.fgColor), "bg": _color(f.bgColor),
             "format": c.number_format, "border": sides, "edge": _color(c.border.left.color)}, sort_keys=True
        )

    def set_fill(self, sheet: str, cell: str, fill: str) -> None:
        c = self.wb[sheet][cell]
        if fill in MARK_BORDERS:
            c.fill = PatternFill(fill_type="solid", fgColor="FF" + fill, bgColor="FF" + fill)
            side = Side(style=MARK_BORDERS[fill], color=MARK_EDGE)
            c.border = Border(left=side, right=side, top=side, bottom=side)
            if fill in SIGNS:
                c.number_format = signed_format(SIGNS[fill], c.number_format)
            self.marked.add(sheet)
            return
        fmt, sides, edge = GENERAL, dict.fromkeys(("left", "right", "top", "bottom")), None
        if not fill:
            c.fill = PatternFill(fill_type=None)
        elif fill.startswith(OWN):
            d = json.loads(fill[len(OWN) :])
            kw = {k: v for k, v in (("fgColor", _uncolor(d.get("fg"))), ("bgColor", _uncolor(d.get("bg")))) if v}
            c.fill = PatternFill(fill_type=d.get("pattern"), **kw)
            fmt, sides, edge = d.get("format") or GENERAL, d.get("border") or sides, _uncolor(d.get("edge"))
        else:
            c.fill = PatternFill(fill_type="solid", fgColor="FF" + fill, bgColor="FF" + fill)
        c.number_format = fmt
        c.border = Border(**{k: Side(style=v, color=edge) if v else Side() for k, v in sides.items()})

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
        if sheet.name == RESULT_SHEET:  # printed on the first sheet and each marked one
            for other in self.wb.worksheets:
                if (other is self.wb.worksheets[0] or other.title in self.marked) and not other.oddHeader.center.text:
                    other.oddHeader.center.text = PRINTED_NOTE
                    other.oddHeader.center.size = 10
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
        if name == RESULT_SHEET:
            for ws in self.wb.worksheets:
                if (ws.oddHeader.center.text or "").startswith(MARKER):
                    ws.oddHeader.center.text = None

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
