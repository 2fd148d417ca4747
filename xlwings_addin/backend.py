"""The xlwings back-end: what the ribbon buttons do to the open workbook.

Every function takes the workbook (``xw.Book``) as a parameter; the entry modules pass
``xw.Book.caller()``. Only the few xlwings calls below touch Excel: each sheet is read in
one range read; validation is :func:`nianbao.io.check.check_loaded` on what
:func:`nianbao.excel.grids.read_grids` makes of those values — the CLI's validator; which cells
get which fill and note, and what 校验结果 lists, is :func:`nianbao.excel.marks.plan`, applied
through :class:`XlwingsCanvas` by the same :func:`nianbao.excel.marks.apply` that the openpyxl
back-end uses.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Iterator

from nianbao.core.codes import Code
from nianbao.io.atomic import OutputError, check_output, write_text
from nianbao.io.check import check_loaded
from nianbao.core.findings import Result
from nianbao.excel.grids import extents, read_grids
from nianbao.excel.marks import RESULT_SHEET, Cleared, Link, MarkError, NewSheet, Plan, apply, clear, plan
from nianbao.io.readers import ReadError

from . import TAB as TITLE  # the ribbon tab's name titles the add-in's messages

CHUNK = 255  # longest string Excel takes whole into a note in one call

# Worksheet.Protect's options, read back from the sheet before lifting its protection.
PROTECT_FLAGS = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
)


def _hex(color: Any) -> str:
    if color is None:
        return ""
    r, g, b = color
    return f"{r:02X}{g:02X}{b:02X}"


def _color(fill: str) -> str | None:
    """A registry fill as xlwings sets it; a fill another back-end described in its own
    words becomes its RGB colour when it has one."""
    if not fill:
        return None
    if ":" in fill:
        try:
            fg = json.loads(fill.split(":", 1)[1]).get("fg") or {}
        except (ValueError, AttributeError):
            return None
        value = fg.get("value") if fg.get("type") == "rgb" else None
        return "#" + str(value)[-6:] if value else None
    return "#" + fill


def _formula_text(s: str) -> str:
    return s.replace('"', '""')


def render(value: Any) -> Any:
    """A plan's cell value as written through xlwings: a link becomes a HYPERLINK formula
    (written with every other value in one range write)."""
    if isinstance(value, Link):
        return f'=HYPERLINK("#{_formula_text(value.target)}","{_formula_text(value.text)}")'
    return value


class XlwingsCanvas:
    """:class:`nianbao.excel.marks.Canvas` on an xlwings workbook."""

    def __init__(self, book: Any):
        self.book = book

    def _range(self, sheet: str, cell: str) -> Any:
        return self.book.sheets[sheet].range(cell)

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read_sheet(self, name: str) -> list[list[Any]]:
        used = self.book.sheets[name].used_range
        return used.options(ndim=2).value or []

    def fill(self, sheet: str, cell: str) -> str:
        return _hex(self._range(sheet, cell).color)

    def set_fill(self, sheet: str, cell: str, fill: str) -> None:
        self._range(sheet, cell).color = _color(fill)

    def note(self, sheet: str, cell: str) -> str:
        note = self._range(sheet, cell).note
        return (note.text or "") if note is not None else ""

    def set_note(self, sheet: str, cell: str, text: str) -> None:
        rng = self._range(sheet, cell)
        note = rng.note
        if note is not None:
            note.delete()
        if not text:
            return
        # Excel may cut a string longer than 255 characters passed to a note: add the text
        # in pieces, each appended at the end (Comment.Text(Text, Start, Overwrite)).
        head, rest = text[:CHUNK], text[CHUNK:]
        note = rng.add_note(head) if hasattr(rng, "add_note") else rng.api.AddComment(head)
        api = getattr(note, "api", note)
        done = len(head)
        while rest:
            piece, rest = rest[:CHUNK], rest[CHUNK:]
            api.Text(piece, done + 1, False)
            done += len(piece)
        # Excel's default note box is small: let it grow with the text (Windows only)
        with contextlib.suppress(Exception):
            api.Shape.TextFrame.AutoSize = True

    def add_sheet(self, new: NewSheet) -> None:
        book = self.book
        sheet = book.sheets.add(new.name, after=book.sheets[len(book.sheets) - 1])
        width = max((len(r) for r in new.grid), default=0)
        if width:
            rows = [[render(v) for v in r] + [None] * (width - len(r)) for r in new.grid]
            sheet.range("A1").value = rows
        for i, w in enumerate(new.widths):
            sheet.range((1, i + 1)).column_width = w
        if new.title_row:
            sheet.range((new.title_row, 1)).font.bold = True
        if new.header_row:
            sheet.range((new.header_row, 1), (new.header_row, len(new.grid[new.header_row - 1]))).font.bold = True
        if new.hidden:
            sheet.visible = False

    def delete_sheet(self, name: str) -> None:
        self.book.sheets[name].delete()

    @contextlib.contextmanager
    def unlocked(self) -> Iterator[None]:
        book = self.book
        saved = []
        for sheet in book.sheets:
            api = sheet.api
            if api.ProtectContents:
                options = {
                    "DrawingObjects": api.ProtectDrawingObjects,
                    "Contents": True,
                    "Scenarios": api.ProtectScenarios,
                    **{flag: getattr(api.Protection, flag) for flag in PROTECT_FLAGS},
                }
                saved.append((sheet.name, options, api.EnableSelection))
                api.Unprotect()
        structure = bool(book.api.ProtectStructure)
        if structure:
            book.api.Unprotect()
        try:
            yield
        finally:
            if structure:
                book.api.Protect(Structure=True)
            for name, options, selection in saved:
                api = book.sheets[name].api
                api.Protect(**options)
                api.EnableSelection = selection


def read_book(book: Any) -> dict[str, list[list[Any]]]:
    """The values of every sheet a template has, each in one range read from A1."""
    present = {s.name for s in book.sheets}
    grids = {}
    for name, (rows, cols) in extents().items():
        if name in present:
            grids[name] = book.sheets[name].range((1, 1), (rows, cols)).options(ndim=2).value
    return grids


def check_book(book: Any) -> Result:
    """Read and validate the open workbook, as ``nianbao validate`` does a file."""
    try:
        loaded = read_grids(read_book(book), source=book.name)
    except ReadError as e:
        from nianbao.core.findings import finding

        return Result(book.name, (finding(Code.READ, str(e)).located(e.sheet, e.cell),), None, unreadable=True)
    return check_loaded(loaded, book.name)


def select(book: Any, sheet: str, cell: str) -> None:
    target = book.sheets[sheet]
    target.activate()
    target.range(cell).select()


@contextlib.contextmanager
def quiet(book: Any) -> Iterator[None]:
    """Screen updating off while marking: one repaint at the end."""
    app = book.app
    before = app.screen_updating
    app.screen_updating = False
    try:
        yield
    finally:
        app.screen_updating = before


def tell(book: Any, text: str, warn: bool = False) -> None:
    """The one-line outcome, in the status bar and in a message box."""
    book.app.status_bar = text
    book.app.alert(text, title=TITLE, mode="critical" if warn else "info")


def validate_book(book: Any) -> Plan | None:
    """校验: mark every finding on the workbook and list them in 校验结果; the plan applied,
    or None when the workbook is not a template (then nothing is touched)."""
    book.app.status_bar = "正在校验…"
    result = check_book(book)
    if result.unreadable:
        tell(book, "无法校验：" + result.findings[0].message, warn=True)
        return None
    p = plan(result.findings)
    try:
        with quiet(book):
            apply(p, XlwingsCanvas(book))
    except MarkError as e:
        tell(book, f"无法校验：{e}", warn=True)
        return None
    select(book, *(p.first or (RESULT_SHEET, "A1")))
    tell(book, p.summary, warn=not p.tally.ok)
    return p


def clear_book(book: Any) -> Cleared:
    """清除标记: remove the marks of the last 校验, and only those."""
    try:
        with quiet(book):
            cleared = clear(XlwingsCanvas(book))
    except MarkError as e:
        tell(book, f"无法清除标记：{e}", warn=True)
        return Cleared(0, 0)
    tell(book, f"已清除 {cleared.cells} 处标记" if cleared.cells else "没有需要清除的标记")
    return cleared


def export_book(book: Any) -> Path | None:
    """导出 JSON: write the report beside the workbook (same name, .json)."""
    source = Path(book.fullname)
    if not source.is_absolute() or not source.parent.is_dir():
        tell(book, "请先将工作簿保存到本机文件夹，再导出 JSON")
        return None
    result = check_book(book)
    if result.unreadable or result.document is None:
        tell(book, "无法导出：" + result.findings[0].message, warn=True)
        return None
    target = source.with_suffix(".json")
    try:
        check_output(target, [source])
        write_text(target, json.dumps(result.document, ensure_ascii=False, indent=2) + "\n")
    except (OutputError, OSError) as e:
        tell(book, f"无法导出：{e}", warn=True)
        return None
    tell(book, f"已导出到 {target}（{result.tally}）")
    return target


@contextlib.contextmanager
def report_failure(book: Any) -> Iterator[None]:
    """An unexpected failure is told in Chinese in a message box, not as a traceback."""
    try:
        yield
    except Exception as e:  # the last line of defence of a button
        with contextlib.suppress(Exception):
            book.app.status_bar = False
        book.app.alert(f"操作未完成：{type(e).__name__}：{e}", title=TITLE, mode="critical")
