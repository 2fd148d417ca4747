"""One PDF page into rows of cells: glyphs, ruling lines, cell boxes.

PDFium (through pypdfium2's raw API) gives each glyph its code point and its box. Text and
boxes come from the same glyph index — never from the text layer's string, which drops a
glyph mapped to a lone surrogate and shifts every later character one box. A glyph that maps
to no character (a lone surrogate, U+FFFD, no ToUnicode entry) is kept as "�" and named.

Only visible text counts: a glyph drawn in render mode 3 or 7 (invisible, clip only) or in
white, is hidden — unless it lies over a picture (the text layer of a scanned page made
searchable by OCR) or, for white, over a dark fill (a shaded header). Hidden text is never
read; hidden text inside a table cell is named.

The ruling lines are the page's stroked path segments (and thin filled rectangles), taken
through the path's own transformation. A glyph belongs to the box bounded by the nearest
ruling lines around it on all four sides, looked up in an index of the rules by band, so a
page of forty thousand short rules costs no more per glyph than a page of forty. Boxes are
gathered into rows by the bands between horizontal rules; a box spanning several bands (a
label beside merged rows, one character a line) is the row's cell in its first band and a
covered copy in the others, as a ``rowspan`` cell in a web page; a band's empty boxes are
blank cells, so columns line up. Characters of one box are joined line by line, a line being
glyphs whose boxes overlap vertically (glyphs of one number in two fonts stay one number),
each line by position, left to right. Text outside any table becomes lines of one cell; a
title wrapped onto two lines in larger type is joined again.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .grid import Cell

EPS = 1.5  # points: how far a line may miss a cell's corner
BAND = 24.0  # points: the height (width) of one bucket of the rule index
LOOK = 48  # rules looked at on each side of a glyph before giving up on a box
MAX_BUCKETED = 400_000  # rule entries in one page's index
MAX_SEGMENTS = 100_000  # path segments of one page walked for rules (a report's table: a few thousand)
MAX_BOXES = 5_000  # ruled boxes holding text on one page (a report's page: a few hundred)
SAMPLE = 64  # segments of a path looked at before deciding it is a drawing
REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE_MODES = (3, 7)
_WHITE = 245  # each of r, g, b at least this: white (on a white page)

Box = tuple[float, float, float, float]  # left, bottom, right, top
Glyph = tuple[float, float, str, float, float]  # centre y, centre x, character, bottom, top


class PageTooBusy(Exception):
    """A page with more rules or characters than any report page: the reader's bound."""


def _merge(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear segments that touch joined into one rule (a grid drawn cell by cell)."""
    out: list[tuple[float, float, float]] = []
    for pos, a, b in sorted(rules):
        if out:
            p0, a0, b0 = out[-1]
            if abs(pos - p0) < 0.5 and a <= b0 + EPS and b >= a0 - EPS:
                out[-1] = (p0, min(a0, a), max(b0, b))
                continue
        out.append((pos, a, b))
    return out


class _Index:
    """Rules at ``pos`` (x of a vertical line) spanning ``a..b`` across, by bands of ``BAND``."""

    def __init__(self, rules: list[tuple[float, float, float]], extent: float):
        buckets: dict[int, list[tuple[float, float, float]]] = {}
        entries = 0
        for rule in _merge(rules):
            _, a, b = rule
            first, last = int(max(a - EPS, -BAND) // BAND), int(min(b + EPS, extent + BAND) // BAND)
            entries += max(0, last - first + 1)
            if entries > MAX_BUCKETED:
                raise PageTooBusy(f"有 {len(rules)} 条表格线")
            for k in range(first, last + 1):
                buckets.setdefault(k, []).append(rule)
        self.buckets = {k: (v, [r[0] for r in v]) for k, v in buckets.items()}  # sorted: _merge sorts

    def covering(self, t: float) -> list[float]:
        """Positions of the rules crossing ``t``."""
        entry = self.buckets.get(int(t // BAND))
        if entry is None:
            return []
        return [p for p, a, b in entry[0] if a - EPS <= t <= b + EPS]

    def before(self, pos: float, t: float) -> float | None:
        entry = self.buckets.get(int(t // BAND))
        if entry is None:
            return None
        rules, keys = entry
        i = bisect.bisect_left(keys, pos)
        for j in range(i - 1, max(-1, i - 1 - LOOK), -1):
            p, a, b = rules[j]
            if a - EPS <= t <= b + EPS:
                return p
        return None

    def after(self, pos: float, t: float) -> float | None:
        entry = self.buckets.get(int(t // BAND))
        if entry is None:
            return None
        rules, keys = entry
        i = bisect.bisect_left(keys, pos)
        for j in range(i, min(len(rules), i + LOOK)):
            p, a, b = rules[j]
            if a - EPS <= t <= b + EPS:
                return p
        return None


def _closing(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Rules implied where three or more rules end alike: a table split across pages has no
    rule along the cut (its verticals end there), an open-sided table none down its sides."""
    out: list[tuple[float, float, float]] = []
    for ends in ([r[1] for r in rules], [r[2] for r in rules]):
        order = sorted(range(len(rules)), key=lambda k: ends[k])
        group: list[int] = []
        for k in [*order, -1]:
            if k >= 0 and group and abs(ends[k] - ends[group[0]]) <= EPS:
                group.append(k)
                continue
            if len(group) >= 3:
                across = [rules[g][0] for g in group]
                out.append((sum(ends[g] for g in group) / len(group), min(across), max(across)))
            group = [k] if k >= 0 else []
    return out


class Rules:
    """Ruling lines of a page: verticals by x, horizontals by y."""

    def __init__(
        self,
        vertical: list[tuple[float, float, float]],
        horizontal: list[tuple[float, float, float]],
        width: float,
        height: float,
    ):
        vertical, horizontal = _merge(vertical), _merge(horizontal)
        self.v = _Index(vertical + _closing(horizontal), height)
        self.h = _Index(horizontal + _closing(vertical), width)

    def cell(self, x: float, y: float) -> Box | None:
        """(left, bottom, right, top) of the ruled box around a point, or None."""
        left = self.v.before(x, y)
        if left is None:
            return None
        right = self.v.after(x, y)
        if right is None:
            return None
        bottom = self.h.before(y, x)
        if bottom is None:
            return None
        top = self.h.after(y, x)
        if top is None:
            return None
        return (left, bottom, right, top)


@dataclass
class Objects:
    """What the page's objects say before any text is read."""

    vertical: list[tuple[float, float, float]] = field(default_factory=list)
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)
    dark: list[Box] = field(default_factory=list)  # filled areas a white glyph shows on
    hidden: set[int] = field(default_factory=set)  # text objects drawn invisible (addresses)
    white: set[int] = field(default_factory=set)  # text objects filled in white
    segments: int = 0  # path segments met
    budget: int = MAX_SEGMENTS  # at most this many


def _visible(rgba: tuple[int, int, int, int]) -> bool:
    r, g, b, a = rgba
    return a > 0 and not (r >= _WHITE and g >= _WHITE and b >= _WHITE)


def _address(obj: Any) -> int:
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


def scan_objects(page: Any, raw: Any, max_segments: int = MAX_SEGMENTS) -> Objects:
    out = Objects(budget=max_segments)
    handle = page.raw
    box = [ctypes.c_float() for _ in range(4)]
    rgba = [ctypes.c_uint() for _ in range(4)]
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()

    refs = [ctypes.byref(c) for c in rgba]

    def colour(getter: Any, obj: Any) -> tuple[int, int, int, int]:
        if not getter(obj, *refs):
            return (0, 0, 0, 255)
        return (rgba[0].value, rgba[1].value, rgba[2].value, rgba[3].value)

    def walk(objects: Iterable[Any]) -> None:
        for obj in objects:
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                mode = raw.FPDFTextObj_GetTextRenderMode(obj)
                if mode in _INVISIBLE_MODES:
                    out.hidden.add(_address(obj))
                elif not _visible(colour(raw.FPDFPageObj_GetFillColor, obj)) and mode in (0, 2, 4, 6):
                    out.white.add(_address(obj))
                continue
            if kind == raw.FPDF_PAGEOBJ_FORM:
                walk(raw.FPDFFormObj_GetObject(obj, k) for k in range(raw.FPDFFormObj_CountObjects(obj)))
                continue
            if not raw.FPDFPageObj_GetBounds(obj, *box):
                continue
            left, bottom, right, top = (v.value for v in box)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                out.pictures.append((left, bottom, right, top))
                continue
            if kind != raw.FPDF_PAGEOBJ_PATH:
                continue
            if not raw.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
                continue
            stroked = bool(stroke.value) and _visible(colour(raw.FPDFPageObj_GetStrokeColor, obj))
            filled = fill_mode.value != 0 and _visible(colour(raw.FPDFPageObj_GetFillColor, obj))
            if not stroked and not filled:
                continue  # drawn in white or not drawn at all: no line a reader sees
            w, h = right - left, top - bottom
            if w <= 3 and h > 3:
                out.vertical.append(((left + right) / 2, bottom, top))
                continue
            if h <= 3 and w > 3:
                out.horizontal.append(((bottom + top) / 2, left, right))
                continue
            if filled:  # a shaded area: its edges show as lines, white glyphs on it show
                out.dark.append((left, bottom, right, top))
            _segments(raw, obj, matrix, x, y, out)

    walk(raw.FPDFPage_GetObject(handle, i) for i in range(raw.FPDFPage_CountObjects(handle)))
    return out


def _segments(raw: Any, obj: Any, matrix: Any, x: Any, y: Any, out: Objects) -> None:
    """A path of several segments (a whole grid drawn at once, a rectangle's edges, a shaded
    area's border): each straight segment in page space, through the path's own matrix. A
    path whose first segments are mostly curves or slants is a drawing (a chart, a map, a
    seal), not rules: the rest of it is not walked. At most :data:`MAX_SEGMENTS` a page."""
    if raw.FPDFPageObj_GetMatrix(obj, matrix):
        ma, mb, mc, md, me, mf = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    else:
        ma, mb, mc, md, me, mf = 1.0, 0.0, 0.0, 1.0, 0.0, 0.0
    count = raw.FPDFPath_CountSegments(obj)
    out.segments += count
    if out.segments > out.budget:
        raise PageTooBusy(f"的线条超过 {out.budget} 段")
    prev = None
    start = None
    found = len(out.vertical) + len(out.horizontal)
    for k in range(count):
        if k == SAMPLE and len(out.vertical) + len(out.horizontal) - found < SAMPLE // 4:
            return
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        if not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        px, py = x.value, y.value
        point = (ma * px + mc * py + me, mb * px + md * py + mf)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == raw.FPDF_SEGMENT_LINETO and prev is not None:
            _rule(prev, point, out)
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and point != start:
            _rule(point, start, out)
        prev = point


def _rule(p0: tuple[float, float], p1: tuple[float, float], out: Objects) -> None:
    (x0, y0), (x1, y1) = p0, p1
    if abs(x0 - x1) < 1 and abs(y0 - y1) > 3:
        out.vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    elif abs(y0 - y1) < 1 and abs(x0 - x1) > 3:
        out.horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))


def _inside(x: float, y: float, areas: list[Box]) -> bool:
    return any(a <= x <= c and b <= y <= d for a, b, c, d in areas)


@dataclass
class PageText:
    rows: list[tuple[float, tuple[Cell, ...]]]
    hidden_in_cells: list[tuple[str, str]]  # ("第 2 页 表格 第 3 行附近（x=310）", "169")
    unmappable: int
    segments: int = 0


def read_page(page: Any, raw: Any, number: int, max_chars: int, max_segments: int = MAX_SEGMENTS) -> PageText:
    """(top y, row) of a page, tables' rows and lines of text alike, and what was hidden."""
    try:
        objects = scan_objects(page, raw, max_segments)
        width, height = page.get_width(), page.get_height()
        rules = Rules(objects.vertical, objects.horizontal, width, height)
    except PageTooBusy as e:
        raise PageTooBusy(f"第 {number} 页{e}") from None
    tp = page.get_textpage()
    try:
        count = tp.count_chars()
        if count > max_chars:
            raise PageTooBusy(f"第 {number} 页有 {count} 个字符（最多 {max_chars} 个）")
        if count <= 0:
            return PageText([], [], 0, objects.segments)
        glyphs, hidden, unmappable, usual = _glyphs(tp.raw, raw, count, objects)
    finally:
        tp.close()
    boxes: dict[Box, list[Glyph]] = {}
    loose: list[Glyph] = []
    last: Box | None = None
    for g in glyphs:
        cy, cx = g[0], g[1]
        if last is not None and last[0] < cx < last[2] and last[1] < cy < last[3]:
            box: Box | None = last
        else:
            box = rules.cell(cx, cy)
        last = box
        if box is None:
            loose.append(g)
        else:
            boxes.setdefault(box, []).append(g)
    if len(boxes) > MAX_BOXES:
        raise PageTooBusy(f"第 {number} 页有 {len(boxes)} 个表格格子")
    out, places = _table_rows(boxes, rules, number)
    hidden_in_cells: dict[str, str] = {}
    for g in hidden:
        box = rules.cell(g[1], g[0])
        if box is not None:
            where = places.get(box) or f"第 {number} 页 表格（x={box[0]:.0f}，距顶部 {height - box[3]:.0f} 点）"
            hidden_in_cells[where] = hidden_in_cells.get(where, "") + g[2]
    for y, line in _paragraphs(_text_lines(loose), usual):
        cell = Cell("".join(ch for _, _, ch, _, _ in line), f"第 {number} 页", f"距顶部 {height - y:.0f} 点的一行")
        out.append((y, (cell,)))
    out.sort(key=lambda t: -t[0])
    return PageText(out, list(hidden_in_cells.items()), unmappable, objects.segments)


def _glyphs(textpage: Any, raw: Any, count: int, objects: Objects) -> tuple[list[Glyph], list[Glyph], int, float]:
    """Visible and hidden glyphs with their loose boxes (the font's ascent to descent: every
    character of a line has the same middle, "." and "，" included), and how many glyphs map
    to no character. One index for text and box. A loose box far larger than the page's usual
    one (a font with a broken bounding box) gives way to the glyph's own box."""
    units = (ctypes.c_ushort * (count + 1))()
    n = raw.FPDFText_GetText(textpage, 0, count, units)
    text = bytes(units)[: max(0, n - 1) * 2].decode("utf-16-le", "surrogatepass")
    if len(text) != count or _SURROGATE.search(text):  # not one unit a glyph
        text = "".join(_code_point(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    rect = raw.FS_RECTF()
    placed: list[tuple[int, str, float, float, float, float]] = []
    for i, ch in enumerate(text):
        if ch.isspace() or not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
            continue
        placed.append((i, ch, rect.left, rect.bottom, rect.right, rect.top))
    if not placed:
        return [], [], 0, 0.0
    usual = sorted(p[5] - p[3] for p in placed)[len(placed) // 2]
    edges = [ctypes.c_double() for _ in range(4)]
    check = bool(objects.hidden or objects.white)
    visible: list[Glyph] = []
    hidden: list[Glyph] = []
    unmappable = 0
    for i, ch, left, bottom, right, top in placed:
        if "\x00" < ch < " " or ch == "\x7f":
            continue
        if top - bottom > 3 * usual or right - left > 3 * usual:
            if raw.FPDFText_GetCharBox(textpage, i, *edges):
                x0, x1, y0, y1 = (e.value for e in edges)
                middle = (y0 + y1) / 2
                left, right, bottom, top = x0, x1, middle - usual / 2, middle + usual / 2
        glyph = ((top + bottom) / 2, (left + right) / 2, ch, bottom, top)
        if check:
            obj = _address(raw.FPDFText_GetTextObject(textpage, i))
            if obj in objects.hidden and not _inside(glyph[1], glyph[0], objects.pictures):
                hidden.append(glyph)
                continue
            if obj in objects.white and not _inside(glyph[1], glyph[0], objects.dark + objects.pictures):
                hidden.append(glyph)
                continue
        if ch == REPLACEMENT or "\ud800" <= ch <= "\udfff" or ch in "\ufffe\uffff\x00":
            u = raw.FPDFText_GetUnicode(textpage, i)
            if 0 < u < 0x20 or u == 0x7F:  # a control character (PDFium's text shows U+FFFE): no text
                continue
            unmappable += 1
            glyph = (glyph[0], glyph[1], REPLACEMENT, bottom, top)
        visible.append(glyph)
    return visible, hidden, unmappable, usual


def _code_point(u: int) -> str:
    if 0 < u <= 0x10FFFF and not 0xD800 <= u <= 0xDFFF:
        return chr(u)
    return REPLACEMENT if u else " "


def _table_rows(
    boxes: dict[Box, list[Glyph]], rules: Rules, number: int
) -> tuple[list[tuple[float, tuple[Cell, ...]]], dict[Box, str]]:
    """Boxes into rows: the bands of the lowest boxes; a box spanning several bands is a
    covered copy below its first; the empty boxes between are blank cells."""
    bands: list[tuple[float, float]] = []
    for lo, hi in sorted({(b[1], b[3]) for b in boxes}, key=lambda t: t[1] - t[0]):
        if not any(lo - EPS <= a and b <= hi + EPS and (b - a) < (hi - lo) - EPS for a, b in bands):
            bands.append((lo, hi))
    bands.sort()
    lows = [b[0] for b in bands]
    spans: dict[tuple[float, float], list[Box]] = {}
    for box in boxes:
        start = bisect.bisect_left(lows, box[1] - EPS)
        stop = bisect.bisect_right(lows, box[3] + EPS)
        inside = [b for b in bands[start:stop] if b[1] <= box[3] + EPS]
        for band in inside or [(box[1], box[3])]:
            spans.setdefault(band, []).append(box)
    out: list[tuple[float, tuple[Cell, ...]]] = []
    cells: dict[Box, Cell] = {}
    places: dict[Box, str] = {}
    for ordinal, band in enumerate(sorted(spans, key=lambda b: -b[1]), 1):
        row_boxes = sorted(spans[band])
        place = f"第 {number} 页"
        row: list[Cell] = []
        edges = _edges(rules, band, row_boxes)
        for x0, x1 in edges:
            mid = (x0 + x1) / 2
            found = next((b for b in row_boxes if b[0] - EPS <= mid <= b[2] + EPS), None)
            if found is None:
                row.append(Cell("", place, f"表格 第 {ordinal} 行附近（x={x0:.0f}）"))
                continue
            box = found
            first = cells.get(box)
            if first is None:
                where = f"表格 第 {ordinal} 行附近（x={box[0]:.0f}）"
                first = cells[box] = Cell(_join(boxes[box]), place, where)
                places[box] = f"{place} {where}"
                row.append(first)
            else:
                row.append(Cell(first.text, first.place, first.where, covered=True))
        out.append((band[1], tuple(row)))
    return out, places


def _edges(rules: Rules, band: tuple[float, float], row_boxes: list[Box]) -> list[tuple[float, float]]:
    """The columns of a band: between each two vertical rules crossing its middle, from its
    first box to its last; a box wider than one column once per column it spans."""
    lo, hi = row_boxes[0][0], max(b[2] for b in row_boxes)
    mid = (band[0] + band[1]) / 2
    xs = sorted({round(x, 1) for x in rules.v.covering(mid) if lo - EPS <= x <= hi + EPS})
    merged: list[float] = []
    for x in xs:
        if not merged or x - merged[-1] > EPS:
            merged.append(x)
    if len(merged) < 2:
        return [(b[0], b[2]) for b in row_boxes]
    return list(zip(merged, merged[1:], strict=False))


def _text_lines(glyphs: list[Glyph]) -> list[tuple[float, list[Glyph]]]:
    """Glyphs into lines, top to bottom, each left to right: a glyph joins the line its box
    overlaps by half its height or more (a digit in another font's box stays in its number)."""
    out: list[tuple[float, list[Glyph]]] = []
    lo = hi = 0.0
    for g in sorted(glyphs, key=lambda t: -t[0]):
        if out:
            overlap = min(hi, g[4]) - max(lo, g[3])
            if overlap >= 0.5 * min(hi - lo, g[4] - g[3]):
                out[-1][1].append(g)
                lo, hi = min(lo, g[3]), max(hi, g[4])
                continue
        out.append((g[0], [g]))
        lo, hi = g[3], g[4]
    for _, line in out:
        line.sort(key=lambda t: t[1])
    return out


def _paragraphs(lines: list[tuple[float, list[Glyph]]], usual: float) -> list[tuple[float, list[Glyph]]]:
    """A title wrapped onto a second line joined again: consecutive lines in the page's
    largest type (larger than its usual glyph), one right under the other."""
    if len(lines) < 2:
        return lines
    heights = [_height(line) for _, line in lines]
    largest = max(heights)
    out: list[tuple[float, list[Glyph]]] = [lines[0]]
    for (y, line), h, (py, _), ph in zip(lines[1:], heights[1:], lines, heights, strict=False):
        if h > usual * 1.2 and h > 0.9 * largest and abs(h - ph) < 0.1 * h and py - y <= 2 * h:
            out[-1] = (out[-1][0], out[-1][1] + line)  # a title over three lines too
            continue
        out.append((y, line))
    return out


def _height(line: list[Glyph]) -> float:
    """The line's type size: its glyphs' median height (a digit's box is taller or shorter
    than a Chinese character's, so the line's extent would tell one title line from the next)."""
    return statistics.median(g[4] - g[3] for g in line)


def _join(glyphs: list[Glyph]) -> str:
    """The characters of one box in reading order: lines top to bottom."""
    if len(glyphs) == 1:
        return glyphs[0][2]
    if max(g[3] for g in glyphs) < min(g[4] for g in glyphs):  # every box overlaps every other: one line
        return "".join(g[2] for g in sorted(glyphs, key=lambda g: g[1]))
    return "".join("".join(g[2] for g in line) for _, line in _text_lines(glyphs))
