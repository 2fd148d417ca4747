"""Text copied from inputs into outputs must never become a formula.

A cell or CSV field that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return followed by one) is read as a formula by Excel, WPS, LibreOffice and most CSV
readers. :func:`safe_text` prefixes such text with a single quote, the guard spreadsheet
users recognise (for CSV files and listings). Workbook writers that can do better store the
text unchanged as a string cell with Excel's "quote prefix" style (see nianbao.excel.template),
so that it round-trips exactly and still never becomes a formula.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(value: Any) -> bool:
    """Text that a spreadsheet or CSV reader would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_text(value: Any) -> Any:
    """``value`` unchanged unless it is text that a spreadsheet would take for a formula, or
    that holds surrogates (a file name that is not UTF-8, a lone surrogate read from JSON:
    shown escaped by :func:`unsurrogated`) or control characters (shown escaped, ``\\x1b``):
    no workbook can hold them, and no reader of a CSV wants them."""
    if type(value) is str and value.isprintable() and not value.startswith(FORMULA_STARTS):
        return value  # the common case (surrogates and control characters are not printable)
    if isinstance(value, str):
        value = unsurrogated(value)
        if not value.isprintable():  # control characters: no workbook can hold them
            value = _CONTROLS.sub(_escaped, value)
    if looks_like_formula(value):
        return "'" + value
    return value


# ---------------------------------------------------------------------------------------
# Text shown on a terminal or written as UTF-8

# Control characters (C0, DEL, C1), the marks that reorder text on screen (bidi overrides and
# isolates), and surrogates: none is shown as it is. A cell holding ESC ] 0 ; … BEL would
# otherwise retitle the terminal, and a lone surrogate cannot be written as UTF-8.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ESCAPE_SURROGATES = re.compile("[\ud800-\udfff]+")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escaped(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def unsurrogated(text: str, names: bool = True) -> str:
    """``text`` with each surrogate shown as an escape: a byte of a file name that was not
    UTF-8 (Python keeps it as ``\\udcXX``, see :func:`os.fsdecode`) as ``\\xXX``, a lone
    surrogate read from JSON as ``\\udXXX`` (every surrogate so, with ``names=False``: text
    that is no file name). The result can always be written as UTF-8."""
    if not _ESCAPE_SURROGATES.search(text):
        return text
    return _ESCAPE_SURROGATES.sub(_surrogates if names else _code_points, text)


def _code_points(m: re.Match[str]) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in m.group())


def _surrogates(m: re.Match[str]) -> str:
    run = m.group()
    try:
        return os.fsencode(run).decode("utf-8", "backslashreplace")  # bytes of a file name
    except UnicodeError:
        return "".join(f"\\u{ord(c):04x}" for c in run)


def printable(value: Any) -> str:
    """Text from an input as a terminal may show it: control characters, reordering marks
    and surrogates escaped (``\\x1b``, ``\\u202e``, ``\\xff`` for a byte of a file name that is
    not UTF-8). One line stays one line (line breaks are escaped too)."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and text.isascii():
        return text
    text = unsurrogated(text)
    return _UNSHOWABLE.sub(_escaped, text)


def brief(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: at most ``limit`` characters (a 15-million-character
    name is not repeated in every message about it)."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(text)} 个字符）"


def json_text(document: Any, indent: int | None = 2, sort_keys: bool = False) -> str:
    """``document`` as JSON text that is always valid UTF-8: characters as they are
    (``ensure_ascii=False``), but surrogates (file names that were not UTF-8, lone ones read
    from JSON) as ``\\uXXXX`` escapes, as ``ensure_ascii`` would write them."""
    text = json.dumps(document, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    if not _ESCAPE_SURROGATES.search(text):
        return text
    return _ESCAPE_SURROGATES.sub(lambda m: "".join(f"\\u{ord(c):04x}" for c in m.group()), text)


def without_surrogates(node: Any) -> Any:
    """A JSON document with each lone surrogate (``"\\ud800"`` in a JSON text: no character,
    and no UTF-8 can hold it) in its keys and strings written out as that escape, as text.
    For documents whose nesting is bounded (the JSON reader refuses deeper ones)."""
    if isinstance(node, str):
        return unsurrogated(node, names=False)
    if isinstance(node, dict):
        return {unsurrogated(k, names=False): without_surrogates(v) for k, v in node.items()}
    if isinstance(node, list):
        return [without_surrogates(v) for v in node]
    return node
