"""The XML parts of a container: no DTD or entity (XXE), well-formed, plainly written.

:class:`XmlCheck` feeds a part to expat as it inflates (the full check): a DTD, an entity
declaration, markup cut short or an unknown encoding is refused with the part's name, line
and column. :func:`check_prolog` looks for a DTD before the root element of every XML part,
VML included. :func:`plain_xml` is the quick check's test of an inflated part: UTF-8, nothing
before the root but an XML declaration, no ``<!`` anywhere, the root's end tag last.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.parsers import expat

from ..registry import SAVE_AS, ReadError
from .calamine_guards import check_shared_strings
from .limits import ASK_AGAIN, MAX_PROLOG_BYTES, mb, short


def parsed_xml(info: zipfile.ZipInfo) -> bool:
    """Whether the entry is parsed as XML by a reader (and so checked by expat)."""
    # VML (legacy drawings, comment boxes) is not well-formed XML even from Excel; its
    # prolog is still checked for a DTD
    name = info.filename.lower()
    return name.endswith((".xml", ".rels")) and info.file_size > 0


class _Dtd(Exception):
    pass


def _refuse_dtd(*args: object) -> int:
    raise _Dtd


class XmlCheck:
    """Well-formedness of one XML part, fed as it inflates (expat, no DTD allowed): a part
    cut short or with a missing end tag is refused here, before a parser that might loop on
    it (python-calamine's .ods reader never returns on a table without its end tag)."""

    def __init__(self, p: Path, info: zipfile.ZipInfo) -> None:
        self.p, self.info = p, info
        self.parser = expat.ParserCreate()
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = _refuse_dtd
        self.parser.EntityDeclHandler = _refuse_dtd
        self.parser.ExternalEntityRefHandler = _refuse_dtd

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except _Dtd:
            raise dtd_error(self.p, self.info) from None
        except expat.ExpatError as e:
            raise self._broken(f"（第 {e.lineno} 行第 {e.offset + 1} 列）") from None
        except (LookupError, ValueError, UnicodeError):  # encoding="…" unknown, or GBK (no reader takes it)
            raise ReadError(
                self.p,
                f"工作簿内部的“{short(self.info.filename)}”使用了无法识别的文字编码（应为 UTF-8），"
                "通常是非 Excel/WPS 软件导出的文件；" + SAVE_AS,
            ) from None

    def _broken(self, where: str) -> ReadError:
        return ReadError(
            self.p,
            f"文件已损坏：工作簿内部的“{short(self.info.filename)}”不是完整、正确的 XML{where}，"
            "可能被其他软件改坏或传输中出错；" + ASK_AGAIN,
        )


def dtd_error(p: Path, info: zipfile.ZipInfo) -> ReadError:
    return ReadError(
        p,
        f"工作簿内部的“{short(info.filename)}”含有 DTD/实体声明（<!DOCTYPE …>），Excel、WPS 保存的文件不会有这种内容，"
        "可能是恶意构造的文件，为安全起见拒绝读取；" + ASK_AGAIN,
    )


_DECL = re.compile(
    rb"""<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]{1,3}\1"""
    rb"""(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]{0,40})\2)?"""
    rb"""(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>[ \t\r\n]*"""
)
_ROOT_NAME = re.compile(rb"<([A-Za-z_][A-Za-z0-9_.:-]{0,100})[ \t\r\n/>]")
_MARKUP_DECLARATION = re.compile(rb"<!")  # a DTD, a comment, CDATA (the regex finds it ~2x faster than `in`)


def plain_xml(body: bytes, info: zipfile.ZipInfo, parsed: bool) -> bool:
    """An XML part in UTF-8 with nothing before its root but an XML declaration: no DTD
    (no "<!" anywhere), ends with its root's end tag."""
    pos = 0
    if body.startswith(b"<?xml"):
        decl = _DECL.match(body)
        if decl is None or (decl.group(3) is not None and decl.group(3).lower() != b"utf-8"):
            return False
        pos = decl.end()
    root = _ROOT_NAME.match(body, pos)
    if root is None or (b"!" in body and _MARKUP_DECLARATION.search(body)):  # memchr first: "!" is rare in XML
        return False
    if parsed:
        end = b"</" + root.group(1) + b">"
        if not body[-(len(end) + 64) :].rstrip(b" \t\r\n").endswith(end):
            return False
    return True


_ROOT = re.compile(rb"<[A-Za-z_:]")


def check_prolog(p: Path, info: zipfile.ZipInfo, head: bytes) -> None:
    """Refuse an XML part that declares a DTD (entities, external references). A DTD can
    only stand before the root element, so reading up to the root (``head``, the first
    :data:`MAX_PROLOG_BYTES`) is enough."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        enc = (
            "utf-16"
            if head.startswith((b"\xff\xfe", b"\xfe\xff"))
            else ("utf-16-le" if head[:1] == b"<" else "utf-16-be")
        )
        head = head[: len(head) // 2 * 2].decode(enc, "replace").encode("utf-8")
    upper = head.upper()
    root = _first_root(head)
    scope = upper if root is None else upper[:root]
    if b"<!DOCTYPE" in scope or b"<!ENTITY" in scope or b"<!ELEMENT" in scope or b"<!ATTLIST" in scope:
        raise dtd_error(p, info)
    if root is not None:
        check_shared_strings(p, info, head[root : root + 4096])
    if root is None and len(head) >= MAX_PROLOG_BYTES:
        raise ReadError(
            p,
            f"工作簿内部的“{short(info.filename)}”开头异常（{mb(MAX_PROLOG_BYTES)} 内没有正文），为安全起见拒绝读取；"
            + ASK_AGAIN,
        )


def _first_root(head: bytes) -> int | None:
    """Offset of the root element's ``<``, skipping comments and processing instructions."""
    i = 0
    n = len(head)
    while i < n:
        j = head.find(b"<", i)
        if j < 0:
            return None
        if head.startswith(b"<!--", j):
            end = head.find(b"-->", j + 4)
            if end < 0:
                return None
            i = end + 3
        elif head.startswith(b"<?", j):
            end = head.find(b"?>", j + 2)
            if end < 0:
                return None
            i = end + 2
        elif _ROOT.match(head, j):
            return j
        else:
            i = j + 1
    return None


__all__ = ["XmlCheck", "check_prolog", "dtd_error", "parsed_xml", "plain_xml"]
