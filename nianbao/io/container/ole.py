"""OLE2 compound files: legacy .xls/.et workbooks (BIFF), and what else wears that shape.

A compound file's directory names its streams: ``Workbook``/``Book`` is a legacy Excel or
WPS workbook, ``EncryptedPackage`` a password-protected .xlsx, ``WordDocument`` a .doc.
The directory is found by scanning (:func:`ole_names`: it cannot loop on a damaged file);
a workbook's stream is then read through olefile and its BIFF records walked, refusing
what makes python-calamine abort the process (an inverted or huge used range).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path

from ..registry import ReadError
from .limits import ASK_AGAIN, MAX_FILE_BYTES, MAX_GRID_CELLS, SEND_TEMPLATE, XLS, Kind, not_workbook


def ole_kind(p: Path, data: bytes) -> Kind:
    """What an OLE2 compound file holds; a legacy workbook's records are checked here."""
    names = ole_names(data)
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        return not_workbook(
            "工作簿设置了打开密码（已加密），本工具无法读取；请在 Excel 或 WPS 中打开，"
            "取消“文件-信息-保护工作簿-用密码进行加密”（WPS：“文件-文档加密”），保存后重新提交"
        )
    if "Workbook" in names or "Book" in names:
        _check_biff(p, data)
        return XLS
    if "WordDocument" in names:
        return not_workbook("这是 Word 文档（.doc），不是 Excel 工作簿；" + SEND_TEMPLATE)
    if "PowerPoint Document" in names:
        return not_workbook("这是 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿；" + SEND_TEMPLATE)
    if not names:
        return not_workbook("文件已损坏：是 Office 复合文档格式，但目录无法读取；" + ASK_AGAIN)
    return not_workbook("这是 Office 复合文档，但其中没有工作簿；" + SEND_TEMPLATE)


# BIFF records that place one cell (row at offset 0, column at 2): NUMBER, RK, LABELSST,
# LABEL, FORMULA, BOOLERR, BLANK, MULRK, MULBLANK, RSTRING
_BIFF_CELLS = frozenset((0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x0201, 0x00BD, 0x00BE, 0x00D6))
_BIFF_DIMENSIONS = 0x0200


def _check_biff(p: Path, data: bytes) -> None:
    """Walk the records of a legacy workbook's stream and refuse what makes
    python-calamine abort the process: a DIMENSIONS record whose first row lies after its
    last (the difference wraps round to a request for terabytes) or a used range larger
    than :data:`MAX_GRID_CELLS`."""
    import olefile

    broken = "文件已损坏：旧版 Excel/WPS 工作簿（.xls/.et）的内部结构无法读取；" + ASK_AGAIN
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            if ole.get_size(name) > MAX_FILE_BYTES:
                raise ReadError(p, broken)
            stream = ole.openstream(name).read(MAX_FILE_BYTES)
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - olefile raises many kinds on a damaged directory or FAT
        raise ReadError(p, broken) from None
    # python-calamine finds each sheet where the globals' BOUNDSHEET records point, so walk
    # the globals, then each sheet from its own offset
    offsets = [
        struct.unpack_from("<I", body)[0] for kind, body in biff_records(stream, 0) if kind == 0x0085 and len(body) >= 4
    ]
    for offset in offsets:
        rows: list[int] = []
        cols: list[int] = []
        for kind, body in biff_records(stream, offset):
            if kind == _BIFF_DIMENSIONS and len(body) >= 10:
                if len(body) >= 14:
                    first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
                else:
                    first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
                if first_row > last_row or first_col > last_col or last_row > 65536 or last_col > 256:
                    raise ReadError(p, "文件已损坏：工作表的已用范围记录自相矛盾；" + ASK_AGAIN)
                if (last_row - first_row) * (last_col - first_col) > MAX_GRID_CELLS:
                    raise ReadError(
                        p,
                        f"工作表的已用范围过大（{last_row - first_row:,} 行 × {last_col - first_col:,} 列）"
                        "，读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存",
                    )
            elif kind in _BIFF_CELLS and len(body) >= 4:
                row, col = struct.unpack_from("<HH", body)
                rows.append(row)
                cols.append(col)
        _biff_extent(p, rows, cols)


def biff_records(data: bytes, pos: int) -> Iterator[tuple[int, bytes]]:
    """(type, body) of the records from ``pos`` up to the next EOF record."""
    n = len(data)
    while 0 <= pos and pos + 4 <= n:
        kind, length = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4 : pos + 4 + length]
        pos += 4 + length
        yield kind, body
        if kind == 0x000A:  # EOF
            return


def _biff_extent(p: Path, rows: list[int], cols: list[int]) -> None:
    if rows and (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1) > MAX_GRID_CELLS:
        raise ReadError(
            p,
            f"工作表中填有内容的单元格范围过大（远至第 {max(rows) + 1:,} 行第 {max(cols) + 1} 列）"
            "，读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存",
        )


def ole_names(data: bytes) -> set[str]:
    """Names of the entries of an OLE2 compound file's directory.

    Directory entries are 128 bytes, aligned on 128 bytes within sectors of 512 or 4096
    bytes after the 512-byte header; an entry holds its UTF-16LE name (64 bytes), the
    name's length in bytes including the terminator, and its type (1 storage, 2 stream,
    5 root). Scanning every aligned slot for that shape finds the directory without
    following the FAT, and cannot loop or run away on a damaged file."""
    names: set[str] = set()
    for off in range(512, len(data) - 127, 128):
        n = struct.unpack_from("<H", data, off + 64)[0]
        kind = data[off + 66]
        if kind not in (1, 2, 5) or not (2 <= n <= 64) or n % 2:
            continue
        raw = data[off : off + n - 2]
        if data[off + n - 2 : off + n] != b"\x00\x00":
            continue
        try:
            name = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        if name.isprintable():
            names.add(name)
    return names


__all__ = ["biff_records", "ole_kind", "ole_names"]
