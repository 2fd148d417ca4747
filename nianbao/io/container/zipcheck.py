"""Zip container checks: what a zip holds, and that it is no bomb, damaged or hostile.

:func:`zip_kind` decides what a zip is (an .xlsx, .xlsm or .ods; or a .docx, .xlsb, EPUB,
a plain archive, with a Chinese message) and checks it: the limits on entries and sizes from
the central directory before anything is inflated (:func:`check_directory`), every sheet
part named .xml, then every entry inflated once, bounded and CRC-checked, its XML through
expat with no DTD (:mod:`nianbao.io.container.xmlparts`) and its grid measured
(:mod:`nianbao.io.container.calamine_guards`).

An .xlsx/.xlsm first gets the quick check (:func:`plainly_safe`), which refuses nothing
itself: each entry is inflated once into memory and its bytes serve every test, and the
XML parts are kept for :mod:`nianbao.io.xlsx.ooxml`; whatever it cannot vouch for goes to the
full check, which refuses with the exact reason or passes the file.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

from ..memory import Memory
from ..registry import SAVE_AS, ReadError
from .calamine_guards import check_extent, check_ods_extent, grids_safe
from .limits import (
    ASK_AGAIN,
    MAX_ENTRIES,
    MAX_ENTRY_BYTES,
    MAX_PROLOG_BYTES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    MAX_XML_ENTRY_BYTES,
    ODS,
    ODS_MIMETYPE,
    OOXML_SHEET_TYPES,
    RATIO_FLOOR,
    SEND_TEMPLATE,
    XLSM,
    XLSX,
    XML_SUFFIXES,
    Kind,
    Opened,
    mb,
    not_workbook,
    short,
)
from .xmlparts import XmlCheck, check_prolog, parsed_xml, plain_xml
from .zipentries import (
    STREAM_BYTES,
    declared_entries,
    entry_key,
    inflate_bounded,
    inflated,
    read_small,
    seen_key,
)


def zip_kind(p: Path, data: bytes, quick: bool, memory: Memory) -> Opened:
    """What a zip holds, checked: the limits, the kind, and for a workbook every part
    (quickly for a plain .xlsx/.xlsm, whose XML parts are then kept; else in full)."""
    entries = declared_entries(data)
    if entries is not None and entries > MAX_ENTRIES:
        raise ReadError(
            p,
            f"压缩包内文件过多（{entries} 个，上限 {MAX_ENTRIES}），不像正常的工作簿，为安全起见拒绝读取；" + ASK_AGAIN,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _zip_checks(p, data, zf, quick, memory)
    except ReadError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        struct.error,
        ValueError,
        OSError,
        NotImplementedError,
        KeyError,
        zlib.error,
        UnicodeDecodeError,
    ):
        return Opened(not_workbook("文件已损坏或不完整（压缩结构无法读取，常见于下载或拷贝中断）；" + ASK_AGAIN))


def _zip_checks(p: Path, data: bytes, zf: zipfile.ZipFile, quick: bool, memory: Memory) -> Opened:
    infos = zf.infolist()
    check_directory(p, infos)
    names = {i.filename for i in infos}
    known = _Known(data, {}, memory)  # entries inflated on the way, kept for the quick check
    kind = zip_what(zf, names, known)
    if not kind.workbook:
        return Opened(kind)
    if kind in (XLSX, XLSM):
        _check_sheet_parts(p, zf, names, known)
    if quick and kind in (XLSX, XLSM):
        parts = plainly_safe(data, infos, known.bodies, memory)
        if parts is not None:
            if len(names) == len(infos):
                return Opened(kind, parts)
            # two entries of one name: which one a parser takes is its own affair,
            # so no parts are kept, and python-calamine reads the file
            if grids_safe(parts):
                return Opened(kind)
    # the full check: it refuses what the quick one doubted, with the exact reason
    raw = io.BytesIO(data)
    for info in infos:
        inflate_bounded(p, raw, info, XmlCheck(p, info) if parsed_xml(info) else None)
    for info in infos:
        if info.filename.lower().endswith(XML_SUFFIXES):
            whole = kind in (XLSX, XLSM) or (kind == ODS and info.filename == "content.xml")
            body = read_small(zf, info, MAX_XML_ENTRY_BYTES + 1 if whole else MAX_PROLOG_BYTES)  # read once
            check_prolog(p, info, body[:MAX_PROLOG_BYTES])
            if kind in (XLSX, XLSM):
                check_extent(p, info, body)
            elif whole:
                check_ods_extent(p, body)
    return Opened(kind)


_PARSED_RELS = re.compile(rb'Type="[^"]*/(?:worksheet|chartsheet|dialogsheet|macrosheet|sharedStrings|styles)"')
_TARGET = re.compile(rb'Target="([^"]*)"')


def _check_sheet_parts(p: Path, zf: zipfile.ZipFile, names: set[str], known: _Known) -> None:
    """Every part python-calamine parses must be an .xml part: the checks above look at XML
    parts by name, and a sheet stored as, say, ``sheet1.dat`` would slip past them (Excel,
    WPS and LibreOffice never write such a name)."""
    rels = _actual(names, "xl/_rels/workbook.xml.rels")
    if rels not in names:
        return
    shown = known.memory.derived("non_xml_sheet_part", _non_xml_sheet_part, known.read(zf, rels, MAX_PROLOG_BYTES * 16))
    if shown is not None:
        raise ReadError(
            p,
            f"工作簿结构异常：工作表部件“{short(shown)}”不是 XML 文件，"
            "不像 Excel 或 WPS 保存的工作簿，为安全起见拒绝读取；"
            + ASK_AGAIN,
        )


def _non_xml_sheet_part(rels_xml: bytes) -> str | None:
    """The first part python-calamine would parse that is not named .xml (remembered:
    workbooks from one template share their relationships byte for byte)."""
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels_xml):
        target = _TARGET.search(tag)
        if _PARSED_RELS.search(tag) and target and not target.group(1).lower().endswith(b".xml"):
            return target.group(1).decode("utf-8", "replace")
    return None


def check_directory(p: Path, infos: list[zipfile.ZipInfo]) -> None:
    """The limits, from the central directory alone: nothing inflated yet."""
    if len(infos) > MAX_ENTRIES:
        raise ReadError(
            p,
            f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_ENTRIES}），不像正常的工作簿，为安全起见拒绝读取；"
            + ASK_AGAIN,
        )
    total = 0
    for i in infos:
        limit = MAX_XML_ENTRY_BYTES if i.filename.lower().endswith(XML_SUFFIXES) else MAX_ENTRY_BYTES
        if i.file_size > limit:
            raise ReadError(
                p,
                f"工作簿内部的“{short(i.filename)}”解压后达 {mb(i.file_size)}，"
                f"超过上限 {mb(limit)}（疑似“压缩炸弹”），为安全起见拒绝读取；"
                + ASK_AGAIN,
            )
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise ReadError(
                p,
                f"工作簿内部的“{short(i.filename)}”压缩比异常（{ratio}:1，疑似“压缩炸弹”），为安全起见拒绝读取；"
                + ASK_AGAIN,
            )
        total += i.file_size
        if total > MAX_TOTAL_BYTES:
            raise ReadError(
                p,
                f"工作簿解压后总大小超过上限 {mb(MAX_TOTAL_BYTES)}（疑似“压缩炸弹”），为安全起见拒绝读取；" + ASK_AGAIN,
            )
        if i.flag_bits & 0x1:
            raise ReadError(p, "压缩包内容设置了密码（已加密），本工具无法读取；请提交未加密的工作簿")


def zip_what(zf: zipfile.ZipFile, names: set[str], known: _Known | None = None) -> Kind:
    """What a zip holds, from its names, ``mimetype`` and ``[Content_Types].xml``."""
    lower = {n.lower() for n in names}
    if "mimetype" in names:
        mime = read_small(zf, "mimetype", 256).strip()
        if mime == ODS_MIMETYPE:
            return ODS
        if mime.startswith(b"application/vnd.oasis.opendocument.text"):
            return not_workbook("这是 OpenDocument 文字文档（.odt），不是电子表格；" + SEND_TEMPLATE)
        if mime.startswith(b"application/vnd.oasis.opendocument"):
            return not_workbook("这是 OpenDocument 文档，但不是电子表格；" + SEND_TEMPLATE)
        if mime == b"application/epub+zip":
            return not_workbook("这是电子书（EPUB），不是 Excel 工作簿；" + SEND_TEMPLATE)
    if "[content_types].xml" in lower:
        name = _actual(names, "[Content_Types].xml")
        raw = known.read(zf, name, 1024 * 1024) if known else read_small(zf, name, 1024 * 1024)
        types = raw.decode("utf-8", "replace")
        if "xl/workbook.bin" in lower or "sheet.binary.macroEnabled.main" in types:
            return not_workbook("这是 Excel 二进制工作簿（.xlsb），本工具不读取；" + SAVE_AS)
        if "ms-excel.sheet.macroEnabled.main" in types or "ms-excel.template.macroEnabled.main" in types:
            return XLSM
        if any(t in types for t in OOXML_SHEET_TYPES) or "xl/workbook.xml" in lower:
            return XLSX
        if "word/document.xml" in lower or "wordprocessingml" in types:
            return not_workbook("这是 Word 文档（.docx），只是扩展名像 Excel，不是工作簿；" + SEND_TEMPLATE)
        if "ppt/presentation.xml" in lower or "presentationml" in types:
            return not_workbook("这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿；" + SEND_TEMPLATE)
        return not_workbook("这是 Office 文档，但其中没有工作簿；" + SEND_TEMPLATE)
    if "xl/workbook.xml" in lower:
        return not_workbook("工作簿缺少 [Content_Types].xml，文件已损坏；" + ASK_AGAIN)
    listed = "、".join(sorted(names)[:3]) + ("等" if len(names) > 3 else "")
    contents = f"（内含：{short(listed)}）" if names else "（空压缩包）"
    return not_workbook(
        f"这是普通的 zip 压缩包{contents}，不是 Excel 工作簿；如报告在压缩包内，请先解压，再提交其中的 .xlsx 文件"
    )


def _actual(names: set[str], wanted: str) -> str:
    for n in names:
        if n.lower() == wanted.lower():
            return n
    return wanted


class _Known:
    """One file's entries inflated through the quick inflater (kept in ``bodies`` for the
    quick check), read by name."""

    def __init__(self, data: bytes, bodies: dict[tuple[int, int, int, int, int], bytes], memory: Memory) -> None:
        self.data, self.bodies, self.memory = data, bodies, memory

    def read(self, zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
        """:func:`~nianbao.io.container.zipentries.read_small`, through the quick inflater when the
        entry is intact."""
        try:
            info = zf.getinfo(name)
            body = inflated(self.data, info, seen_key(info), self.memory) if info.file_size <= limit else None
        except Exception:  # noqa: BLE001 - zipfile decides below, with its own errors
            body = None
        if body is not None:
            self.bodies[entry_key(info)] = body
            return body
        return read_small(zf, name, limit)


# --- the quick check ---------------------------------------------------------------------------
# A workbook as Excel, WPS or the template writer saves it passes a cheaper check, which
# refuses nothing itself: each entry is inflated once (bounded, CRC checked) and its bytes
# serve every test; whatever it cannot vouch for goes to the full check above, which then
# refuses the file with the exact reason, or passes it. What the quick check leaves to
# python-calamine is well-formedness inside .xlsx/.xlsm parts (it raises XmlError on a
# part cut short or a tag left open, and never expands entities); everything calamine
# would abort or loop on is still checked, over the raw bytes, so that markup cannot hide
# it (a second attribute, a ">" inside a quoted value, a DTD after the root element).


def plainly_safe(
    data: bytes, infos: list[zipfile.ZipInfo], bodies: dict[tuple[int, int, int, int, int], bytes], memory: Memory
) -> dict[str, bytes] | None:
    """The XML parts (name -> inflated bytes) when an .xlsx/.xlsm passes every check of the
    container itself that the full one makes; None when in doubt (the full check then
    decides). What python-calamine needs besides is :func:`grids_safe`."""
    parts: dict[str, bytes] = {}
    try:
        for info in infos:
            if info.file_size == 0 and info.compress_size == 0:
                continue
            xml = info.filename.lower().endswith(XML_SUFFIXES)
            if not xml and info.file_size > STREAM_BYTES:
                inflate_bounded(Path(info.filename), io.BytesIO(data), info)
                continue
            key = seen_key(info)
            body = bodies.get(entry_key(info)) or inflated(data, info, key, memory)
            if body is None:
                return None
            if xml:
                if body and not _plain_part(body, info, key, memory):
                    return None
                parts[info.filename] = body
        return parts
    except Exception:  # noqa: BLE001 - anything unexpected: the full check decides
        return None


def _plain_part(body: bytes, info: zipfile.ZipInfo, key: tuple[str, int, int, int] | None, memory: Memory) -> bool:
    """:func:`plain_xml`, asked once of a part seen before (``key``: its :func:`seen_key`)."""
    seen = memory.parts.get(key) if key else None
    if seen is None or seen.body is not body:
        return plain_xml(body, info, parsed_xml(info))
    if seen.plain is None:
        seen.plain = plain_xml(body, info, parsed_xml(info))
    return seen.plain


__all__ = ["check_directory", "plainly_safe", "zip_kind", "zip_what"]
