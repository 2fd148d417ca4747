"""The roster: the agencies expected to report, from a CSV (UTF-8 or GB18030) or xlsx file
with a 单位名称 column and optionally 统一社会信用代码 and 行政区划代码."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.forms import NAME_LABEL, REGION_LABEL, USCC_LABEL
from ..io.files import NotRegular, read_regular, regular_problem
from ..io.oserror import os_error_text
from ..io.readers import ReadError
from .names import fold

NAME_HEADERS = (
    NAME_LABEL, "单位", "单位全称", "机关名称", "部门名称", "部门", "报送单位", "填报单位", "名称", "name", "agency",
)
USCC_HEADERS = (USCC_LABEL, "社会信用代码", "信用代码", "统一代码", "代码", "uscc")
REGION_HEADERS = (REGION_LABEL, "区划代码", "region_code")
NAME_HINT, USCC_HINT, REGION_HINT = NAME_LABEL, "信用代码", "区划"


class RosterError(Exception):
    """A roster that cannot be read. ``str(error)`` is the Chinese message."""


@dataclass(frozen=True)
class Member:
    name: str
    uscc: str = ""
    region_code: str = ""
    line: int = 0  # row in the roster file


def _norm_header(h: Any) -> str:
    return fold(str(h or "")).lower().strip("*＊:：")


def _find_column(headers: list[str], wanted: tuple[str, ...], hint: str = "") -> int | None:
    """The column whose header is one of ``wanted`` (in order of preference), else the first
    whose header contains ``hint`` (e.g. "单位名称（全称）")."""
    for w in (_norm_header(w) for w in wanted):
        if w in headers:
            return headers.index(w)
    if hint:
        for i, h in enumerate(headers):
            if hint in h:
                return i
    return None


def _members(rows: Iterator[list[Any]], path: Path) -> list[Member]:
    header_at = None
    seen: list[str] = []  # the first row's headers, to say what was found
    for n, row in enumerate(rows, 1):
        headers = [_norm_header(c) for c in row]
        if not seen:
            seen = [str(c).strip() for c in row if c is not None and str(c).strip()]
        name_col = _find_column(headers, NAME_HEADERS, NAME_HINT)
        if name_col is not None:
            header_at = n
            uscc_col = _find_column(headers, USCC_HEADERS, USCC_HINT)
            region_col = _find_column(headers, REGION_HEADERS, REGION_HINT)
            break
        if n >= 10:
            break
    if header_at is None:
        found = "、".join(f"「{c}」" for c in seen[:12]) if seen else "（空白）"
        raise RosterError(
            f"单位名单 {path.name} 的前 10 行中没有找到「{NAME_LABEL}」列（也可写作：{'、'.join(NAME_HEADERS[1:8])}）；"
            f"找到的列为：{found}"
        )
    out: list[Member] = []

    def cell(row: list[Any], col: int | None) -> str:
        if col is None or col >= len(row) or row[col] is None:
            return ""
        v = row[col]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    for n, row in enumerate(rows, header_at + 1):
        name = cell(row, name_col)
        uscc = cell(row, uscc_col).upper()
        if name or uscc:
            out.append(Member(name, uscc, cell(row, region_col), n))
    return out


MAX_ROSTER_BYTES = 16 * 1024 * 1024


def read_roster(path: str | os.PathLike[str]) -> list[Member]:
    """The agencies expected to report, from a CSV (UTF-8 or GB18030) or xlsx file."""
    p = Path(path)
    too_large = f"单位名单 {p.name} 过大（超过 {MAX_ROSTER_BYTES // 1024 // 1024} MB），请只保留单位名单"
    try:
        if p.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterError(too_large)
        problem = regular_problem(p)
        if problem:  # a FIFO, a device: never opened
            raise RosterError(f"单位名单 {p.name}：{problem}")
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            import openpyxl

            from ..io.container.safety import check_container

            try:
                check_container(p)
            except ReadError as e:
                raise RosterError(f"单位名单 {e}") from None

            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            try:
                rows = (list(r) for r in wb.worksheets[0].iter_rows(values_only=True))
                return _members(rows, p)
            finally:
                wb.close()
        raw = read_regular(p, MAX_ROSTER_BYTES, too_large)
    except NotRegular as e:
        raise RosterError(e.problem if e.problem == too_large else f"单位名单 {p.name}：{e.problem}") from None
    except RosterError:
        raise
    except OSError as e:
        raise RosterError(f"单位名单 {p.name} 无法打开：{os_error_text(e)}") from None
    except Exception as e:  # noqa: BLE001 - whatever openpyxl raises on a damaged workbook
        raise RosterError(f"单位名单 {p.name} 无法读取：{type(e).__name__}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(f"单位名单 {p.name} 不是 UTF-8 或 GBK 编码的 CSV 文件")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    # newline="": lines end in \n, \r\n or \r alone (old Mac files), as csv expects them
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _members(reader, p)
    except csv.Error as e:  # a field over csv.field_size_limit(), a stray quote, a NUL
        raise RosterError(f"单位名单 {p.name} 第 {reader.line_num} 行无法读取：{_csv_problem(e)}") from None


def _csv_problem(e: csv.Error) -> str:
    text = str(e)
    if "field larger than field limit" in text:
        return f"某一格超过 {csv.field_size_limit()} 个字符，不像单位名单；请检查文件是否正确"
    if "new-line character" in text:
        return "换行符混乱；请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再试"
    if "NUL" in text:
        return "含有空字符（NUL），可能不是文本文件；请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再试"
    return f"CSV 格式错误（{text}）；请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再试"


__all__ = ["MAX_ROSTER_BYTES", "Member", "RosterError", "read_roster"]
