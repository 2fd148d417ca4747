"""How a list prints: A4 landscape, every column on the page's width, the header repeated on
each page, wrapped text in rows as tall as it needs (saved, since not every program measures
rows as it opens a file). Used by the annotated copy's 校验结果 and the summary's lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LINE_HEIGHT = 16.5  # points per line of 11-point text, with its leading
# The footer is drawn inside the bottom margin, from the footer distance up: the room between
# them (in inches) holds a line of footer text whole (LibreOffice cuts what does not fit).
BOTTOM_MARGIN = 0.85
FOOTER_DISTANCE = 0.3


def text_width(text: str) -> int:
    """Width of a text in a column's units: a CJK or full-width character (three bytes in
    UTF-8) takes two, an ASCII one one."""
    return len(text) + (len(text.encode("utf-8", "replace")) - len(text)) // 2


def lines_needed(row: Sequence[Any], wrap: Mapping[int, float]) -> int:
    """Lines the tallest wrapped cell of ``row`` needs; ``wrap`` maps a column (from 1) to its width."""
    lines = 1
    for col, width in wrap.items():
        if col <= len(row) and type(v := row[col - 1]) is str and len(v) * 2 > width:
            lines = max(lines, sum(-(-text_width(part) // max(1, int(width) - 1)) or 1 for part in v.split("\n")))
    return lines


def print_setup(ws: Any, title_rows: str = "1:1") -> None:
    """A4 landscape, fit to the page's width (as many pages down as it takes), ``title_rows``
    repeated on each page, centred, page numbers in the footer (an openpyxl worksheet)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = BOTTOM_MARGIN
    ws.page_margins.footer = FOOTER_DISTANCE
    ws.page_margins.header = FOOTER_DISTANCE
    ws.oddFooter.center.text = f"{ws.title}　第 &P 页，共 &N 页"


__all__ = ["BOTTOM_MARGIN", "FOOTER_DISTANCE", "LINE_HEIGHT", "lines_needed", "print_setup", "text_width"]
