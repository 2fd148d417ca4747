"""The python-calamine path: any workbook python-calamine opens, as a :class:`SheetSource`.

Every format but the plain .xlsx/.xlsm the fast path (:mod:`nianbao.io.xlsx.ooxml`) vouches for
is read here: .xls, .et, .ods, and whatever the fast path declines. The container check's
second half (:func:`nianbao.io.container.safety.ready_for_calamine`) has run before a file gets here.
python-calamine shows a formula error and a formula without its result as an empty cell;
for .xlsx/.xlsm, :meth:`CalamineSource.hidden` looks such cells up in the sheet XML.
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import python_calamine as calamine

from ..container.safety import check_container_fully
from ..oserror import os_error_text
from ..registry import RESAVE_OR_ASK, ReadError
from .ooxml import ANY_FORMULA, ANY_VALUE, WORKBOOK, WORKBOOK_RELS, attributes, sheet_parts
from .sheets import GridSource, Hidden, hidden_value


def explain(path: Path) -> None:
    """python-calamine failed on a file that passed the container check. The quick check
    of an .xlsx/.xlsm leaves markup broken inside a part to the parser; the full check
    names such a part, with line and column (it raises :class:`ReadError` when it finds
    one, and returns otherwise)."""
    check_container_fully(path)


class CalamineSource(GridSource):
    """A workbook opened by python-calamine (close it when done: :meth:`close`)."""

    def __init__(self, path: Path):
        super().__init__(path, _open(path))

    def failed(self) -> None:
        explain(self.path)

    def hidden(self, wanted: Mapping[str, set[str]]) -> Hidden:
        return _empty_cells(self.path, wanted)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already closed
            self.workbook.close()


def _open(path: Path) -> Any:
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            return calamine.CalamineWorkbook.from_path(os.fspath(path))
        with open(path, "rb") as f:  # .et and others: calamine sniffs the content
            return calamine.CalamineWorkbook.from_filelike(f)
    except calamine.PasswordError:
        raise ReadError(path, "工作簿设有打开密码，请取消密码后再读取") from None
    except OSError as e:
        raise ReadError(path, f"无法打开文件：{os_error_text(e)}") from None
    except Exception as e:  # noqa: BLE001 - calamine's own errors: not a workbook, damaged
        explain(path)
        raise ReadError(path, f"文件已损坏或不是 Excel 工作簿（{type(e).__name__}）；{RESAVE_OR_ASK}") from None


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)


def _empty_cells(path: Path, wanted: Mapping[str, set[str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """What the cells python-calamine read as empty really hold, when it is not nothing:
    (sheet, address) -> (ERROR, "#REF!") or (UNCACHED, formula). Looked up in the .xlsx parts
    only when some input cell read as empty: an error must not pass for a blank."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    out: dict[tuple[str, str], tuple[str, str]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            for name, part in sheet_parts(z.read(WORKBOOK), z.read(WORKBOOK_RELS)):
                if name not in wanted or not part:
                    continue
                addresses = wanted[name]
                for attrs, body in _CELL.findall(z.read(part)):
                    cell = attributes(attrs)
                    ref = cell.get("r")
                    if ref not in addresses or not body:
                        continue
                    value = ANY_VALUE.search(body)
                    formula = ANY_FORMULA.search(body)
                    what = hidden_value(
                        cell.get("t", "n").encode(),
                        (formula.group(1) or b"") if formula else None,
                        value.group(1) if value else None,
                    )
                    if what is not None:
                        out[(name, ref)] = what
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, zlib.error):
        return {}  # the container check refuses such a zip; should one get here, nothing is found
    return out


__all__ = ["CalamineSource", "explain"]
