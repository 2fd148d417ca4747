"""Word files (``.docx``) into rows of cells.

The body part (``word/document.xml``) is read straight with lxml — what python-docx itself
parses with — in one pass: paragraphs become rows of one cell, tables rows of cells with
``gridSpan`` (merged across) and ``vMerge`` (merged down) expanded into covered copies. A
table laying out other tables is walked through its own cells only, once per table, so
tables nested fifty deep cost fifty steps. It is a zip, so it is bounded first like every
container: entry count, declared and actual inflated size, compression ratio; no DTD or
entity is ever resolved; at most :data:`MAX_CELLS` cells in all.

Hidden text (``w:vanish``, directly or through a style) is never read: what Word does not
show is no data. Each place that held some is named in a note (a ``SOURCE`` finding).
A password-protected document (an OLE file holding ``EncryptedPackage``), a legacy ``.doc``
renamed, and a body made of an embedded file (``w:altChunk``) are each named as such.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from ..container.ole import ole_names
from ..oserror import os_error_text
from ..registry import ReadError
from .grid import Cell
from .noted import NotedGrid

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY = "word/document.xml"
STYLES = "word/styles.xml"
MAX_ENTRIES = 10_000
MAX_PART = 64 * 1024 * 1024  # inflated bytes of the body part
MAX_STYLES = 8 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, for parts over a megabyte
MAX_CELLS = 200_000  # cells of all tables, covered copies included
PLACE = "正文"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED = "Word 文档设有打开密码（已加密），无法读取；请在 Word 中打开，去掉密码后另存为 .docx 再试"
RENAMED_DOC = "这是旧版 Word 文档（.doc），扩展名却是 .docx；请把扩展名改回 .doc，或在 Word 中另存为 .docx 再试"
NOT_WORD = "不是有效的 Word 文档（.docx 应为 zip 格式），可能已损坏或只是改了扩展名"
ALT_CHUNK = (
    "Word 文档的正文是嵌入的另一份文件（altChunk，常见于网页或其他程序导出的文档），其中的内容无法直接读取；"
    "请在 Word 中打开后另存为 .docx 再试"
)
HIDDEN = "{place} 有隐藏的文字「{text}」（Word 中不显示），未读取"
_TRUE = {None, "1", "true", "on"}


def _parts(p: Path, trusted: bool = False) -> tuple[bytes, bytes | None]:
    """The body part and the styles part (if any), bounded."""
    try:
        zf = zipfile.ZipFile(p)
    except zipfile.BadZipFile:
        raise ReadError(p, _not_a_zip(p)) from None
    except (zlib.error, NotImplementedError, EOFError, UnicodeDecodeError) as e:
        raise ReadError(p, damaged(e)) from None
    except OSError as e:
        raise ReadError(p, f"无法打开文件：{os_error_text(e)}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ReadError(p, f"压缩包内有 {len(infos)} 个条目，不像是一份 Word 文档")
        try:
            info = zf.getinfo(BODY)
        except KeyError:
            raise ReadError(p, "不是 Word 文档：缺少正文部分 word/document.xml") from None
        body = _part(p, zf, info, MAX_PART, trusted)
        styles = None
        if STYLES in zf.NameToInfo:
            styles = _part(p, zf, zf.getinfo(STYLES), MAX_STYLES, trusted)
        return body, styles


def _part(p: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, trusted: bool) -> bytes:
    """A part, bounded; a part LibreOffice wrote from the user's file (``trusted``) is not held
    to the compression ratio, and past the size bound it is named too large, not a bomb."""
    too_large = (
        f"LibreOffice 转换出的 Word 文档正文（{info.filename}）超过 {limit // (1024 * 1024)} MB，"
        "文档过大，不像是一份年度报告；请删去附图等无关内容后另存为 .docx 再试"
        if trusted
        else f"Word 文档的 {info.filename} 解压后过大（疑似压缩炸弹），已拒绝读取"
    )
    size = info.file_size
    if size > limit or (not trusted and size > 1024 * 1024 and size > MAX_RATIO * max(info.compress_size, 1)):
        raise ReadError(p, too_large)
    if info.flag_bits & 0x1:
        raise ReadError(p, ENCRYPTED)
    try:
        with zf.open(info) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, UnicodeDecodeError, OSError) as e:
        raise ReadError(p, damaged(e)) from None
    if len(data) > limit:
        raise ReadError(p, too_large)
    return data


def damaged(e: BaseException) -> str:
    """A damaged zip said in Chinese (the library's own words are English)."""
    if isinstance(e, zlib.error):
        why = "压缩流无法解压"
    elif isinstance(e, NotImplementedError):
        why = "使用了不支持的压缩方式或版本"
    elif isinstance(e, EOFError):
        why = "数据提前结束"
    elif isinstance(e, UnicodeDecodeError):
        why = "条目名称的编码无效"
    elif isinstance(e, OSError):  # (the file was opened: what fails is an offset inside it)
        return "文件的内部结构已损坏（记录的位置超出文件），无法读取；请向发布单位重新索取原文件"
    elif "CRC" in str(e):
        why = "校验和不符"
    elif any(w in str(e) for w in ("magic", "header", "differ")):
        why = "条目头与目录不符"
    else:
        why = "压缩包结构错误"
    return f"文件的压缩数据已损坏（{why}），无法读取；请向发布单位重新索取原文件"


def _not_a_zip(p: Path) -> str:
    """Why a .docx is no zip: an encrypted document or a .doc is an OLE compound file."""
    try:
        with open(p, "rb") as f:
            head = f.read(8)
            if head != OLE_MAGIC:
                return NOT_WORD
            f.seek(0)
            data = f.read(4 * 1024 * 1024)
    except OSError:
        return NOT_WORD
    names = ole_names(data)
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        return ENCRYPTED
    if "WordDocument" in names:
        return RENAMED_DOC
    return NOT_WORD


def _hidden_styles(styles: bytes | None, parser: Any) -> frozenset[str]:
    """Ids of the styles that hide their text (``w:vanish`` in their run properties)."""
    if not styles or b"vanish" not in styles:  # most documents: no style hides anything
        return frozenset()
    from lxml import etree

    try:
        root = etree.fromstring(styles, parser)
    except etree.XMLSyntaxError:
        return frozenset()
    hidden = set()
    for style in root.iterfind(f"{W}style"):
        vanish = style.find(f"{W}rPr/{W}vanish")
        if vanish is not None and vanish.get(f"{W}val") in _TRUE:
            hidden.add(style.get(f"{W}styleId", ""))
    return frozenset(hidden)


class _Text:
    """Visible text of paragraphs and cells; hidden text gathered on the side."""

    def __init__(self, hidden_styles: frozenset[str]):
        self.hidden_styles = hidden_styles
        self.hidden: list[str] = []

    def _hides(self, props: Any, style_tag: str) -> bool | None:
        if props is None:
            return None
        vanish = props.find(f"{W}vanish")
        if vanish is not None:
            return vanish.get(f"{W}val") in _TRUE
        style = props.find(style_tag)
        if style is not None and style.get(f"{W}val") in self.hidden_styles:
            return True
        return None

    def of(self, node: Any) -> str:
        out: list[str] = []
        hidden: list[str] = []
        paragraph_hides = False
        for el in node.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}p"):
            tag = el.tag
            if tag == f"{W}p":
                if out:
                    out.append("\n")
                paragraph_hides = bool(self._hides(el.find(f"{W}pPr"), f"{W}pStyle"))
                continue
            run = el.getparent()
            hides = self._hides(run.find(f"{W}rPr"), f"{W}rStyle") if run is not None else None
            if hides or (hides is None and paragraph_hides):
                if tag == f"{W}t":
                    hidden.append(el.text or "")
                continue
            if tag == f"{W}t":
                out.append(el.text or "")
            else:
                out.append(" ")
        text = "".join(hidden).strip()
        if text:
            self.hidden.append(text)
        return "".join(out).strip()


def docx_grid(p: Path, *, trusted: bool = False) -> NotedGrid:
    """Rows of the document's body; ``trusted``: written by LibreOffice from the user's file."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    body_bytes, styles = _parts(p, trusted)
    try:
        root = etree.fromstring(body_bytes, parser)
    except etree.XMLSyntaxError as e:
        raise ReadError(p, f"Word 文档的正文不是有效的 XML（第 {e.lineno} 行附近），可能已损坏") from None
    body = root.find(f"{W}body")
    if body is None:
        raise ReadError(p, "Word 文档没有正文")
    text = _Text(_hidden_styles(styles, parser))
    grid = NotedGrid()
    counts = {"p": 0, "tbl": 0, "cells": 0}

    def noted(place: str, before: int) -> None:
        for hidden in text.hidden[before:]:
            grid.notes.append(HIDDEN.format(place=place, text=hidden[:20]))
        del text.hidden[before:]

    def block(el: Any) -> None:
        tag = el.tag
        if tag == f"{W}p":
            counts["p"] += 1
            content = text.of(el)
            noted(f"第 {counts['p']} 段", 0)
            if content:
                grid.append((Cell(content, PLACE, f"第 {counts['p']} 段"),))
        elif tag == f"{W}tbl":
            inner = list(el.iterfind(f"{W}tr/{W}tc/{W}tbl"))
            if inner:  # a table laying out other tables: each of its own, once
                for table_el in inner:
                    block(table_el)
                return
            counts["tbl"] += 1
            table(el, f"表格 {counts['tbl']}")
        elif tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                for child in content:
                    block(child)

    def table(tbl: Any, place: str) -> None:
        above: dict[int, Cell] = {}
        for r, tr in enumerate(tbl.iterfind(f"{W}tr"), 1):
            row: list[Cell] = []
            col = 0
            for tc in tr.iterfind(f"{W}tc"):
                props = tc.find(f"{W}tcPr")
                span, merge = 1, None
                if props is not None:
                    gs = props.find(f"{W}gridSpan")
                    if gs is not None:
                        try:
                            span = max(1, min(int(gs.get(f"{W}val", "1")), 64))
                        except ValueError:
                            span = 1
                    vm = props.find(f"{W}vMerge")
                    if vm is not None:
                        merge = vm.get(f"{W}val", "continue")
                counts["cells"] += span
                if counts["cells"] > MAX_CELLS:
                    raise ReadError(p, f"Word 文档的表格超过 {MAX_CELLS} 格，不像是一份年度报告，已拒绝读取")
                where = f"第 {r} 行第 {col + 1} 列"
                if merge == "continue" and col in above:
                    top = above[col]
                    cell = Cell(top.text, place, top.where, covered=True)
                else:
                    cell = Cell(text.of(tc), place, where)
                    noted(f"{place} {where}", 0)
                for k in range(span):
                    row.append(cell if k == 0 else Cell(cell.text, place, cell.where, covered=True))
                    above[col + k] = cell if not cell.covered else above.get(col + k, cell)
                col += span
            grid.append(tuple(row))

    for child in body:
        block(child)
    if not grid and body.find(f"{W}altChunk") is not None:
        raise ReadError(p, ALT_CHUNK)
    if body.find(f"{W}altChunk") is not None:
        grid.cause = ALT_CHUNK
    return grid
