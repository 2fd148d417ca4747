"""Reading a report from a file, whatever its format.

A reader turns one file into a :class:`Loaded`: the report document, where each of its cells
sits in the file (for workbooks), and what the reader itself noticed. A file that cannot be
read raises :class:`ReadError`, whose message (in Chinese) names the file and, where there is
one, the sheet and cell.

:data:`READERS` is the one table of readers, suffix → reader, written here as data: each
reader is named by where it lives and imported when a file of its kind is first read, so
importing this module loads no reader and the table is whole from the start.
:class:`Loaded` and :class:`ReadError` live in :mod:`nianbao.io.registry`, below every reader.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from ..core.sanitize import brief, without_surrogates
from .container import safety
from .container.panics import is_panic
from .files import LINK_LOOP, NotRegular, lock_file_problem, not_regular, read_regular
from .oserror import os_error_text
from .published.formats import SUFFIXES as PUBLISHED_SUFFIXES
from .registry import RESAVE_OR_ASK, SAVE_AS, LazyTable, Loaded, Reader, ReadError
from .xlsx import SUFFIXES as WORKBOOK_SUFFIXES

MAX_JSON_BYTES = 16 * 1024 * 1024

# Every format read, by suffix: the one table (see the module's docstring).
READERS: LazyTable[Reader] = LazyTable({
    ".json": "nianbao.io.readers:read_json",
    **dict.fromkeys(WORKBOOK_SUFFIXES, "nianbao.io.xlsx.workbook:read_checked"),
    **dict.fromkeys(PUBLISHED_SUFFIXES, "nianbao.io.published:read_publication"),
})
# readers that bound their input themselves, so no container check runs first: JSON, and the
# published reports (each format bounds its own: size cap, a .docx's zip, a PDF's pages)
UNCONTAINED = frozenset({".json", *PUBLISHED_SUFFIXES})


def read_json(path: Path, container: Any = None) -> Loaded:
    try:
        raw = read_regular(path, MAX_JSON_BYTES, "文件过大（{size} 字节），一份报告的 JSON 不应超过 {limit} 字节")
    except NotRegular as e:
        raise ReadError(path, e.problem) from None
    except OSError as e:
        raise ReadError(path, f"无法打开文件：{os_error_text(e)}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(path, f"不是 UTF-8 编码的文本（第 {e.start} 字节）") from None
    if not text.strip():
        raise ReadError(path, "文件为空")
    duplicates: list[tuple[int, str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen: set[str] = set()
            key = next(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
            duplicates.append((id(out), key))
        return out

    try:
        document = json.loads(text, object_pairs_hook=pairs, parse_constant=_constant, parse_float=_float)
    except _Refused as e:
        raise ReadError(path, str(e)) from None
    except json.JSONDecodeError as e:
        raise ReadError(path, f"JSON 格式错误：第 {e.lineno} 行第 {e.colno} 列，{_json_problem(e.msg)}") from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        limit = sys.get_int_max_str_digits()
        raise ReadError(path, f"含有位数过多的数值（超过 {limit} 位）；请填写正确的数字") from None
    except RecursionError:
        raise ReadError(path, f"JSON 嵌套层次过深（本格式最多 {format_depth()} 层）") from None
    if not isinstance(document, dict):
        raise ReadError(path, "JSON 顶层应为一个对象（一份报告）")
    problem = _shape_problem(document, dict(duplicates))
    if problem:
        raise ReadError(path, problem)
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        document = without_surrogates(document)  # each shown as its escape
    return Loaded(document)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Refused(ValueError):
    """A JSON value the format cannot hold (raised while parsing: the message is Chinese)."""


def _constant(name: str) -> Any:
    raise _Refused(f"含有「{name}」，这不是合法的 JSON 数值；请填写数字")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"数值 {brief(text, 40)} 超出可表示的范围")
    return value


@cache
def format_depth() -> int:
    """How deep the format nests objects: as deep as its deepest cell (report → 表三 →
    办理结果 → 不予公开 → 属于国家秘密, holding the applicant columns)."""
    from ..core.forms import FORMS
    from ..core.model import model

    return max(len(c.path) for f in FORMS for c in model(f).cells)


def _shape_problem(document: dict[str, Any], duplicates: dict[int, str]) -> str | None:
    """A key given twice in one object, or objects and arrays nested deeper than the
    format, found by walking the document (without recursion: the document is untrusted)."""
    if not duplicates and _depth(document) <= format_depth():
        return None  # the common case, found without building a pointer for every object
    return _shape_problem_at(document, duplicates)


def _depth(document: dict[str, Any]) -> int:
    """How deep objects and arrays nest in a document (itself 1)."""
    deepest = 1
    level: list[Any] = [document]
    while level:
        deeper = [v for node in level for v in (node.values() if type(node) is dict else node)
                  if type(v) is dict or type(v) is list]
        if deeper:
            deepest += 1
            if deepest > format_depth():
                return deepest
        level = deeper
    return deepest


def _shape_problem_at(document: dict[str, Any], duplicates: dict[int, str]) -> str | None:
    """:func:`_shape_problem`, saying where."""
    limit = format_depth()
    stack: list[tuple[Any, str, int]] = [(document, "", 1)]
    while stack:
        node, pointer, depth = stack.pop()
        if depth > limit:
            return f"JSON 嵌套层次过深：{brief(pointer, 80)} 处已达第 {depth} 层，本格式最多 {limit} 层"
        items: Iterable[tuple[Any, Any]]
        if isinstance(node, dict):
            if duplicates and id(node) in duplicates:
                key = duplicates[id(node)]
                return f"键「{brief(key, 40)}」在同一对象中出现了两次（{brief(pointer or '/', 80)}）；请删去重复的一项"
            items = node.items()
        else:
            items = enumerate(node)
        for k, v in items:
            if isinstance(v, (dict, list)):
                stack.append((v, f"{pointer}/{k}", depth + 1))
    return None


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
        st = os.stat(p)
    except (OSError, ValueError) as e:
        loop = isinstance(e, OSError) and e.errno == errno.ELOOP
        raise ReadError(p, LINK_LOOP if loop else "文件不存在") from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise ReadError(p, "这是一个文件夹，不是文件")
    if not stat.S_ISREG(mode):  # a FIFO, a device, a socket: never opened, never read
        raise ReadError(p, not_regular(mode))
    if lock := lock_file_problem(p.name, st.st_size):
        raise ReadError(p, lock)
    # every container (xlsx, xls, ods, ...) is sniffed and bounded before any parser sees it
    container = safety.open_container(p) if p.suffix.lower() not in UNCONTAINED else None
    try:
        loaded = fn(p, container)
        if container is not None and container.sha256 and not loaded.sha256:
            loaded = replace(loaded, sha256=container.sha256)
        return loaded
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
    "Loaded", "ReadError", "Reader", "read",
]
