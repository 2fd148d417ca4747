"""Saved web pages (``.html``/``.htm``) into rows of cells.

Parsed with selectolax (the lexbor HTML5 parser: a page as browsers see it, unclosed tags
and all, about ten times quicker than lxml here; see scripts/bench_import.py). Each
innermost ``<table>`` becomes rows of cells with ``rowspan``/``colspan`` expanded; the text
around the tables (title, headings, navigation, prose) becomes rows of one cell, a line per
block element. A table that only lays out the page (it holds other tables) is walked like
any other block.

What a browser does not show is not read: an element with the ``hidden`` attribute, an
inline ``display:none`` or ``visibility:hidden``, or a ``<style>`` rule saying so (rules at
the top level of the page's style sheets; ``@media`` blocks are left alone). When such
content holds numbers or a table, a note says it was there and was not read.

A page is bounded before it is parsed: at most :data:`MAX_TAGS` tags, and the parser's work
on elements left open one inside another at most :data:`MAX_PARSE_WORK` steps (it grows with
the square of that depth: 200,000 open ``<div>``\\ s would take minutes). The page is walked
without recursion, so any depth the parser builds is walked.
"""

from __future__ import annotations

import re
from typing import Any

from .grid import Budget, Cell, Grid, table_rows
from .inline import rendered_text
from .noted import NotedGrid
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

# A page of a few hundred KB has some thousands of tags; a report's page never 400,000.
MAX_TAGS = 400_000
# The HTML5 parser's work on open elements: each start tag below looks through every element
# open at that moment (a <p> to close "in button scope"); 200,000 <div>s one inside another
# take a minute, a real page a few thousand steps. Counted before parsing, at most this many.
MAX_PARSE_WORK = 100_000_000
# Below this many tags, no nesting can cost the parser anything worth counting.
_CHEAP_TAGS = 10_000
_SCOPE_CHECKING = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer "
    "form header hgroup main menu nav ol pre listing search section summary ul xmp p h1 h2 h3 h4 h5 h6 li dd dt "
    "button plaintext hr table".split()
)
# start tags that open nothing (void) or that the parser closes by themselves at the next of
# their kind: they add no depth (an unclosed <p> or <li> is everyday HTML)
_FLAT = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen p li dt dd option optgroup "
    "tr td th tbody thead tfoot rb rt rp colgroup caption head body html".split()
)
# a tag and its attributes as the tokenizer takes them (quoted values whole, possessive: one way
# to match), so that "<table" inside another tag's attributes (``<td co<table>``) is no tag
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9]{0,15})(?:[^>"']|"[^"]*"|'[^']*')*+>?""")
# Tags the parser drops (a cell outside any table, an end tag nothing opened, a second
# <body>): it keeps each one's attributes in a way that grows with the square of their number
# (40,000 of them: 500 MB). A page of a few thousand tags has a handful.
MAX_STRAY = 10_000
_TABLE_PARTS = frozenset("td th tr tbody thead tfoot caption col colgroup".split())
_ONCE = frozenset("html head body frameset frame".split())

_HIDING = re.compile(r"(?:^|[;\s])(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))(?![\w-])", re.I)
_DIGIT = re.compile(r"\d")
MAX_STYLE_RULES = 500  # hiding rules of <style> elements evaluated
MAX_STYLE_WORK = 20_000_000  # rules × tags: a few seconds of matching at most


class PageTooLarge(ValueError):
    """A page beyond any report's; ``str(error)`` is the Chinese message."""


def _span(value: str | None) -> int:
    if not value:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), 1000))
    except ValueError:
        return 1


def _cell_text(node: Any) -> str:
    return rendered_text(node, _BLOCK, _SKIP)  # inline runs joined as a browser shows them


def check_page(text: str) -> None:
    """Refuse, before parsing, a page with more tags than any report's, or elements left open
    one inside another so deep that the parser's work on them (:data:`MAX_PARSE_WORK`) would
    take minutes."""
    tags = text.count("<")
    if tags <= _CHEAP_TAGS:
        return
    if tags > MAX_TAGS:
        raise PageTooLarge(f"网页有 {tags:,} 个标记，远超任何年度报告的网页（通常几千个），未读取")
    depth = work = stray = 0
    open_: dict[str, int] = {}
    flat: dict[str, int] = {}  # (elements closed by the next of their kind: counted apart)
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if m.group(1):
            if open_.get(name):
                open_[name] -= 1
                depth -= 1
            elif flat.get(name):
                flat[name] -= 1
            else:
                stray += 1
        elif name in _TABLE_PARTS and not open_.get("table") or name in _ONCE and flat.get(name):
            stray += 1
        if stray > MAX_STRAY:
            raise PageTooLarge(
                f"网页中有超过 {MAX_STRAY:,} 个无效的标记（不在表格内的单元格、没有开始的结束标记等），"
                "远超任何年度报告的网页，未读取"
            )
        if m.group(1):
            continue
        if name in _SCOPE_CHECKING:
            work += depth
            if work > MAX_PARSE_WORK:
                raise PageTooLarge(
                    f"网页的元素层层嵌套、未闭合（此处已有 {depth:,} 层，如 <{name}>），"
                    "远超任何年度报告的网页（通常几十层），未读取"
                )
        if name == "table" and open_.get("table", 0) > flat.get("td", 0) + flat.get("th", 0):
            # a table straight inside another, not in a cell: the parser ends the first one here,
            # so cells that follow its end tag are outside any table
            open_["table"] -= 1
            depth -= 1
        if name not in _FLAT:
            open_[name] = open_.get(name, 0) + 1
            depth += 1
        else:
            flat[name] = flat.get(name, 0) + 1


def html_grid(raw: bytes) -> Grid:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    notes: list[str] = []
    text = decode(raw, declared=True, notes=notes)
    check_page(text)
    tree = HTMLParser(text)
    root = tree.root
    grid = NotedGrid(notes=notes)
    budget = Budget(what="网页")
    line: list[str] = []
    counter = {"table": 0, "line": 0}
    hidden = _hidden(tree, text.count("<"), notes)
    inner = _layout_tables(tree)
    hidden_seen: list[str] = []

    def flush() -> None:
        text = " ".join("".join(line).split())
        line.clear()
        if text:
            counter["line"] += 1
            budget.take(1)
            grid.append((Cell(text, PLACE, f"第 {counter['line']} 段"),))

    def table(node: Any) -> None:
        rows = []
        for tr in node.css("tr"):
            cells = []
            for td in tr.iter(include_text=False):
                if td.tag in ("td", "th") and not (hidden and td.mem_id in hidden):
                    attrs = td.attributes  # a fresh dict at each call: once per cell
                    text = _visible_text(td, hidden, hidden_seen) if hidden else _cell_text(td)
                    cells.append((text, _span(attrs.get("rowspan")), _span(attrs.get("colspan"))))
            if cells and not (hidden and tr.mem_id in hidden):
                rows.append(cells)
        counter["table"] += 1
        grid.extend(table_rows(rows, f"表格 {counter['table']}", budget))

    stack: list[Any] = [root if root is not None else tree.body]
    while stack:
        node = stack.pop()
        if node is None:  # the end of a block element
            flush()
            continue
        tag = node.tag
        if tag == "-text":
            line.append(node.text_content or "")
        elif tag in _SKIP or tag == "_comment" or tag == "-comment":
            pass
        elif hidden and node.mem_id in hidden:
            _note_hidden(node, hidden_seen)
        elif tag == "table" and node.mem_id not in inner:
            flush()
            table(node)
        else:
            if tag in _BLOCK:
                flush()
                stack.append(None)
            children = []
            child = node.child
            while child is not None:
                children.append(child)
                child = child.next
            stack.extend(reversed(children))
    flush()
    if hidden_seen:
        shown = "；".join(hidden_seen[:3]) + ("……" if len(hidden_seen) > 3 else "")
        notes.append(
            f"网页中有 {len(hidden_seen)} 处浏览器不显示的内容（display:none、hidden 等）含有数字或表格，"
            f"未作为数据读取：{shown}"
        )
    return grid


def _visible_text(td: Any, hidden: set[int], seen: list[str]) -> str:
    """A cell's text without what is hidden inside it (``1<span hidden>6</span>`` is 1)."""
    parts: list[str] = []
    stack = [td.child] if td.child is not None else []
    while stack:
        node = stack.pop()
        if node.next is not None:
            stack.append(node.next)
        if node.tag == "-text":
            parts.append(node.text_content or "")
            parts.append(" ")
        elif node.mem_id in hidden:
            _note_hidden(node, seen)
        elif node.tag not in _SKIP and node.child is not None:
            stack.append(node.child)
    return " ".join("".join(parts).split())


def _note_hidden(node: Any, seen: list[str]) -> None:
    text = " ".join(node.text(deep=True, separator=" ").split())
    if node.tag == "table" or node.css_first("table") is not None or _DIGIT.search(text):
        seen.append(f"「{text[:40]}{'…' if len(text) > 40 else ''}」")


def _layout_tables(tree: Any) -> set[int]:
    """The tables that hold other tables (they only lay out the page), by ``mem_id``: each
    table marks the nearest table around it, so every node is climbed past about once."""
    out: set[int] = set()
    tables = tree.css("table")
    if len(tables) < 2:
        return out
    for t in tables:
        up = t.parent
        while up is not None and up.tag != "table":
            up = up.parent
        if up is not None:
            out.add(up.mem_id)
    return out


def _hidden(tree: Any, tags: int, notes: list[str]) -> set[int]:
    """The elements a browser does not show (by ``mem_id``): ``hidden``, inline styles, and
    the top-level rules of the page's ``<style>`` elements that hide what they select."""
    out: set[int] = set()
    for node in tree.css("[hidden]"):
        out.add(node.mem_id)
    for node in tree.css("[style]"):
        style = node.attributes.get("style") or ""
        if _HIDING.search(style):
            out.add(node.mem_id)
    selectors: dict[str, None] = {}  # each once, in order
    for style in tree.css("style"):
        selectors.update(dict.fromkeys(hiding_selectors(style.text(deep=True))))
    # each selector is matched against the whole page: as many as the page's size allows
    allowed = min(MAX_STYLE_RULES, MAX_STYLE_WORK // max(tags, 1))
    if len(selectors) > allowed:
        notes.append(
            f"网页的样式表有 {len(selectors):,} 条隐藏内容的规则，只检查了前 {allowed:,} 条；"
            "其余规则隐藏的内容可能被当作正文读取，请对照原件核对"
        )
    for selector in list(selectors)[:allowed]:
        try:
            found = tree.css(selector)
        except Exception:  # noqa: BLE001 - a selector lexbor does not take: nothing selected
            continue
        out.update(n.mem_id for n in found)
    return out


def hiding_selectors(css: str) -> list[str]:
    """The selectors of a style sheet's top-level rules that hide what they select
    (``display:none``, ``visibility:hidden``); rules inside ``@media`` and other at-rules are
    skipped. One pass, no backtracking: comments are cut with ``str.find``."""
    text = _without_comments(css)
    out: list[str] = []
    depth = 0
    start = 0  # where the current prelude began
    prelude = ""
    skipping = 0  # depth of an at-rule being skipped (0: none)
    body_start = 0
    i = 0
    n = len(text)
    j_open = j_close = -2  # the next "{" and "}" at or after i (-1: none left; -2: not looked)
    while i < n:
        if j_open != -1 and j_open < i:  # each looked up again only once passed: linear
            j_open = text.find("{", i)
        if j_close != -1 and j_close < i:
            j_close = text.find("}", i)
        if j_open < 0 and j_close < 0:
            break
        if j_open >= 0 and (j_close < 0 or j_open < j_close):
            if depth == 0:
                prelude = text[start:j_open].strip()
                if prelude.startswith("@"):
                    skipping = 1
            depth += 1
            i = j_open + 1
            body_start = i
        else:
            if depth == 1 and not skipping and _HIDING.search(text[body_start:j_close]) and prelude:
                out.append(prelude)
            depth = max(0, depth - 1)
            if depth == 0:
                skipping = 0
                start = j_close + 1
            i = j_close + 1
    return out


def _without_comments(css: str) -> str:
    if "/*" not in css:
        return css
    parts = []
    i = 0
    while True:
        j = css.find("/*", i)
        if j < 0:
            parts.append(css[i:])
            break
        parts.append(css[i:j])
        k = css.find("*/", j + 2)
        if k < 0:
            break
        i = k + 2
    return "".join(parts)
