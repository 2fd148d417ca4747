"""Word files (``.docx``) into rows of cells.

The body part (``word/document.xml``) is read straight with lxml — what python-docx itself
parses with — in one pass: paragraphs become rows of one cell, tables rows of cells with
``gridSpan`` (merged across) and ``vMerge`` (merged down) expanded into covered copies. It
is a zip, so it is bounded first like every container: entry count, declared and actual
inflated size, compression ratio; no DTD or entity is ever resolved.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ..oserror import os_error_text
from ..registry import ReadError
from .grid import Cell, Grid

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY = "word/document.xml"
MAX_ENTRIES = 10_000
MAX_PART = 64 * 1024 * 1024  # inflated bytes of the body part
MAX_RATIO = 200  # inflated / compressed, for parts over a megabyte
PLACE = "正文"


def _body(p: Path) -> bytes:
    try:
        zf = zipfile.ZipFile(p)
    except zipfile.BadZipFile:
        raise ReadError(p, "不是有效的 Word 文档（.docx 应为 zip 格式），可能已损坏或只是改了扩展名") from None
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
        if info.file_size > MAX_PART or (
            info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise ReadError(p, "Word 文档的正文解压后过大（疑似压缩炸弹），已拒绝读取")
        if info.flag_bits & 0x1:
            raise ReadError(p, "Word 文档已加密，请去掉密码后另存再试")
        with zf.open(info) as f:
            data = f.read(MAX_PART + 1)
        if len(data) > MAX_PART:
            raise ReadError(p, "Word 文档的正文解压后过大（疑似压缩炸弹），已拒绝读取")
        return data


def _text(node: Any) -> str:
    out = []
    for el in node.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}p"):
        tag = el.tag
        if tag == f"{W}t":
            out.append(el.text or "")
        elif tag == f"{W}p":
            if out:
                out.append("\n")
        else:
            out.append(" ")
    return "".join(out).strip()


def docx_grid(p: Path) -> Grid:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(_body(p), parser)
    except etree.XMLSyntaxError as e:
        raise ReadError(p, f"Word 文档的正文不是有效的 XML（{e.msg}），可能已损坏") from None
    body = root.find(f"{W}body")
    if body is None:
        raise ReadError(p, "Word 文档没有正文")
    grid: Grid = []
    counts = {"p": 0, "tbl": 0}

    def block(el: Any) -> None:
        tag = el.tag
        if tag == f"{W}p":
            counts["p"] += 1
            text = _text(el)
            if text:
                grid.append((Cell(text, PLACE, f"第 {counts['p']} 段"),))
        elif tag == f"{W}tbl":
            if el.find(f".//{W}tc//{W}tbl") is not None:  # a table laying out other tables
                for inner in el.iterfind(f".//{W}tc/{W}tbl"):
                    block(inner)
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
                if merge == "continue" and col in above:
                    top = above[col]
                    cell = Cell(top.text, place, top.where, covered=True)
                else:
                    cell = Cell(_text(tc), place, f"第 {r} 行第 {col + 1} 列")
                for k in range(span):
                    row.append(cell if k == 0 else Cell(cell.text, place, cell.where, covered=True))
                    above[col + k] = cell if not cell.covered else above.get(col + k, cell)
                col += span
            grid.append(tuple(row))

    for child in body:
        block(child)
    return grid
