"""Sniffing: what a file really is, from its bytes (never its name).

An empty file, a PDF or a web page saved as ``.xls``, a JSON or CSV text, an image: each is
named here from the first bytes, with a Chinese message saying what to send instead. A zip
or an OLE2 compound file is read whole, once (at most
:data:`~nianbao.io.container.limits.MAX_FILE_BYTES`), and handed to :mod:`nianbao.io.container.zipcheck` or
:mod:`nianbao.io.container.ole`, which look inside.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from ..memory import Memory
from ..oserror import os_error_text
from ..registry import SAVE_AS, ReadError
from .limits import (
    ASK_AGAIN,
    MAX_FILE_BYTES,
    OLE2_MAGIC,
    SEND_TEMPLATE,
    ZIP_MAGICS,
    Kind,
    Opened,
    mb,
    not_workbook,
)
from .ole import ole_kind
from .zipcheck import zip_kind


def sniff_container(p: Path, quick: bool, memory: Memory) -> Opened:
    """What the file is, and for a zip or a compound file everything the checks of its
    format find (:func:`nianbao.io.container.zipcheck.zip_kind`, :func:`nianbao.io.container.ole.ole_kind`)."""
    try:
        size = os.stat(p).st_size  # before opening: a pipe or device is never opened (0 bytes)
        if size == 0:
            return Opened(not_workbook("文件为空（0 字节），可能保存或拷贝时出错；" + ASK_AGAIN))
        if size > MAX_FILE_BYTES:
            return Opened(
                not_workbook(
                    f"文件过大（{mb(size)}），超过上限 {mb(MAX_FILE_BYTES)}；"
                    "一份年报工作簿通常只有几十 KB，请删除图片等无关内容后另存"
                )
            )
        with open(p, "rb", buffering=0) as f:  # unbuffered: one system call per read
            # a zip or a compound file is read whole, once (at most MAX_FILE_BYTES): every
            # check below works on these bytes instead of opening the file again
            # (asking for no more than the size: read(n) sets n bytes aside before reading)
            head = _read_up_to(f, 4096)
            whole = head.startswith((*ZIP_MAGICS, OLE2_MAGIC))
            data = head + _read_up_to(f, min(size, MAX_FILE_BYTES) + 1 - len(head)) if whole else b""
    except OSError as e:
        raise ReadError(p, f"无法打开文件：{os_error_text(e)}；请确认文件存在、未被其他程序占用且有读取权限") from None
    if head.startswith(ZIP_MAGICS):
        found = zip_kind(p, data, quick, memory)
        return Opened(found.kind, found.parts, hashlib.sha256(data).hexdigest())
    if head.startswith(OLE2_MAGIC):
        return Opened(ole_kind(p, data), sha256=hashlib.sha256(data).hexdigest())
    return Opened(_other_kind(head))


def _read_up_to(f: io.FileIO, limit: int) -> bytes:
    """Up to ``limit`` bytes from an unbuffered file, which may return fewer per read."""
    chunks = []
    left = limit
    while left > 0:
        chunk = f.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
    (b"\x09\x08", "Excel 2.x–5.0 的 BIFF 文件"),
)


def _other_kind(head: bytes) -> Kind:
    for magic, what in _MAGICS:
        if head.startswith(magic):
            return not_workbook(f"这是 {what}，不是 Excel 工作簿；{SEND_TEMPLATE}")
    text = _as_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith(("<html", "<!doctype html", "<table", "<meta", "<head", "<body")) or (
            low.startswith("<") and "<html" in low
        ):
            return not_workbook(
                "这是网页（HTML）文件，只是扩展名像 Excel（常见于从网站或系统“导出 Excel”得到的文件）；" + SAVE_AS
            )
        if low.startswith("mime-version") or "content-type: multipart/related" in low:
            return not_workbook("这是单个网页文件（.mht），只是扩展名像 Excel；" + SAVE_AS)
        if low.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return not_workbook("这是 XML 电子表格 2003 格式，本工具不读取；" + SAVE_AS)
        if low.startswith(("{", "[")):
            return not_workbook("这是 JSON 文本，只是扩展名像 Excel；如是报告交换格式，请把扩展名改为 .json")
        return not_workbook("这是纯文本文件（可能是 CSV），不是 Excel 工作簿；" + SAVE_AS)
    return not_workbook(f"无法识别的文件格式，不是 Excel 工作簿（文件可能已损坏）；{SEND_TEMPLATE}")


def _as_text(head: bytes) -> str | None:
    """The start of the file as text if it looks like text (UTF-8, UTF-16 with BOM, GBK)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore")
        except UnicodeDecodeError:  # pragma: no cover - errors="ignore"
            return None
    if b"\x00" in head:
        return None
    sample = head[:-4] if len(head) == 4096 else head  # a cut multi-byte character at the end
    for enc in ("utf-8", "gb18030"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        if controls <= len(text) // 100:
            return text
    return None


__all__ = ["sniff_container"]
