"""Calamine guards: what would make python-calamine abort the process or loop, refused first.

python-calamine builds a dense grid from a sheet's first to its last filled cell and reserves
room for the strings a shared strings table declares: one value in XFD1048576, or
``uniqueCount="4294967295"`` in a 1 KB part, asks for gigabytes and the Rust code aborts (no
exception reaches Python). :func:`grid_safe` is the quick test over a part's raw bytes
(every reference within ZZ999, every cell carrying one, every ``uniqueCount`` one the part
can hold); :func:`check_extent` (SpreadsheetML), :func:`check_ods_extent` (OpenDocument) and
:func:`check_shared_strings` measure exactly and refuse with the reason. Legacy .xls sheets
are guarded in :mod:`nianbao.io.container.ole`; a panic that still happens is handled by
:mod:`nianbao.io.container.panics`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from ...core.layout import cell_index
from ..registry import ReadError
from .limits import ASK_AGAIN, MAX_GRID_CELLS, short

# a cell's position comes from its r attribute, which python-calamine takes wherever it
# stands in the tag, even twice (the last wins) or glued to the previous value: any r
# whose value reads as a reference must be a small one (col <= ZZ, row <= 999), anywhere
_FAR_REF = re.compile(rb"""r[ \t\r\n]*=[ \t\r\n]*(["'])(?![A-Z]{0,2}[1-9][0-9]{0,2}\1)[A-Za-z]*[0-9]+\1""")
_NEAR_SPAN = 702 * 999  # the most cells such references can span
assert _NEAR_SPAN <= MAX_GRID_CELLS, "references within ZZ999 must stay within the grid limit"
# a cell without its own r is placed by counting; every <c must open with one
_CELL_WITHOUT_REF = re.compile(rb'<c(?=[ \t\r\n/>])(?! r=")')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
# python-calamine reserves room for the first uniqueCount it sees; check every one
_ANY_UNIQUE_COUNT = re.compile(rb"""uniqueCount[ \t\r\n]*=[ \t\r\n]*["'][ \t\r\n]*0*([0-9]{1,40})""")


def grids_safe(parts: Mapping[str, bytes]) -> bool:
    """Every XML part of a quickly checked .xlsx/.xlsm within what python-calamine's grids
    can take (:func:`grid_safe`); False when in doubt."""
    try:
        return all(grid_safe(body) for body in parts.values())
    except Exception:  # noqa: BLE001 - the full check decides
        return False


def grid_safe(body: bytes) -> bool:
    """What python-calamine needs besides, in a part inflated to exactly its declared size:
    shared strings and cell references within the limits, every cell placed by its
    reference."""
    if b"q" in body and b"uniqueCount" in body:
        for m in _ANY_UNIQUE_COUNT.finditer(body):
            if not count_fits(int(m.group(1)), len(body)):
                return False
    # a sheet reaching far, or placing cells by counting, is measured in full
    return not (
        b"sheetData" in body
        and (_FAR_REF.search(body) or _CELL_WITHOUT_REF.search(body) or _PREFIXED_CELL.search(body))
    )


# quoted values may hold ">" or text such as r="A1": tags and attributes are read past them
_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(rb"""(?:^|(?<=[\s"']))([^\s="'/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _r_value(attrs: bytes) -> bytes | None:
    """The value of a tag's r attribute (the last one, as python-calamine takes it)."""
    found = None
    for m in _ATTRIBUTE.finditer(attrs):
        if m.group(1) == b"r":
            found = m
    if found is None:
        return None
    return found.group(2) if found.group(2) is not None else found.group(3)


_REF = re.compile(rb"([A-Za-z]{1,7})([0-9]{1,12})$")


def check_extent(p: Path, info: zipfile.ZipInfo, xml: bytes) -> None:
    """Refuse a sheet whose filled cells span more than :data:`MAX_GRID_CELLS`: spreadsheet
    parsers build a dense grid from the first to the last filled cell, so one value in
    XFD1048576 asks for 17 billion cells (python-calamine aborts the whole process)."""
    if b"sheetData" not in xml:
        return  # not a worksheet
    cells, far = _extent(xml)
    if cells > MAX_GRID_CELLS:
        raise _too_large(p, info, far, cells)


def _extent(xml: bytes) -> tuple[int, str]:
    """(cells spanned by the filled cells of a worksheet's XML, the farthest of them)."""
    row = col = 0
    top = left = None
    bottom = right = 0
    far = ""
    for m in _TAG.finditer(xml):
        attrs = m.group(2)
        r = _r_value(attrs)
        if m.group(1) == b"row":
            row = int(r) if r is not None and r.isdigit() else row + 1
            col = 0
            continue
        if r is not None:
            ref = _REF.match(r.strip())
            if not ref:
                continue
            name = ref.group(0).decode("ascii").upper()
            row, col = cell_index(name)
            row, col = row + 1, col + 1
        else:
            col += 1
        if attrs.rstrip().endswith(b"/"):
            continue  # an empty cell (formatting only) is not part of the grid
        top = row if top is None else min(top, row)
        left = col if left is None else min(left, col)
        if row >= bottom or col >= right:
            far = name if r is not None else f"第 {row} 行第 {col} 列"
        bottom, right = max(bottom, row), max(right, col)
    if top is None or left is None:
        return 0, ""
    return (bottom - top + 1) * (right - left + 1), far


def _too_large(p: Path, info: zipfile.ZipInfo, far: str, cells: int) -> ReadError:
    return ReadError(
        p,
        f"工作簿内部的“{short(info.filename)}”中填有内容的单元格范围过大（远至 {short(far)}，约 {cells:,} 格），"
        "读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存，或" + ASK_AGAIN[1:],
    )


_ODS_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ROWS = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d{1,12})["']""")
_COLS = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d{1,12})["']""")


def check_ods_extent(p: Path, xml: bytes) -> None:
    """The same limit for OpenDocument: a row or cell repeated a million times is one
    short element, but a parser expands it if it holds a value (LibreOffice itself repeats
    only empty rows and cells)."""
    sheet = ""
    top = 0  # rows before the current one
    repeat = 1
    width = right = bottom = 0
    col = 0
    for m in _ODS_TAG.finditer(xml):
        closing, tag, attrs = m.groups()
        if tag == b"table":
            if not closing:
                name = re.search(rb"""table:name\s*=\s*["']([^"']*)["']""", attrs)
                sheet = name.group(1).decode("utf-8", "replace") if name else ""
                top = width = right = bottom = col = 0
            continue
        if tag == b"table-row":
            if closing:
                if width:
                    bottom = top + repeat
                    right = max(right, width)
                    if bottom * right > MAX_GRID_CELLS:
                        where = f"工作表「{short(sheet)}」" if sheet else "工作簿"
                        raise ReadError(
                            p,
                            f"{where}中填有内容的单元格范围过大（约 {bottom:,} 行 × {right:,} 列，"
                            "含大量重复的非空单元格），"
                            "读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存，或"
                            + ASK_AGAIN[1:],
                        )
                top += repeat
            else:
                r = _ROWS.search(attrs)
                repeat = int(r.group(1)) if r else 1
                col = width = 0
                if attrs.rstrip().endswith(b"/"):
                    top += repeat
            continue
        if closing:
            continue
        c = _COLS.search(attrs)
        n = int(c.group(1)) if c else 1
        col += n
        if not attrs.rstrip().endswith(b"/") or b"value-type" in attrs:
            width = col


# the first uniqueCount of the tag, past quoted values (which may hold ">"), leading zeros
# skipped (python-calamine reads "000…04294967295" as 4294967295)
_SST = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?sst(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*?\suniqueCount\s*=\s*["']\s*0*(\d{1,40})"""
)


def count_fits(count: int, size: int) -> bool:
    """Whether a part of ``size`` bytes can hold ``count`` shared strings: each takes at
    least 5 bytes (``<si/>``)."""
    return count <= size // 5 + 1


def check_shared_strings(p: Path, info: zipfile.ZipInfo, root: bytes) -> None:
    """A shared strings table declares how many strings it holds, and parsers reserve room
    for that many up front: ``uniqueCount="4294967295"`` in a 1 KB part makes
    python-calamine abort the process. Each string takes at least 5 bytes (``<si/>``), so
    a count the part cannot hold is a lie."""
    m = _SST.match(root)
    if m and not count_fits(int(m.group(1)), info.file_size):
        raise ReadError(
            p,
            f"工作簿内部的“{short(info.filename)}”声明的字符串数量（{int(m.group(1)):,}）远超其实际内容，文件已损坏或被篡改，"
            "为安全起见拒绝读取；" + ASK_AGAIN,
        )


__all__ = ["check_extent", "check_ods_extent", "check_shared_strings", "count_fits", "grid_safe", "grids_safe"]
