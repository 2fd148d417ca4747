"""Text copies (``.txt``, ``.md``) into rows of cells, and decoding bytes of any common
Chinese encoding.

The seeds show the layouts: one row a line with tabs between cells, markdown or pipe
tables (``a | b | c``), or one cell a line (a table copied out of a web page). A line with
a tab or a pipe is a row of cells; any other line is a row of one cell; blank lines carry
nothing. Markdown's marks are not text: a heading's ``#``, a quote's ``>``, emphasis
(``**…**``, ``__…__``, a cell wrapped in ``*…*`` or ``_…_``) and backslash escapes are
dropped, so ``# 某某局2021年政府信息公开工作年度报告`` is the title and ``| **行政复议** |``
the label; ``\\|`` inside a pipe table is a ``|`` in its cell.
"""

from __future__ import annotations

import codecs
import re

from .grid import Cell, Grid

PLACE = "正文"

_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_QUOTE = re.compile(r"^(?:>\s?)+")
_MD_HEADING = re.compile(r"^#{1,6}(?:\s+|(?=[^\x00-\x7f]))(.*?)(?:\s+#+)?\s*$")  # ATX, closing marks too
_MD_STRONG = re.compile(r"(?<!\\)(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_\\])\1")
_MD_EMPHASIS = re.compile(r"^(\*|_)(?=[^\s*_])(.+?)(?<=[^\s*_\\])\1$")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


class DecodeError(Exception):
    pass


def decode(raw: bytes, declared: bool = False) -> str:
    """Bytes to text: a BOM wins, then UTF-8, then a charset the page declares (``declared``:
    look for ``<meta charset>``), then GB18030 (a superset of GBK and GB2312), then Big5."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    tried = []
    if declared:
        m = _CHARSET.search(raw[:4096])
        if m:
            tried.append(m.group(1).decode("ascii").lower())
    tried += ["gb18030", "big5"]
    for codec in tried:
        try:
            return raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DecodeError("无法识别文字编码（已尝试 UTF-8、GB18030、Big5）")


def plain(text: str) -> str:
    """A cell's text without Markdown's emphasis and escapes."""
    text = text.strip()
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _MD_ESCAPE.sub(r"\1", text).strip()


def _line(line: str) -> str:
    """A line without its quote and heading marks."""
    if line.startswith(">"):
        line = _MD_QUOTE.sub("", line)
    if line.startswith("#"):
        line = _MD_HEADING.sub(r"\1", line)
    return line


def _pipes(line: str) -> list[str]:
    """A line split at its pipes, an escaped pipe (``\\|``) kept in its cell."""
    if "\\" not in line:
        return line.split("|")
    parts: list[str] = []
    buf: list[str] = []
    escaped = False
    for ch in line:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "|":
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return parts


def _fields(line: str) -> list[str] | None:
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        parts = _pipes(line)
        if parts and not parts[0].strip():
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]
        return parts
    return None


def text_grid(text: str) -> Grid:
    grid: Grid = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or _MD_RULE.match(line):
            continue
        head = line.lstrip()
        if head[0] in "#>":  # leading tabs are empty cells: only a mark's line loses its indent
            line = _line(head)
        clean = plain if "*" in line or "_" in line or "\\" in line else str.strip
        fields = _fields(line)
        if fields is None:
            grid.append((Cell(clean(line), PLACE, f"第 {n} 行"),))
        else:
            grid.append(tuple(Cell(clean(f), PLACE, f"第 {n} 行第 {k} 格") for k, f in enumerate(fields, 1)))
    return grid
