"""Text copied from inputs into outputs must never become a formula.

A cell or CSV field that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return followed by one) is read as a formula by Excel, WPS, LibreOffice and most CSV
readers. :func:`safe_text` prefixes such text with a single quote, the guard spreadsheet
users recognise (for CSV files and listings). Workbook writers that can do better store the
text unchanged as a string cell with Excel's "quote prefix" style (see nianbao.excel.template),
so that it round-trips exactly and still never becomes a formula.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(value: Any) -> bool:
    """Text that a spreadsheet or CSV reader would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_text(value: Any) -> Any:
    """``value`` unchanged unless it is text that a spreadsheet would take for a formula."""
    if looks_like_formula(value):
        return "'" + value
    return value
