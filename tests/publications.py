"""Render a report document as agencies publish it: web page, Word, text copies.

Layouts follow the official form as printed (merged header cells, the label column of
table 3 three cells wide with 三、本年度办理结果 and （三）（四）（五） spanning their rows) and
the seeds' text copies: tab rows with empty fields where cells were merged (张店), pipe
rows (阿荣旗), one cell a line (安阳), markdown tables. Labels come from nianbao.core.forms.
"""

from __future__ import annotations

import html as _html
from typing import Any

from nianbao.core.forms import FORMS, LEGAL_PERSON, LITIGATION, REPORT_TITLE

# A table: rows of cells (text, rowspan, colspan).
Spec = list[list[tuple[str, int, int]]]


def shown(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return format(v, "f").rstrip("0").rstrip(".") if "." in format(v, "f") else format(v, "f")
    return str(v)


def _get(doc: dict, path: tuple[str, ...]) -> Any:
    node: Any = doc
    for k in path:
        node = node.get(k) if isinstance(node, dict) else None
    return node


def tables(doc: dict, appeals: str = "row") -> list[tuple[str, Spec]]:
    """(title, table) for tables 2, 3 and 4. Table 4 as the form prints it (``appeals="row"``:
    three header rows over one row of fifteen numbers), or a row per group under the five
    result columns as many sites print it: ``"merged"`` with 行政诉讼 in a cell spanning its
    two groups' rows, ``"heading"`` with each group in one cell ("行政诉讼（复议后起诉）")."""
    form = FORMS[doc["form"]]
    out = []
    t2 = form.table("active")
    width = 1 + max(len(g.columns) for g in t2.groups)
    spec: Spec = []
    for g in t2.groups:
        spec.append([(g.label, 1, width)])
        pad = [("", 1, 1)] * (width - 1 - len(g.columns))
        spec.append([(g.row_header, 1, 1)] + [(c.label, 1, 1) for c in g.columns] + pad)
        for r in g.rows:
            spec.append(
                [(r.label, 1, 1)] + [(shown(_get(doc, ("active", r.key, c.key))), 1, 1) for c in g.columns] + pad
            )
    out.append((t2.title, spec))

    t3 = form.table("applications")
    cols = t3.columns
    legal = [c for c in cols if c.parent == LEGAL_PERSON]
    spec = [
        [(t3.note, 3, 3), (t3.column_header, 1, len(cols))],
        [(cols[0].label, 2, 1), (LEGAL_PERSON, 1, len(legal)), (cols[-1].label, 2, 1)],
        [(c.label, 1, 1) for c in legal],
    ]

    def values(path: tuple[str, ...]) -> list[tuple[str, int, int]]:
        return [(shown(_get(doc, ("applications", *path, c.key))), 1, 1) for c in cols]

    def leaves(row) -> int:
        return 1 if row.is_leaf else sum(leaves(ch) for ch in row.children)

    for top in t3.rows:
        if top.is_leaf:
            spec.append([(top.label, 1, 3)] + values((top.key,)))
            continue
        first_top = True
        for mid in top.children:
            lead = [(top.label, leaves(top), 1)] if first_top else []
            first_top = False
            if mid.is_leaf:
                spec.append(lead + [(mid.label, 1, 2)] + values((top.key, mid.key)))
                continue
            for i, leaf in enumerate(mid.children):
                head = lead + [(mid.label, len(mid.children), 1)] if i == 0 else []
                lead = []
                spec.append(head + [(leaf.label, 1, 1)] + values((top.key, mid.key, leaf.key)))
    out.append((t3.title, spec))

    t4 = form.table("appeals")
    review, direct, after = t4.groups
    if appeals == "row":
        spec = [
            [(review.label, 1, 5), (LITIGATION, 1, 10)],
            [(c.label, 2, 1) for c in review.columns] + [(direct.label, 1, 5), (after.label, 1, 5)],
            [(c.label, 1, 1) for c in direct.columns] + [(c.label, 1, 1) for c in after.columns],
            [(shown(_get(doc, ("appeals", g.key, c.key))), 1, 1) for g in t4.groups for c in g.columns],
        ]
    else:
        merged = appeals == "merged"
        spec = [[("", 1, 2 if merged else 1)] + [(c.label, 1, 1) for c in review.columns]]
        for i, g in enumerate(t4.groups):
            if not merged:
                head = [(g.heading, 1, 1)]
            elif g.parent is None:
                head = [(g.label, 1, 2)]
            else:
                lead = [(g.parent, sum(1 for h in t4.groups if h.parent == g.parent), 1)]
                head = (lead if t4.groups[i - 1].parent != g.parent else []) + [(g.label, 1, 1)]
            spec.append(head + [(shown(_get(doc, ("appeals", g.key, c.key))), 1, 1) for c in g.columns])
    out.append((t4.title, spec))
    return out


def title(doc: dict) -> str:
    return f"{doc['agency']['name']}{doc['year']}年{REPORT_TITLE}"


PROSE = "根据《中华人民共和国政府信息公开条例》规定，现公布本机关年度报告。本报告所列数据统计期限为1月1日至12月31日。"


def expand(spec: Spec) -> list[list[str | None]]:
    """The table as a full grid; None where a merged cell covers."""
    grid: dict[tuple[int, int], str | None] = {}
    for r, row in enumerate(spec):
        c = 0
        for text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text if dr == dc == 0 else None
            c += cs
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(spec))]


# ---------------------------------------------------------------------------------------
# Web page


def to_html(doc: dict, *, nav: bool = True, encoding: str = "utf-8", appeals: str = "row") -> bytes:
    e = _html.escape
    parts = [
        f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{e(title(doc))}</title>',
        "<style>td{border:1px solid #000}</style><script>var x = '<td>1</td>';</script></head><body>",
    ]
    if nav:
        parts.append('<div class="nav"><a href="/">首页</a> &gt; <a>政务公开</a> &gt; 政府信息公开工作年度报告</div>')
        parts.append("<table><tr><td>访问量</td><td>12345</td></tr><tr><td>更新</td><td>2021-01-20</td></tr></table>")
    parts.append(f"<h1>{e(title(doc))}</h1><p>{PROSE}</p><p>一、总体情况</p><p>{PROSE}</p>")
    for t, spec in tables(doc, appeals):
        parts.append(f'<p><strong>{e(t)}</strong></p><table border="1">')
        for row in spec:
            parts.append(
                "<tr>"
                + "".join(
                    f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>{e(text)}</td>"
                    for text, rs, cs in row
                )
                + "</tr>"
            )
        parts.append("</table>")
    parts.append(f"<p>五、存在的主要问题及改进情况</p><p>{PROSE}</p>")
    if nav:
        parts.append('<div class="footer">主办单位：某某人民政府办公室 ICP备12345678号</div>')
    parts.append("</body></html>")
    return "\n".join(parts).encode(encoding)


# ---------------------------------------------------------------------------------------
# Text copies


def to_text(doc: dict, layout: str, appeals: str = "row") -> str:
    """``tabs`` (张店), ``pipes`` (阿荣旗), ``cells`` (安阳: one cell a line), ``markdown``, and
    the layouts of copies that are not one row a line (:data:`LAYOUTS`)."""
    lines = [title(doc), "", PROSE, "一、总体情况", PROSE, ""]
    for t, spec in tables(doc, appeals):
        lines.append(t)
        grid = expand(spec)
        if layout == "cells":
            for row in spec:
                for text, _, _ in row:
                    if text:
                        lines += [text, ""]
        elif layout == "tabs":
            lines += ["\t".join(x or "" for x in row) for row in grid]
        elif layout == "pipes":
            lines += [" | ".join(x or "" for x in row) + " |" for row in grid]
        elif layout == "markdown":
            lines.append("| " + " | ".join(x or "" for x in grid[0]) + " |")
            lines.append("|" + "---|" * len(grid[0]))
            lines += ["| " + " | ".join(x or "" for x in row) + " |" for row in grid[1:]]
        elif layout in LAYOUTS:
            lines += LAYOUTS[layout](grid)
        else:
            raise ValueError(layout)
        lines.append("")
    lines += ["五、存在的主要问题及改进情况", PROSE]
    return "\n".join(lines) + "\n"


def _filled(row: list[str | None]) -> list[str]:
    return [x for x in row if x]


def _is_number(x: str) -> bool:
    return x.replace(".", "", 1).isdigit()


def _aligned(grid: list[list[str | None]]) -> list[str]:
    """Columns aligned with spaces, as ``pdftotext -layout`` prints a table: merged and blank
    cells are spaces, at least two between cells."""
    widths = [max(len(row[c] or "") for row in grid) + 2 for c in range(len(grid[0]))]
    return ["".join((x or "").ljust(w) for x, w in zip(row, widths, strict=True)).rstrip() for row in grid]


def _plain(grid: list[list[str | None]]) -> list[str]:
    """Each row a plain line, its cells one space apart (``行政许可 97``)."""
    return [" ".join(_filled(row)) for row in grid]


def _indented(grid: list[list[str | None]]) -> list[str]:
    """A web table copied into a text box: each text cell on a line, each number on a line of
    its own after a tab, a blank line between rows."""
    out: list[str] = []
    for row in grid:
        out += [f"\t{x}" if _is_number(x) else x for x in _filled(row)]
        out.append("")
    return out


def _broken(grid: list[list[str | None]], pieces: int) -> list[str]:
    """Long row labels broken over lines (two or three pieces) with the row's numbers on a line
    between them, as a PDF converted to text breaks a narrow cell; other rows one a line."""
    out: list[str] = []
    for row in grid:
        cells = _filled(row)
        numbers = [x for x in cells if _is_number(x)]
        label = cells[len(cells) - len(numbers) - 1] if numbers and len(cells) > len(numbers) else ""
        if len(label) < 12:
            out.append("\t".join(cells))
            continue
        cut = [len(label) * k // pieces for k in range(pieces + 1)]
        parts = [label[a:b] for a, b in zip(cut, cut[1:], strict=False)]
        if pieces == 2:
            out += [parts[0], "\t".join(numbers), parts[1]]
        else:
            out += [parts[0], "\t".join([parts[1], *numbers]), parts[2]]
    return out


def _small_tables(grid: list[list[str | None]]) -> list[str]:
    """Each row a Markdown table of its own, a blank line between them."""
    out: list[str] = []
    for row in grid:
        cells = _filled(row)
        out += ["| " + " | ".join(cells) + " |", "|" + "---|" * len(cells), ""]
    return out


LAYOUTS = {
    "aligned": _aligned,
    "plain": _plain,
    "indented": _indented,
    "broken": lambda grid: _broken(grid, 2),
    "broken3": lambda grid: _broken(grid, 3),
    "small-tables": _small_tables,
}


def appeals_as_three_tables(doc: dict) -> str:
    """Table 4 as three five-column Markdown tables, one per group, under the group's name."""
    form = FORMS[doc["form"]]
    t4 = form.table("appeals")
    lines = [t4.title, ""]
    for g in t4.groups:
        lines += [g.label, "", "| " + " | ".join(c.label for c in g.columns) + " |", "|" + "---|" * len(g.columns)]
        lines += ["| " + " | ".join(shown(_get(doc, ("appeals", g.key, c.key))) for c in g.columns) + " |", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Word


def to_docx(doc: dict, path, appeals: str = "row") -> None:
    import docx

    d = docx.Document()
    d.add_heading(title(doc), level=1)
    d.add_paragraph(PROSE)
    for t, spec in tables(doc, appeals):
        d.add_paragraph(t)
        grid = expand(spec)
        table = d.add_table(rows=len(grid), cols=len(grid[0]))
        table.style = "Table Grid"
        width = len(grid[0])
        cells = table._cells  # the grid once: table.cell() recounts it at every call
        merges = []
        for r, row in enumerate(spec):
            origins = [c for c, x in enumerate(grid[r]) if x is not None]
            for (text, rs, cs), c in zip(row, origins, strict=True):
                cells[r * width + c].text = text
                if rs > 1 or cs > 1:
                    merges.append((r * width + c, (r + rs - 1) * width + c + cs - 1))
        for a, b in merges:
            cells[a].merge(cells[b])
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph(PROSE)
    d.save(str(path))
