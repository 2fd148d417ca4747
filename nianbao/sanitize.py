"""Text copied from inputs into outputs must never become a formula.

A cell or CSV field that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return followed by one) is read as a formula by Excel, WPS, LibreOffice and most CSV
readers. :func:`safe_text` prefixes such text with an apostrophe-free guard: a leading
single quote is what spreadsheet users recognise, and it survives a round trip as text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_text(value: Any) -> Any:
    """``value`` unchanged unless it is text that a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
