"""The xlwings back-end: what the ribbon buttons do to the open workbook.

Every function takes the workbook (``xw.Book``) as a parameter; the entry modules pass
``xw.Book.caller()``. Only the few xlwings calls below touch Excel: each sheet is read in
one range read; validation is :func:`nianbao.io.check.check_loaded` on what
:func:`nianbao.io.xlsx.values.read_grids` makes of those values — the CLI's validator; which cells
get which fill and note, and what 校验结果 lists, is :func:`nianbao.excel.marks.plan`, applied
through :class:`XlwingsCanvas` by the same :func:`nianbao.excel.marks.apply` that the openpyxl
back-end uses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nianbao.core.codes import Code
from nianbao.core.findings import Result
from nianbao.core.sanitize import json_text
from nianbao.excel.marks import RESULT_SHEET, Cleared, MarkError, MarkingPlan, apply, clear, plan
from nianbao.io.atomic import OutputError, check_output, write_text
from nianbao.io.check import check_loaded
from nianbao.io.oserror import error_text
from nianbao.io.readers import ReadError
from nianbao.io.xlsx.values import extents, read_grids

from . import TAB as TITLE  # the ribbon tab's name titles the add-in's messages
from .canvas import XlwingsCanvas, render

__all__ = ["XlwingsCanvas", "check_book", "clear_book", "export_book", "render", "validate_book"]


def read_book(book: Any) -> dict[str, list[list[Any]]]:
    """The values of every sheet a template has, each in one range read from A1."""
    wanted = extents()
    grids = {}
    for sheet in book.sheets:
        if sheet.name in wanted:
            rows, cols = wanted[sheet.name]
            grids[sheet.name] = sheet.range((1, 1), (rows, cols)).options(ndim=2).value
    return grids


def cell_roles(result: Result) -> dict[tuple[str, str], str]:
    """Whether each cell of the report's template is an input or a computed cell: cells of
    one role share their fill in the template, so fills are asked about role by role."""
    from nianbao.core.layout import layout

    form = (result.document or {}).get("form")
    try:
        lay = layout(str(form))
    except (KeyError, ValueError):
        return {}
    roles = {}
    for s in lay.sheets:
        roles.update({(s.name, a): "input" for a in s.inputs.values()})
        roles.update({(s.name, a): "computed" for a in s.computed.values()})
    return roles


def check_book(book: Any) -> Result:
    """Read and validate the open workbook, as ``nianbao validate`` does a file."""
    try:
        loaded = read_grids(read_book(book), source=book.name)
    except ReadError as e:
        from nianbao.core.findings import finding

        return Result(book.name, (finding(Code.READ, str(e)).located(e.sheet, e.cell),), None, unreadable=True)
    return check_loaded(loaded, book.name)


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


def validate_book(book: Any) -> MarkingPlan | None:
    """校验: mark every finding on the workbook and list them in 校验结果; the plan applied,
    or None when the workbook is not a template (then nothing is touched)."""
    book.app.status_bar = "正在校验…"
    result = check_book(book)
    if result.unreadable:
        tell(book, "无法校验：" + result.findings[0].message, warn=True)
        return None
    p = plan(result.findings)
    canvas = XlwingsCanvas(book)
    roles = cell_roles(result)
    try:
        with quiet(book):
            canvas.expect((m.sheet, m.cell, roles.get((m.sheet, m.cell), "")) for m in p.marks)
            apply(p, canvas)
    except MarkError as e:
        tell(book, f"无法校验：{e}", warn=True)
        return None
    canvas.select(*(p.first or (RESULT_SHEET, "A1")))
    tell(book, p.summary, warn=not p.tally.ok)
    return p


def clear_book(book: Any) -> Cleared:
    """清除标记: remove the marks of the last 校验, and only those."""
    canvas = XlwingsCanvas(book)
    try:
        with quiet(book):
            canvas.expect(())  # the cells of the registry
            cleared = clear(canvas)
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
        write_text(target, json_text(result.document) + "\n")
    except (OutputError, OSError) as e:
        tell(book, f"无法导出：{error_text(e)}", warn=True)
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
