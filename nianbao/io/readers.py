"""Reading a report from a file, whatever its format.

A reader turns one file into a :class:`Loaded`: the report document, where each of its cells
sits in the file (for workbooks), and what the reader itself noticed. A file that cannot be
read raises :class:`ReadError`, whose message (in Chinese) names the file and, where there is
one, the sheet and cell.

The registry itself (:data:`READERS`, :func:`reader`, :class:`Loaded`, :class:`ReadError`)
lives in :mod:`nianbao.io.registry`, below every reader: a reader module imports it from
there and is imported here, so that no import runs in a circle.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from . import safety
from . import workbook as _workbook  # noqa: F401 - the workbook readers (.xlsx, .xlsm, .xls, .ods, .et) register themselves
from .panics import is_panic
from .registry import READERS, RESAVE_OR_ASK, SAVE_AS, UNCONTAINED, Loaded, Reader, ReadError, reader

MAX_JSON_BYTES = 16 * 1024 * 1024


@reader(".json")
def read_json(path: Path, container: Any = None) -> Loaded:
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ReadError(path, f"文件过大（{size} 字节），一份报告的 JSON 不应超过 {MAX_JSON_BYTES} 字节")
        raw = path.read_bytes()
    except OSError as e:
        raise ReadError(path, f"无法打开文件：{e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(path, f"不是 UTF-8 编码的文本（第 {e.start} 字节）") from None
    if not text.strip():
        raise ReadError(path, "文件为空")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReadError(path, f"JSON 格式错误：第 {e.lineno} 行第 {e.colno} 列，{_json_problem(e.msg)}") from None
    except RecursionError:
        raise ReadError(path, "JSON 嵌套层次过深") from None
    if not isinstance(document, dict):
        raise ReadError(path, "JSON 顶层应为一个对象（一份报告）")
    return Loaded(document)


_JSON_PROBLEMS = {
    "Expecting value": "缺少值",
    "Expecting property name enclosed in double quotes": "属性名应使用双引号",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Extra data": "多余的内容",
    "Unterminated string starting at": "字符串没有结束",
    "Invalid control character at": "含有控制字符",
}


def _json_problem(msg: str) -> str:
    return _JSON_PROBLEMS.get(msg, msg)


def read(path: str | os.PathLike[str]) -> Loaded:
    """Read one report file with the reader its suffix calls for."""
    p = Path(path)
    fn = READERS.get(p.suffix.lower())
    if fn is None:
        known = "、".join(sorted(READERS))
        todo = "；" + SAVE_AS if p.suffix.lower() in SPREADSHEET_SUFFIXES else ""
        raise ReadError(p, f"不支持的文件类型「{p.suffix or '无扩展名'}」，可读取：{known}{todo}")
    try:
        is_folder = stat.S_ISDIR(os.stat(p).st_mode)
    except (OSError, ValueError):
        raise ReadError(p, "文件不存在") from None
    if is_folder:
        raise ReadError(p, "这是一个文件夹，不是文件")
    # every container (xlsx, xls, ods, ...) is sniffed and bounded before any parser sees it
    container = safety.open_container(p) if p.suffix.lower() not in UNCONTAINED else None
    try:
        return fn(p, container)
    except ReadError:
        raise
    except Exception as e:  # a parser's own failure on a damaged file: a message, never a traceback
        raise _unexpected(p, e) from e
    except BaseException as e:  # pyo3's PanicException (a Rust parser gave up) is no Exception
        if not is_panic(e):
            raise
        raise _unexpected(p, e) from e


def _unexpected(p: Path, e: BaseException) -> ReadError:
    """A failure no reader foresaw. ``scripts/fuzz_reader.py`` reports these (its
    ``__cause__`` is the original) so that each becomes a clear message of its own."""
    return ReadError(p, f"文件无法解析（{type(e).__name__}），可能已损坏；{RESAVE_OR_ASK}")


# spreadsheets some reader may not take: the message then says how to convert them
SPREADSHEET_SUFFIXES = (".xls", ".et", ".ett", ".xlt", ".ods", ".xlsb", ".xlsx", ".xlsm", ".csv", ".numbers", ".wps")


__all__ = [
    "MAX_JSON_BYTES", "READERS", "RESAVE_OR_ASK", "SAVE_AS", "SPREADSHEET_SUFFIXES", "UNCONTAINED",
    "Loaded", "ReadError", "Reader", "read", "reader",
]
