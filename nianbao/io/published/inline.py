"""A web page's cell text as a browser shows it.

Inline elements run together (``<span>2</span><span>0</span>`` is "20", as on screen); a block
element (``<p>``, ``<br>``, ``<div>``) begins a new line, read as a space; white space in the
source collapses to one space. So a number split across inline elements is one number again,
and a space a browser would show inside a number is still there, for the recogniser to name.
"""

from __future__ import annotations

import re
from typing import Any

_SPACE = re.compile(r"\s")


def rendered_text(cell: Any, blocks: frozenset[str], skip: frozenset[str]) -> str:
    """The text of ``cell`` (a selectolax node) as rendered: ``blocks`` are the tags that break
    a line, ``skip`` those whose content is never shown."""
    text: str = cell.text(deep=True, separator=" ")
    if not _SPACE.search(text):  # one run of text: nothing joined, nothing to collapse (the common case)
        return text
    out: list[str] = []
    stack: list[Any] = []
    _push_children(cell, stack)
    while stack:
        node = stack.pop()
        if node is None:  # the end of a block
            out.append(" ")
            continue
        tag = node.tag
        if tag == "-text":
            out.append(node.text_content or "")
        elif tag in skip or tag in ("_comment", "-comment"):
            continue
        else:
            if tag in blocks:
                out.append(" ")
                stack.append(None)
            _push_children(node, stack)
    return " ".join("".join(out).split())


def _push_children(node: Any, stack: list[Any]) -> None:
    child = node.last_child
    while child is not None:
        stack.append(child)
        child = child.prev
