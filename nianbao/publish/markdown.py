"""The report as Markdown (GFM pipe tables), for publishing systems that take Markdown.

A pipe table cannot merge cells, so each table is laid out so that no merge is needed and no
label is lost: table 2 as one small table per 第二十条 group (the group as a bold line above
it); table 3 with one label column, a row with sub-items standing on its own line above
them, and the columns under 法人或其他组织 headed "法人或其他组织：商业企业"; table 4 with a row
per group (行政复议, 行政诉讼（未经复议直接起诉）, …) and its five results as columns. The 勾稽关系
note is printed above table 3. Every label is the form's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.forms import FORMS, Row
from ..core.model import model
from .document import SUMMARY_NOTICE, TABLE_NOTE, WARNING_NOTICE, Document, FormTable, Paragraph, number_text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _inline(text: str) -> str:
    """Text in a paragraph: Markdown's own characters escaped."""
    out = text.replace("\\", "\\\\")
    for ch in "*_`[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def _paragraph(p: Paragraph) -> str:
    text = "".join(f"**{_inline(s.text)}**" if s.placeholder else _inline(s.text) for s in p.spans)
    if p.kind == WARNING_NOTICE:
        return f"> **{text}**"
    if p.kind in (SUMMARY_NOTICE, TABLE_NOTE):
        return f"*{text}*"
    return text


def _pipe(header: Sequence[str], rows: Sequence[Sequence[str]], align_first_left: bool = True) -> str:
    lines = ["| " + " | ".join(_escape(h) for h in header) + " |"]
    aligns = [":---" if i == 0 and align_first_left else ":---:" for i in range(len(header))]
    lines.append("| " + " | ".join(aligns) + " |")
    for r in rows:
        lines.append("| " + " | ".join(_escape(c) for c in r) + " |")
    return "\n".join(lines)


def _values(document: dict[str, Any]) -> tuple[Any, list[Any]]:
    m = model(document["form"])
    return m, m.values(document)


def _table2(document: dict[str, Any]) -> str:
    m, values = _values(document)
    table = m.form.table("active")
    out = []
    for g in table.groups:
        rows = [
            [r.label] + [number_text(values[m.by_path[(table.key, r.key, c.key)].index]) for c in g.columns]
            for r in g.rows
        ]
        out.append(f"**{_inline(g.label)}**\n\n" + _pipe([g.row_header, *(c.label for c in g.columns)], rows))
    return "\n\n".join(out)


def _table3(document: dict[str, Any]) -> str:
    m, values = _values(document)
    table = m.form.table("applications")
    rows: list[list[str]] = []

    def walk(items: Sequence[Row], keys: tuple[str, ...]) -> None:
        for row in items:
            if row.is_leaf:
                rows.append([row.label] + [
                    number_text(values[m.by_path[(table.key, *keys, row.key, c.key)].index]) for c in table.columns
                ])
            else:
                rows.append([row.label] + [""] * len(table.columns))
                walk(row.children, keys + (row.key,))

    walk(table.rows, ())
    return _inline(table.note) + "\n\n" + _pipe([table.column_header, *(c.heading for c in table.columns)], rows)


def _table4(document: dict[str, Any]) -> str:
    m, values = _values(document)
    table = m.form.table("appeals")
    columns = table.groups[0].columns
    rows = []
    for g in table.groups:
        rows.append([g.heading] + [number_text(values[m.by_path[(table.key, g.key, c.key)].index]) for c in g.columns])
    return _pipe(["", *(c.label for c in columns)], rows)


TABLES = {"active": _table2, "applications": _table3, "appeals": _table4}


def render(doc: Document, document: dict[str, Any]) -> bytes:
    """Markdown of ``doc``; the tables are laid out again from the report ``document``
    (the grids' merges have no pipe-table form)."""
    assert document.get("form") in FORMS
    parts = [f"# {_inline(doc.title)}"]
    parts += [_paragraph(p) for p in doc.notices]
    parts += [_paragraph(p) for p in doc.preamble]
    for section in doc.sections:
        parts.append(f"## {_inline(section.heading)}")
        for block in section.blocks:
            parts.append(TABLES[block.key](document) if isinstance(block, FormTable) else _paragraph(block))
    parts += [_paragraph(p) for p in doc.closing]  # the 落款: the agency's name, the date
    return ("\n\n".join(parts) + "\n").encode("utf-8")
