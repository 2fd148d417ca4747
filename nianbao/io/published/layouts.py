"""Rows of a table that a copy did not keep as rows, gathered again before recognition.

Tables copied out of a page into text (or converted by someone else's tool) arrive in many
shapes; each is turned back into a row of cells, label first, only where the labels of the
form say so:

* a line of text aligned with spaces (``pdftotext -layout``, ``行政许可 97``): the numbers at its
  end are cells; what comes before them is split at runs of two spaces or more, and the line
  is split only when its last part is a label of the form (or a piece of one, see below) — a
  sentence ending in a number stays a sentence. A line of numbers alone is a row of numbers;
  a line of column headers alone is a row of headers;
* a label broken over two or three lines with its numbers on a line between or after
  (``（二）部分公开（区分处理的，只计这一情`` / numbers / ``形，不计其他情形）``): the pieces are
  joined when together they are a label, and the one line of numbers among them is its row;
* a label on a line and its numbers on the lines after, each indented (a tab, then the
  number): each such line is the number alone, gathered after the label as in a
  one-cell-a-line copy;
* table 4 as three small tables, one per group (行政复议, 未经复议直接起诉, 复议后起诉): the group's
  label on a line, its five result headers, then its five numbers — one row of that group.

Nothing here places a number in a column: the recogniser does, from the label and the count.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache, lru_cache

from ...core.cleaning import ACCEPTED, NUMBER, clean_text
from ...core.forms import FORMS
from .grid import Cell, Grid, Row
from .labels import catalogue, every_key, key, prefixes

_GAP = re.compile(r"\s{2,}|\t")
_TOKEN = re.compile(r"\S+")
_SPACE = re.compile(r"\s")


def is_value(text: str) -> bool:
    """Whether a cell's text is a number (or reads as one: ``0件``, ``—``)."""
    if text.isdigit() and text.isascii():
        return True
    return _is_value(text)


@lru_cache(maxsize=65536)
def _is_value(text: str) -> bool:
    t = text.strip()
    if t.isdigit() and t.isascii():
        return True
    if not t or len(t) > 24:
        return False
    return clean_text(t).outcome in (NUMBER, ACCEPTED) or in_yuan(t) is not None


def blank(c: Cell) -> bool:
    """Whether a cell shows nothing."""
    return not c.text.strip()


@cache
def label_pieces() -> frozenset[str]:
    """Keys of every label and of every run of two characters or more inside one (where a
    label broken over lines may begin, continue or end)."""
    out: set[str] = set()
    for k in every_key():
        for i in range(len(k)):
            out.update(k[i:j] for j in range(i + 2, len(k) + 1))
    return frozenset(out)


@cache
def _longest() -> int:
    """The length of the longest label's key."""
    return max(len(k) for k in every_key())


@cache
def _parent_pieces() -> frozenset[str]:
    """Pieces (two characters or more) of the labels of table 3's parent rows (（六）其他处理),
    printed in a merged cell beside their children's labels."""
    out: set[str] = set()
    for f in FORMS:
        for k in catalogue(f).parents:
            out.update(k[a:b] for a in range(len(k)) for b in range(a + 2, len(k) + 1))
    return frozenset(out)


@cache
def _groups() -> dict[str, int]:
    """Table 4's group labels (any form) -> how many result columns the group has."""
    out: dict[str, int] = {}
    for f in FORMS:
        for k, slot in catalogue(f).group_rows.items():
            out[k] = len(slot.columns)
    return out


@cache
def _headers() -> frozenset[str]:
    out: set[str] = set()
    for f in FORMS:
        out |= set(catalogue(f).headers)
    return frozenset(out)


def _cells(c: Cell, texts: list[str]) -> Row:
    return tuple(Cell(t, c.place, f"{c.where}第 {k} 格") for k, t in enumerate(texts, 1))


def split_line(c: Cell) -> Row | None:
    """A line of text aligned with spaces as cells, or None when it is not a row of a table."""
    text = c.text
    if not _SPACE.search(text.strip()):
        return None
    spans = [m.span() for m in _TOKEN.finditer(text)]
    tokens = [text[a:b] for a, b in spans]
    j = len(tokens)
    while j > 0 and is_value(tokens[j - 1]):
        j -= 1
    if j == 0:  # numbers alone
        return _cells(c, tokens)
    head = _GAP.split(text.strip())
    if j == len(tokens):  # no numbers: a row of column headers, or nothing
        for parts in (head, tokens):
            if len(parts) > 1 and all(key(p) in _headers() for p in parts):
                return _cells(c, parts)
        return None
    # the text before the numbers, split at wide gaps (its last token ends where the numbers begin)
    numbers = tokens[j:]
    lead = text[: spans[j][0]]
    parts = [p for p in _GAP.split(lead.strip()) if p]
    if not parts:
        return None
    if key(parts[-1]) not in label_pieces():
        # cells one space apart ("三、本年度办理结果 （一）予以公开 5 0"), or a label printed with
        # spaces inside ("结 果 维 持"): the longest run of words at the end that is a label
        words = tokens[:j]
        at, tail = -1, ""
        for s in range(len(words) - 1, -1, -1):
            tail = words[s] + tail
            if len(tail) > _longest():
                break
            if key(tail) in _row_labels():
                at = s
        if at < 0:
            return None
        parts = [*words[:at], " ".join(words[at:])]
    return _cells(c, parts + numbers)


def _only_values(row: Row) -> bool:
    return bool(row) and all(is_value(c.text) for c in row if not blank(c)) and not all(blank(c) for c in row)


def _indented_value(row: Row) -> Cell | None:
    """The number of a line that is one number among blank cells (its indent: ``\t5``, ``\t5\t``)."""
    filled = [c for c in row if not blank(c)]
    if len(row) < 2 or len(filled) != 1 or not is_value(filled[0].text):
        return None
    return filled[0]


@cache
def _row_labels() -> dict[str, int]:
    """Row labels (any form) -> how many columns their row has."""
    out: dict[str, int] = {}
    for f in FORMS:
        cat = catalogue(f)
        for k, slot in (*cat.by_key.items(), *cat.group_rows.items()):
            out.setdefault(k, len(slot.columns))
    return out


def _join_label(rows: Grid, i: int) -> tuple[Row, int] | None:
    """A label alone on its line, or broken over lines, from row ``i`` on, with its one line
    of numbers (between the pieces or after them): (the row, how many rows it took), or None.
    Whether the numbers are as many as the row's columns is the recogniser's to judge: a row
    that does not fit is refused and named, never read as printed blank."""
    first = rows[i]
    labels, starts = _row_labels(), prefixes()
    k = key(first[0].text)
    if k not in starts and k not in labels:
        return None
    text = first[0].text.strip()
    numbers: list[Cell] | None = None
    skipped = 0
    j = i + 1
    while j < len(rows) and j <= i + 4 + skipped:
        row = rows[j]
        if numbers is None and len(row) > 1 and not blank(row[0]) and _only_values(row):
            numbers = [c for c in row if not blank(c)]
        else:
            head = row[0] if row else None
            if head is None or blank(head) or is_value(head.text):
                break
            joined = k + key(head.text)
            if joined not in starts and joined not in labels:
                if len(row) == 1 and skipped < 2 and key(head.text) in _parent_pieces():
                    skipped += 1  # a piece of the merged parent cell beside it ("（六）其" / "他处理")
                    j += 1
                    continue
                break
            rest = [c for c in row[1:] if not blank(c)]
            if rest:
                if numbers is not None or not all(is_value(c.text) for c in rest):
                    break
                numbers = rest
            k, text = joined, text + head.text.strip()
        j += 1
        if k in labels and numbers is not None:
            return (Cell(text, first[0].place, first[0].where), *numbers), j - i
    return None


def _appeal_group(rows: Grid, i: int) -> tuple[list[Row], int] | None:
    """Table 4's group printed as a small table of its own: its label alone on a line, the
    result headers, one row of that many numbers."""
    row = rows[i]
    if len(row) != 1:
        return None
    width = _groups().get(key(row[0].text))
    if width is None:
        return None
    headers: list[Row] = []
    for j in range(i + 1, min(i + 4, len(rows))):
        nxt = rows[j]
        if all(key(c.text) in _headers() for c in nxt if not blank(c)) and not _only_values(nxt):
            headers.append(nxt)
            continue
        values = [c for c in nxt if not blank(c)]
        if len(nxt) == width and len(values) == width and _only_values(nxt):
            return [*headers, (row[0], *nxt)], j - i + 1
        return None
    return None


def gather(grid: Grid) -> Grid:
    """The layouts above turned back into rows; every other row as it was."""
    rows: Grid = []
    for row in grid:
        if len(row) == 1 and (row[0].text[-1:].isdigit() or " " in row[0].text):
            split = split_line(row[0])
            if split is not None:
                row = split
        rows.append(row)
    out: Grid = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if len(row) == 1:
            joined = _join_label(rows, i)
            if joined is not None:
                out.append(joined[0])
                i += joined[1]
                continue
            group = _appeal_group(rows, i)
            if group is not None:
                out.extend(group[0])
                i += group[1]
                continue
        elif out and len(out[-1]) == 1:
            value = _indented_value(row)
            if value is not None:
                row = (value,)
        out.append(row)
        i += 1
    return out


FUSED = "表格的各格连在了一起，无法分开"
_DIGITS = re.compile(r"\d")


def fused_label(k: str) -> tuple[str, str] | None:
    """A row label and its numbers printed with nothing between them ("行政许可97",
    "一、本年新收政府信息公开申请数量801000081"): (the label's key, the digits), or None."""
    if not k[-1:].isdigit() or len(k) < 4:
        return None
    head = k.rstrip("0123456789.,")
    if head in _row_labels() and head != k:
        return head, k[len(head) :]
    return None


def fused_cell(rows: Grid) -> Cell | None:
    """The first cell in which a table's labels and numbers run together with nothing between
    them (two labels or more each followed by a digit), as a crawler keeps a page's text."""
    labels = sorted((k for k in _row_labels() if len(k) >= 4), key=len, reverse=True)
    for row in rows:
        for c in row:
            k = key(c.text)
            if len(k) < 12 or not _DIGITS.search(k):
                continue
            hits = 0
            for label in labels:
                at = k.find(label)
                if at >= 0 and k[at + len(label) : at + len(label) + 1].isdigit():
                    hits += 1
                    if hits >= 2:
                        return c
    return None


_IN_YUAN = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*元\s*$")


def in_yuan(text: str) -> Decimal | None:
    """The amount of a cell that says it is in 元 ("75394432.52元", "251000 元"), or None."""
    if "元" not in text:
        return None
    m = _IN_YUAN.match(unicodedata.normalize("NFKC", text).replace(",", ""))
    return Decimal(m.group(1)) if m else None
