"""Seeds and mutations of published reports for ``scripts/fuzz_reader.py``: web pages,
Markdown and text copies, Word files (and PDFs given with ``--corpus``).

The seeds are the seed reports published by nianbao itself (:mod:`nianbao.publish`: a web
page, Markdown, Word) and a text copy with a tab between cells. The mutations are the
hostile inputs of issue 24, placed at random and at random sizes: nesting far past what the
parser copes with, merged cells spanning millions of places, floods of empty cells, hidden
blocks with other numbers, Markdown marks that make patterns backtrack, lines of numbers
without a label, labels with invalid characters inside, lying or missing encodings, bad
bytes, zero bytes — and the byte flips and splices every format gets.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

TEXT_SUFFIXES = (".html", ".htm", ".md", ".txt")
BINARY_SUFFIXES = (".docx", ".pdf")
SUFFIXES = TEXT_SUFFIXES + BINARY_SUFFIXES

Snippet = Callable[[random.Random], str]


def _size(rng: random.Random, small: int = 100) -> int:
    """A count for a flood: mostly modest, sometimes far past any report."""
    return rng.choice([1, 2, small, small * 10, 3_999, 4_001, 20_000, 100_000, 400_000])


def seed_publications(seeds: Path) -> list[tuple[str, bytes]]:
    """(suffix, bytes) of valid publications of the seed reports."""
    from nianbao.publish import render
    from nianbao.publish.compose import compose

    out: list[tuple[str, bytes]] = []
    for f in sorted(seeds.glob("*.json"))[:2]:
        doc = json.loads(f.read_text(encoding="utf-8"))
        composed = compose(doc)
        html = render(composed, doc, ".html")
        out.append((".html", html))
        md = render(composed, doc, ".md")
        out.append((".md", md))
        out.append((".txt", _tabs(md.decode("utf-8")).encode("utf-8")))
        out.append((".docx", render(composed, doc, ".docx")))
    import fuzz_binary  # beside this script: a report as a hand-built PDF and as a Word file

    return out + fuzz_binary.seed_publications()


def _tabs(markdown: str) -> str:
    """A Markdown copy as a text copy with a tab between cells (张店's layout)."""
    lines = []
    for line in markdown.splitlines():
        s = line.strip()
        if s.startswith("|") and not set(s) <= set("|-: "):
            lines.append("\t".join(c.strip() for c in s.strip("|").split("|")))
        elif not (s.startswith("|") and set(s) <= set("|-: ")):
            lines.append(line.lstrip("#> ").replace("**", ""))
    return "\n".join(lines) + "\n"


# --- what is inserted --------------------------------------------------------------------------

HTML_SNIPPETS: list[Snippet] = [
    lambda rng: "<div>" * _size(rng),
    lambda rng: "<section><ul>" * _size(rng) + "x",
    lambda rng: "<span>" * _size(rng),
    lambda rng: "<table><tr><td>" * _size(rng, 10),
    lambda rng: "<table><tr>" + "<td rowspan=65535 colspan=1000000>1</td>" * _size(rng, 30) + "</tr></table>",
    lambda rng: "<table>" + ("<tr>" + "<td colspan=1000000>1</td>" * 30 + "</tr>") * _size(rng, 3) + "</table>",
    lambda rng: f"<td rowspan={rng.choice(['0', '-1', '1e9', 'x', '２', '99999999999999999999'])}>3</td>",
    lambda rng: "<table><tr>" + "<td>" * _size(rng) + "</table>",
    lambda rng: "<td></td>" * _size(rng),
    lambda rng: rng.choice(["&#xD800;", "&#0;", "&#x110000;", "&#65533;", "&#x202e;", "&nbsp;" * _size(rng)]),
    lambda rng: "<style>"
    + rng.choice(["/*", "{", "}", ".a{display:none}", "@media{", "*{display:none}", ";"]) * _size(rng)
    + "</style>",
    lambda rng: "<style>body, table, td, div { display: none }</style>",
    lambda rng: rng.choice(["<!--", "<script>", "<![CDATA[", "<textarea>", "<plaintext>", "<title>", "<svg>"]),
    lambda rng: "<" * _size(rng),
    lambda rng: "<p " + "a=1 " * _size(rng) + ">",
    lambda rng: '<meta charset="' + rng.choice(["utf-16", "gbk", "big5", "x-unknown", "utf-7", ""]) + '">',
    lambda rng: "\x00" * _size(rng, 3),
    lambda rng: "<b><i>" * _size(rng) + "x" + "</b>" * _size(rng),
]

TEXT_SNIPPETS: list[Snippet] = [
    lambda rng: "# " + " " * _size(rng) + "x",
    lambda rng: "# 标题" + " " * _size(rng) + "x",
    lambda rng: "**a " * _size(rng),
    lambda rng: "__a " * _size(rng),
    lambda rng: "*" * _size(rng) + "a",
    lambda rng: "|" * _size(rng),
    lambda rng: "x" + "\t" * _size(rng),
    lambda rng: "> " * _size(rng) + "x",
    lambda rng: "\\" * _size(rng),
    lambda rng: " " * _size(rng) + "-x",
    lambda rng: "| --- " * _size(rng) + "x",
    lambda rng: "#" * _size(rng, 7),
    lambda rng: "1\t2\t3\n" * _size(rng),
    lambda rng: "\n" * _size(rng),
    lambda rng: "\r" * _size(rng),
    lambda rng: "16\n" * _size(rng),
    lambda rng: "\x00" * _size(rng, 3),
    lambda rng: "\u2028\x1c\x85" * _size(rng, 3),
]

VALUES = ["1e308", "NaN", "-0", "9" * 400, "１２", "0件", "—", "1,234", "1.5", "-1", "5\u00b2", "3\u2460", "\ufffd",
          "\u202e", "\u001b]0;x\u0007", "局" * 200, "x" * 70_000]
_DIGITS = re.compile(r"\d+")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _insert(text: str, piece: str, rng: random.Random) -> str:
    where = rng.choice([0, len(text), rng.randrange(len(text) + 1)])
    return text[:where] + piece + text[where:]


def _at_line(text: str, piece: str, rng: random.Random) -> str:
    """A piece on a line of its own, between two lines."""
    lines = text.split("\n")
    k = rng.randrange(len(lines) + 1)
    return "\n".join(lines[:k] + [piece] + lines[k:])


def _spot(text: str, pattern: re.Pattern[str], rng: random.Random) -> tuple[int, int] | None:
    found = [m.span() for m in pattern.finditer(text[:200_000])]
    return rng.choice(found) if found else None


def mutate_page(data: bytes, rng: random.Random) -> bytes:
    """A web page given one of the hostile shapes of issue 24."""
    text = data.decode("utf-8", "surrogatepass")
    op = rng.randrange(6)
    if op == 0:
        text = _insert(text, rng.choice(HTML_SNIPPETS)(rng), rng)
    elif op == 1:  # part of the page hidden, or hidden numbers before it
        i = rng.randrange(len(text) + 1)
        j = rng.randrange(i, len(text) + 1)
        how = rng.choice(['style="display:none"', "hidden", 'style="visibility: hidden"', 'class="h"'])
        style = "<style>.h{display:none}</style>" if how == 'class="h"' else ""
        text = text[:i] + f"{style}<div {how}>" + text[i:j] + "</div>" + text[j:]
    elif op == 2:
        return _encoded(text, rng)
    elif op == 3:
        text = _value(text, rng)
    elif op == 4:
        text = _label(text, rng)
    else:
        text = _lines(text, rng)
    return text.encode("utf-8", "surrogatepass")


def mutate_text(data: bytes, rng: random.Random) -> bytes:
    """A text or Markdown copy given one of the hostile shapes of issue 24."""
    text = data.decode("utf-8", "surrogatepass")
    op = rng.randrange(5)
    if op == 0:
        text = _at_line(text, rng.choice(TEXT_SNIPPETS)(rng), rng)
    elif op == 1:
        return _encoded(text, rng)
    elif op == 2:
        text = _value(text, rng)
    elif op == 3:
        text = _label(text, rng)
    else:
        text = _lines(text, rng)
    return text.encode("utf-8", "surrogatepass")


def _encoded(text: str, rng: random.Random) -> bytes:
    """The text in another encoding (with or without its BOM, under a lying declaration), or
    with bad bytes here and there."""
    codec = rng.choice(["utf-16-le", "utf-16-be", "gb18030", "big5", "utf-8-sig", "utf-8"])
    text = text.replace('charset="utf-8"', f'charset="{rng.choice(["gbk", "utf-8", "big5", "utf-16"])}"')
    data = text.encode(codec, errors="replace")
    if rng.random() < 0.5:
        for _ in range(rng.choice([1, 2, 17, 200])):
            k = rng.randrange(len(data) + 1)
            data = data[:k] + bytes([rng.choice([0xFF, 0x80, 0xED, 0x00, 0xA0])]) + data[k:]
    return data


def _value(text: str, rng: random.Random) -> str:
    spot = _spot(text, _DIGITS, rng)
    if spot is None:
        return text
    i, j = spot
    return text[:i] + rng.choice(VALUES) + text[j:]


def _label(text: str, rng: random.Random) -> str:
    """A character no text holds inside a label (or any run of Chinese)."""
    spot = _spot(text, _HAN, rng)
    if spot is None:
        return text
    i, j = spot
    k = rng.randrange(i + 1, j)
    return text[:k] + rng.choice(["&#xD800;", "\ud800", "\ufffd", "\u200b", "\n", "\t", "|", " "]) + text[k:]


def _lines(text: str, rng: random.Random) -> str:
    """Lines repeated (a table printed twice, or a thousand times), dropped or reordered."""
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randrange(1, 40))
    chunk = lines[i:j]
    op = rng.randrange(3)
    if op == 0:
        lines[j:j] = chunk * rng.choice([1, 2, 1000])
    elif op == 1:
        del lines[i:j]
    else:
        rng.shuffle(chunk)
        lines[i:j] = chunk
    return "\n".join(lines)


def mutators_for(suffix: str, binary: dict[str, Callable[[bytes, random.Random], bytes]]) -> dict[
    str, Callable[[bytes, random.Random], bytes]
]:
    """The mutations of a published format: its own, and byte flips and splices (``binary``:
    the workbook mutators of ``fuzz_reader``, whose zip mutations serve Word files too)."""
    bytewise = {k: binary[k] for k in ("flip_bytes", "splice_bytes")}
    if suffix in (".html", ".htm"):
        return {"mutate_page": mutate_page, **bytewise}
    if suffix in (".md", ".txt"):
        return {"mutate_text": mutate_text, **bytewise}
    import fuzz_binary  # PDF and Word generators: hidden text, odd matrices, surrogate maps, nesting, spans

    own = fuzz_binary.PUBLICATION_MUTATORS.get(suffix, {})
    if suffix == ".docx":
        zipped = ("flip_bytes", "splice_bytes", "mutate_entries", "mutate_directory", "mutate_xml")
        return {**{k: binary[k] for k in zipped}, **{f"binary_{k}": v for k, v in own.items()}}
    return {**bytewise, **{f"binary_{k}": v for k, v in own.items()}}
