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

from .grid import Budget, Cell, Grid, too_large
from .noted import NotedGrid

PLACE = "正文"

_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{1,40})""", re.I)
# Every pattern below runs in time linear in the line: no two quantifiers can trade the same
# characters (``# `` + 100,000 spaces + ``x``, ``**a `` × 100,000 end at once).
_MD_RULE = re.compile(r"\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?")  # on a stripped line of |-: only
_RULE_CHARS = frozenset("|-: \t")
_MD_QUOTE = re.compile(r"^(?:>\s?)+")
# strong emphasis: the text between its marks holds no other mark of its kind, so that each
# opening mark looks no further than the next one
_MD_STRONG = re.compile(r"(?<!\\)(?:\*\*(?=[^\s*_])([^*]+?)(?<=[^\s*_\\])\*\*|__(?=[^\s*_])([^_]+?)(?<=[^\s*_\\])__)")
_MD_EMPHASIS = re.compile(r"^(\*|_)(?=[^\s*_])(.+?)(?<=[^\s*_\\])\1$")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

# A text with bad bytes here and there is still that text: at most this many, and at most one
# in a hundred characters, are shown as "�" and named; more, and the encoding is not known.
MAX_BAD_BYTES = 16
_BAD_SHARE = 100


class DecodeError(Exception):
    pass


def _utf16(raw: bytes) -> str | None:
    """UTF-16 without a byte order mark: the markup's ASCII leaves every other byte zero."""
    head = raw[:4096]
    if len(head) < 16 or head.count(0) < len(head) // 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    codec = "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None
    if codec is None:
        return None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def _damaged(raw: bytes, codecs_: list[str], notes: list[str] | None) -> str | None:
    """The text in the codec that leaves fewest bad bytes, when they are few (each named by
    its line in a note); None when every codec leaves many."""
    best: tuple[int, str, str] | None = None
    for codec in codecs_:
        try:
            text = raw.decode(codec, errors="replace")
        except LookupError:
            continue
        bad = text.count("\ufffd") - raw.count("\ufffd".encode())  # (a real "�" in UTF-8 is no error)
        if best is None or bad < best[0]:
            best = (bad, codec, text)
    if best is None:
        return None
    bad, codec, text = best
    if bad > MAX_BAD_BYTES or bad * _BAD_SHARE > len(text):
        return None
    if notes is not None:
        lines = []
        for n, line in enumerate(text.splitlines(), 1):
            if "\ufffd" in line:
                lines.append(str(n))
                if len(lines) == 5:
                    lines.append("…")
                    break
        notes.append(
            f"文件按 {codec.upper()} 读取，其中有 {bad} 处无效字节（第 {'、'.join(lines)} 行），已显示为“�”；"
            "这些位置的文字可能缺失，请对照原件核对"
        )
    return text


def decode(raw: bytes, declared: bool = False, notes: list[str] | None = None) -> str:
    """Bytes to text: a BOM wins, then UTF-16 (told by its zero bytes), UTF-8, then a charset
    the page declares (``declared``: look for ``<meta charset>``), then GB18030 (a superset of
    GBK and GB2312), then Big5. A text with a few bad bytes is read in the codec that fits
    best, its bad bytes named in ``notes``; more, and :class:`DecodeError` says so."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace")
    wide = _utf16(raw)
    if wide is not None:
        return wide
    if raw.count(0) > len(raw) // 100:  # no text has zero bytes but UTF-16's (read above)
        raise DecodeError(f"文件中有 {raw.count(0):,} 个零字节，是二进制文件而不是文本；请向发布单位索取网页或文本原件")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    tried = ["utf-8"]
    if declared:
        m = _CHARSET.search(raw[:4096])
        if m:
            name = m.group(1).decode("ascii").lower()
            try:
                if codecs.lookup(name).name not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
                    tried.append(name)  # (a page declaring UTF-16 that is not is read as the rest)
            except LookupError:
                pass
    tried += ["gb18030", "big5"]
    for codec in tried[1:]:
        try:
            return raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    text = _damaged(raw, tried, notes)
    if text is not None:
        return text
    raise DecodeError("无法识别文字编码（按 UTF-8、GB18030、Big5 读取都有大量无效字节）；请另存为 UTF-8 文本后再试")


def plain(text: str) -> str:
    """A cell's text without Markdown's emphasis and escapes."""
    text = text.strip()
    if "**" in text or "__" in text:
        text = _MD_STRONG.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _MD_ESCAPE.sub(r"\1", text).strip()


def _heading(line: str) -> str:
    """An ATX heading's text (``## 标题 ##`` -> ``标题``); any other line as it is."""
    rest = line.lstrip("#")
    if len(line) - len(rest) > 6 or not rest or not (rest[0].isspace() or not rest[0].isascii()):
        return line
    rest = rest.strip()
    closed = rest.rstrip("#")
    if closed != rest and (not closed or closed[-1].isspace()):  # closing marks
        rest = closed.rstrip()
    return rest


def _line(line: str) -> str:
    """A line without its quote and heading marks."""
    if line.startswith(">"):
        line = _MD_QUOTE.sub("", line)
    if line.startswith("#"):
        line = _heading(line)
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


def _rule(line: str) -> bool:
    """A Markdown table's rule (``|---|:--:|``)."""
    s = line.strip()
    return "--" in s and _RULE_CHARS.issuperset(s) and _MD_RULE.fullmatch(s) is not None


def text_grid(text: str, notes: list[str] | None = None) -> Grid:
    grid = NotedGrid(notes=notes)
    budget = Budget(what="文本")
    if max(text.count("\n"), text.count("\r")) > 4 * budget.left:  # (before splitting it)
        raise too_large("文本")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or _rule(line):
            continue
        budget.take(1 + line.count("\t") + line.count("|"))  # before splitting it
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
