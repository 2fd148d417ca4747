"""Saved web pages (``.html``/``.htm``) into rows of cells.

Parsed with selectolax (the lexbor HTML5 parser: a page as browsers see it, unclosed tags
and all, about ten times quicker than lxml here; see scripts/bench_import.py). Each
innermost ``<table>`` becomes rows of cells with ``rowspan``/``colspan`` expanded; the text
around the tables (title, headings, navigation, prose) becomes rows of one cell, a line per
block element. A table that only lays out the page (it holds other tables) is walked like
any other block.
"""

from __future__ import annotations

from typing import Any

from .grid import Grid, table_rows
from .inline import rendered_text
from .text import decode

PLACE = "正文"
_SKIP = frozenset({"script", "style", "noscript", "head", "template", "svg", "select", "option", "iframe"})
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "title",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "center",
        "hr",
        "body",
        "html",
    }
)


def _span(value: str | None) -> int:
    if not value:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), 1000))
    except ValueError:
        return 1


def _cell_text(node: Any) -> str:
    return rendered_text(node, _BLOCK, _SKIP)  # inline runs joined as a browser shows them


def html_grid(raw: bytes) -> Grid:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(decode(raw, declared=True))
    root = tree.root
    grid: Grid = []
    line: list[str] = []
    counter = {"table": 0, "line": 0}

    def flush() -> None:
        text = " ".join("".join(line).split())
        line.clear()
        if text:
            counter["line"] += 1
            from .grid import Cell

            grid.append((Cell(text, PLACE, f"第 {counter['line']} 段"),))

    def table(node: Any) -> None:
        rows = []
        for tr in node.css("tr"):
            cells = []
            for td in tr.iter(include_text=False):
                if td.tag in ("td", "th"):
                    attrs = td.attributes  # a fresh dict at each call: once per cell
                    cells.append((_cell_text(td), _span(attrs.get("rowspan")), _span(attrs.get("colspan"))))
            if cells:
                rows.append(cells)
        counter["table"] += 1
        grid.extend(table_rows(rows, f"表格 {counter['table']}"))

    def walk(node: Any) -> None:
        child = node.child
        while child is not None:
            tag = child.tag
            if tag == "-text":
                line.append(child.text_content or "")
            elif tag in _SKIP or tag == "_comment" or tag == "-comment":
                pass
            elif tag == "table" and child.css_first("table table") is None and not _nested(child):
                flush()
                table(child)
            else:
                block = tag in _BLOCK
                if block:
                    flush()
                walk(child)
                if block:
                    flush()
            child = child.next

    walk(root if root is not None else tree.body)
    flush()
    return grid


def _nested(node: Any) -> bool:
    for inner in node.css("table"):
        if inner is not None and inner.mem_id != node.mem_id:
            return True
    return False
