"""PDFs written by hand, for tests that need what a word processor never makes on request:
glyphs mapped to odd code points, invisible text, rules drawn under a transformation, a
vertical label one character a line beside merged rows, glyphs of one number in two fonts,
ten thousands of rules, streams that inflate without end.

:class:`PdfBuilder` writes PDF 1.7 with one CID font (Identity-H, not embedded: PDFium
substitutes a font for drawing; the text comes from the font's ToUnicode map, so each glyph
reads as exactly the character asked for). :func:`report_pdf` draws a whole report — the
title and tables 2, 3 and 4 as :func:`publications.tables` lays them out, merged cells and
all — as a ruled table, with hooks to alter one cell's glyphs.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import publications

WIDTH, HEIGHT = 595.0, 842.0


def _narrow(ch: str) -> bool:
    return ch.isascii()


@dataclass
class Page:
    ops: list[str] = field(default_factory=list)


class PdfBuilder:
    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.cids: dict[str, int] = {}
        self.odd: dict[str, str] = {}  # placeholder character -> the hex its glyph maps to in ToUnicode
        self.unmapped: set[str] = set()  # characters drawn with a second font that has no ToUnicode
        self.extra_objects: list[bytes] = []  # raw objects appended (numbered after the others)
        self.compress = True

    # --- glyphs -----------------------------------------------------------------------------

    def glyph(self, to_unicode_hex: str) -> str:
        """A placeholder character whose glyph maps to ``to_unicode_hex`` (e.g. ``"D800"``)."""
        ch = chr(0xE000 + len(self.odd))
        self.odd[ch] = to_unicode_hex
        return ch

    def _cid(self, ch: str) -> int:
        cid = self.cids.get(ch)
        if cid is None:
            cid = self.cids[ch] = len(self.cids) + 0x100  # low codes (0x0A...) read as control characters
        return cid

    def width(self, s: str, size: float) -> float:
        return sum((0.5 if _narrow(c) else 1.0) * size for c in s)

    # --- drawing ------------------------------------------------------------------------------

    def page(self) -> Page:
        p = Page()
        self.pages.append(p)
        return p

    def text(
        self,
        page: Page,
        x: float,
        y: float,
        s: str,
        size: float = 9,
        *,
        mode: int = 0,
        rgb: tuple[float, float, float] = (0, 0, 0),
        font: str = "F1",
    ) -> None:
        """``s`` with its baseline at (x, y)."""
        codes = "".join(f"{self._cid(c):04X}" for c in s)
        if font == "F2":
            self.unmapped.update(s)
        r, g, b = rgb
        page.ops.append(
            f"BT /{font} {size:g} Tf {mode} Tr {r:g} {g:g} {b:g} rg 1 0 0 1 {x:.2f} {y:.2f} Tm <{codes}> Tj ET"
        )

    def line(self, page: Page, x0: float, y0: float, x1: float, y1: float, width: float = 0.5) -> None:
        page.ops.append(f"{width:g} w {x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S")

    def raw(self, page: Page, ops: str) -> None:
        page.ops.append(ops)

    # --- writing ------------------------------------------------------------------------------

    def _stream(self, data: bytes, extra: str = "") -> bytes:
        if self.compress:
            data = zlib.compress(data)
            extra += " /Filter /FlateDecode"
        return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"

    def _to_unicode(self) -> bytes:
        lines = [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        ]
        pairs = []
        for ch, cid in self.cids.items():
            if ch in self.unmapped and ch not in self.odd:
                continue
            hexed = self.odd.get(ch) or ch.encode("utf-16-be").hex().upper()
            pairs.append(f"<{cid:04X}> <{hexed}>")
        for k in range(0, len(pairs), 100):
            chunk = pairs[k : k + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            lines.extend(chunk)
            lines.append("endbfchar")
        lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
        return "\n".join(lines).encode()

    def build(self) -> bytes:
        widths = " ".join(f"{cid} [{500 if _narrow(ch) else 1000}]" for ch, cid in self.cids.items())
        n_pages = len(self.pages)
        # 1 catalog, 2 pages, 3 font F1, 4 descendant, 5 descriptor, 6 ToUnicode, 7 font F2, then pages
        first_page = 8
        f2 = " /F2 7 0 R" if self.unmapped else ""  # the font without ToUnicode, only where used
        kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Count {n_pages} /Kids [{kids}] >>".encode(),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
            b"/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
            (
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDToGIDMap /Identity "
                f"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                f"/FontDescriptor 5 0 R /DW 1000 /W [{widths}] >>"
            ).encode(),
            b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 880] /ItalicAngle 0 "
            b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
            self._stream(self._to_unicode()),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] >>",
        ]
        for page in self.pages:
            content = "\n".join(page.ops).encode()
            objects.append(
                (
                    f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH:g} {HEIGHT:g}] "
                    f"/Resources << /Font << /F1 3 0 R{f2} >> >> /Contents {len(objects) + 2} 0 R >>"
                ).encode()
            )
            objects.append(self._stream(content))
        objects.extend(self.extra_objects)
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for n, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        for off in offsets:
            out += f"{off:010d} 00000 n \n".encode()
        out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


# --- a whole report as a ruled table ----------------------------------------------------------

Draw = Callable[[PdfBuilder, Page, float, float, str, float], None]  # (builder, page, x, baseline, text, size)


def _plain(b: PdfBuilder, page: Page, x: float, y: float, s: str, size: float) -> None:
    b.text(page, x, y, s, size)


def report_pdf(
    doc: dict,
    *,
    cell: Callable[[str], Draw | None] | None = None,
    title_lines: list[str] | None = None,
    size: float = 7.5,
    vertical: frozenset[str] = frozenset(),
    scaled_rules: bool = False,
    open_bottom: bool = False,
) -> bytes:
    """The report ``doc`` (title, tables 2, 3 and 4) as a PDF with ruled tables. ``cell(text)``
    may return a drawing function to use for the cell showing ``text`` (to alter its glyphs);
    text longer than its cell wraps onto more lines within it, text in ``vertical`` is set one
    character a line. ``scaled_rules``: each cell's border a rectangle path drawn under a
    scaling matrix (``cm``), as some producers write; ``open_bottom``: the last table has no
    rule along its foot (a table cut by a page break)."""
    b = PdfBuilder()
    page = b.page()
    left, right = 50.0, WIDTH - 50.0
    y = HEIGHT - 60.0
    for line in title_lines or [publications.title(doc)]:
        b.text(page, left, y, line, 14)
        y -= 22
    tables = publications.tables(doc)
    last = tables[-1][0]
    for heading, spec in tables:
        rows = publications.expand(spec)
        n_cols = max(len(r) for r in rows)
        label_cols = _label_columns(spec, n_cols)
        label_w = 200.0 / max(label_cols, 1)
        num_w = (right - left - 200.0) / max(n_cols - label_cols, 1)
        xs = [left]
        for c in range(n_cols):
            xs.append(xs[-1] + (label_w if c < label_cols else num_w))
        row_h = 16.0
        if y - row_h * (len(spec) + 2) < 40:
            page, y = b.page(), HEIGHT - 60.0
        b.text(page, left, y, heading, 11)
        y -= 8
        top = y
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(spec):
            c = 0
            for text, rs, cs in row:
                while (r, c) in taken:
                    c += 1
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                x0, x1 = xs[c], xs[c + cs]
                y1 = top - r * row_h
                y0 = y1 - rs * row_h
                foot = open_bottom and heading == last and r + rs == len(spec)
                if scaled_rules:
                    b.raw(
                        page,
                        f"q 2 0 0 2 0 0 cm 0.25 w {x0 / 2:.2f} {y0 / 2:.2f} "
                        f"{(x1 - x0) / 2:.2f} {(y1 - y0) / 2:.2f} re S Q",
                    )
                else:
                    for a, bb, cc, d in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)):
                        if not (foot and bb == d == y0):
                            b.line(page, a, bb, cc, d)
                _cell_text(b, page, text, x0, y0, x1, y1, size, cell, text in vertical)
                c += cs
        y = top - len(spec) * row_h - 24
    return b.build()


def _label_columns(spec: publications.Spec, n_cols: int) -> int:
    """How many columns of the first row hold labels (before the first numeric column)."""
    width = 0
    for text, _rs, cs in spec[-1]:
        if text and publications.shown(text).replace(".", "").replace("-", "").isdigit():
            break
        width += cs
    return max(1, min(width, n_cols - 1))


def _cell_text(
    b: PdfBuilder,
    page: Page,
    text: str,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    size: float,
    cell: Callable[[str], Draw | None] | None,
    upright: bool = False,
) -> None:
    if not text:
        return
    draw = (cell(text) if cell else None) or _plain
    room = x1 - x0 - 4
    lines: list[str] = []
    current = ""
    for ch in text:
        if (upright or b.width(current + ch, size) > room) and current:
            lines.append(current)
            current = ""
        current += ch
    lines.append(current)
    height = (y1 - y0) - 2
    step = min(size * 1.1, height / len(lines))
    glyph = min(size, step / 1.1)
    # the glyph box runs from 0.12 below the baseline to 0.88 above it
    first = y1 - (y1 - y0 - step * len(lines)) / 2 - (step - glyph) / 2 - 0.88 * glyph
    for k, line in enumerate(lines):
        draw(b, page, x0 + 2, first - k * step, line, glyph)
