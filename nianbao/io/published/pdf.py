"""PDF files with a text layer into rows of cells.

pypdfium2 (PDFium, the engine of Chrome's viewer: C speed, Apache/BSD licensed) gives each
character with its box, and the page's path objects — the ruling lines of a table. A
character belongs to the cell bounded by the nearest ruling lines around it on all four
sides, so a merged cell is one cell (no line crosses it) and a label wrapped over several
lines inside a narrow cell reads as one text again. Cells are gathered into rows by the band
between horizontal rules; text outside any table becomes lines of one cell. A PDF without
any text (a scan) is refused: there is nothing to read without OCR.

pdfplumber finds the same tables but took 0.3 s for a four-page report, against the twenty
reports a second asked for (see scripts/bench_import.py).
"""

from __future__ import annotations

import bisect
import ctypes
from pathlib import Path
from typing import Any

from ..registry import ReadError
from .grid import Cell, Grid

SCANNED = (
    "这是扫描件（图片）PDF，没有文字层，无法读出其中的数字；"
    "请向发布单位索取网页、Word 或带文字的 PDF 版本，或先做文字识别（OCR）"
)
EPS = 1.5  # points: how far a line may miss a cell's corner
MAX_PAGES = 200
TEXT_PER_PAGE = 20  # characters: fewer, and the pages are pictures (a scan), whatever a header says


class _Lines:
    """Ruling lines of a page: verticals by x, horizontals by y, with their extents."""

    def __init__(self, vertical: list[tuple[float, float, float]], horizontal: list[tuple[float, float, float]]):
        self.v = sorted(vertical)
        self.h = sorted(horizontal)
        self.vx = [x for x, _, _ in self.v]
        self.hy = [y for y, _, _ in self.h]

    def cell(self, x: float, y: float) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) of the ruled box around a point, or None."""
        left = right = bottom = top = None
        i = bisect.bisect_left(self.vx, x)
        for j in range(i - 1, -1, -1):
            lx, a, b = self.v[j]
            if a - EPS <= y <= b + EPS:
                left = lx
                break
        if left is None:
            return None
        for j in range(i, len(self.v)):
            lx, a, b = self.v[j]
            if a - EPS <= y <= b + EPS:
                right = lx
                break
        if right is None:
            return None
        i = bisect.bisect_left(self.hy, y)
        for j in range(i - 1, -1, -1):
            ly, a, b = self.h[j]
            if a - EPS <= x <= b + EPS:
                bottom = ly
                break
        if bottom is None:
            return None
        for j in range(i, len(self.h)):
            ly, a, b = self.h[j]
            if a - EPS <= x <= b + EPS:
                top = ly
                break
        if top is None:
            return None
        return (left, bottom, right, top)


def _lines(page: Any, raw: Any) -> _Lines:
    vertical: list[tuple[float, float, float]] = []
    horizontal: list[tuple[float, float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    box = [ctypes.c_float() for _ in range(4)]
    handle = page.raw
    for index in range(raw.FPDFPage_CountObjects(handle)):  # the raw API: no wrapper per object
        obj = raw.FPDFPage_GetObject(handle, index)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetBounds(obj, *box):
            continue
        left, bottom, right, top = (v.value for v in box)
        w, h = right - left, top - bottom
        if w <= 3 and h > 3:
            vertical.append(((left + right) / 2, bottom, top))
            continue
        if h <= 3 and w > 3:
            horizontal.append(((bottom + top) / 2, left, right))
            continue
        # a path of several segments (a whole grid drawn at once, or a rectangle's edges)
        n = raw.FPDFPath_CountSegments(obj)
        prev = None
        for k in range(n):
            seg = raw.FPDFPath_GetPathSegment(obj, k)
            if not raw.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            point = (x.value, y.value)
            if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_LINETO and prev is not None:
                (x0, y0), (x1, y1) = prev, point
                if abs(x0 - x1) < 1 and abs(y0 - y1) > 3:
                    vertical.append((x0, min(y0, y1), max(y0, y1)))
                elif abs(y0 - y1) < 1 and abs(x0 - x1) > 3:
                    horizontal.append((y0, min(x0, x1), max(x0, x1)))
            prev = point
    return _Lines(vertical, horizontal)


def _page_rows(page: Any, raw: Any, number: int, place_counter: list[int]) -> list[tuple[float, tuple[Cell, ...]]]:
    """(top y, row) of a page, tables' rows and lines of text alike."""
    tp = page.get_textpage()
    try:
        count = tp.count_chars()
        if count <= 0:
            return []
        text = tp.get_text_range(0, count)
        lines = _lines(page, raw)
        boxes: dict[tuple[float, float, float, float], list[tuple[float, float, str]]] = {}
        loose: list[tuple[float, float, str]] = []
        rect = raw.FS_RECTF()
        textpage = tp.raw
        last_box = None
        last_line = None
        for i, ch in enumerate(text[:count]):
            if ch.isspace():
                continue
            # the loose box spans the font's ascent to descent: every character of a line
            # has the same middle, "." and "，" included
            if not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
                continue
            cx, cy = (rect.left + rect.right) / 2, (rect.top + rect.bottom) / 2
            box = None
            if last_box is not None and last_box[0] < cx < last_box[2] and last_box[1] < cy < last_box[3]:
                box = last_box
            else:
                box = lines.cell(cx, cy)
            last_box = box
            if box is None:
                loose.append((cy, cx, ch))
            else:
                boxes.setdefault(box, []).append((cy, cx, ch))
            last_line = cy
        del last_line
    finally:
        tp.close()
    out: list[tuple[float, tuple[Cell, ...]]] = []
    # cells into rows: the bands of the lowest cells, each cell in the band of its centre
    bands = sorted({(b[1], b[3]) for b in boxes}, key=lambda t: t[1] - t[0])
    elementary: list[tuple[float, float]] = []
    for lo, hi in bands:
        if not any(lo - EPS <= a and b <= hi + EPS and (b - a) < (hi - lo) - EPS for a, b in elementary):
            elementary.append((lo, hi))
    rows: dict[tuple[float, float], list[tuple[float, tuple[float, float, float, float]]]] = {}
    for box in boxes:
        mid = (box[1] + box[3]) / 2
        band = next(
            (b for b in elementary if b[0] - EPS <= mid <= b[1] + EPS and b[1] - b[0] <= box[3] - box[1] + EPS), None
        )
        if band is None:
            band = (box[1], box[3])
        rows.setdefault(band, []).append((box[0], box))
    for band in sorted(rows, key=lambda b: -b[1]):
        cells = []
        for _x, box in sorted(rows[band]):
            chars = boxes[box]
            cells.append(
                Cell(_join(chars), f"第 {number} 页", f"表格 第 {_ordinal(band, elementary)} 行附近（x={box[0]:.0f}）")
            )
        out.append((band[1], tuple(cells)))
    if loose:
        for y, chars in _text_lines(loose):
            out.append((y, (Cell(_join(chars), f"第 {number} 页", f"距顶部 {page.get_height() - y:.0f} 点的一行"),)))
    out.sort(key=lambda t: -t[0])
    return out


def _ordinal(band: tuple[float, float], elementary: list[tuple[float, float]]) -> int:
    return 1 + sum(1 for b in elementary if b[1] > band[1] + EPS)


def _text_lines(chars: list[tuple[float, float, str]]) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """Characters into lines, top to bottom, each left to right."""
    out: list[tuple[float, list[tuple[float, float, str]]]] = []
    for ch in sorted(chars, key=lambda t: -t[0]):
        if out and abs(out[-1][0] - ch[0]) < 2:
            out[-1][1].append(ch)
        else:
            out.append((ch[0], [ch]))
    for _, line in out:
        line.sort(key=lambda t: t[1])
    return out


def _join(chars: list[tuple[float, float, str]]) -> str:
    """The characters of one cell in reading order: lines top to bottom."""
    if len(chars) == 1:
        return chars[0][2]
    ys = [c[0] for c in chars]
    if max(ys) - min(ys) < 2:  # one line
        return "".join(c for _, _, c in sorted(chars, key=lambda t: t[1]))
    return "".join("".join(c for _, _, c in line) for _, line in _text_lines(chars))


def pdf_grid(p: Path, data: bytes) -> Grid:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        problem = str(e)
        if "password" in problem.lower():
            raise ReadError(p, "PDF 已加密，请去掉密码后再试") from None
        raise ReadError(p, "不是有效的 PDF 文件，可能已损坏") from None
    try:
        if len(doc) > MAX_PAGES:
            raise ReadError(p, f"PDF 有 {len(doc)} 页，不像是一份年度报告（最多 {MAX_PAGES} 页）")
        grid: Grid = []
        counter = [0]
        pages = len(doc)
        for number in range(pages):
            page = doc[number]
            try:
                grid.extend(row for _y, row in _page_rows(page, raw, number + 1, counter))
            finally:
                page.close()
    finally:
        doc.close()
    if sum(len(c.text) for row in grid for c in row) < TEXT_PER_PAGE * pages:  # a page number or two at most
        raise ReadError(p, SCANNED)
    return grid
