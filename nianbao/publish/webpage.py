"""The report as one self-contained HTML page, the way a government website editor takes it.

Site editors (UEditor, KindEditor, TinyMCE and the like) keep plain markup and drop the rest:
so the page has no script, no stylesheet, no class — every style is inline on the element,
tables are plain ``<table>`` with ``rowspan``/``colspan`` and a ``border`` attribute (an
editor that strips ``style`` still draws the rules), and the header rows sit in ``<thead>``
so a browser repeats them when the page is printed.
"""

from __future__ import annotations

from html import escape

from .document import (
    CLOSING,
    HEAD,
    LABEL,
    NOTE,
    SUMMARY_NOTICE,
    TABLE_NOTE,
    WARNING_NOTICE,
    Document,
    FormTable,
    Paragraph,
    TableCell,
)

SERIF = "FangSong, 仿宋, STFangsong, 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif"
SANS = "SimHei, 黑体, 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
SONG = "SimSun, 宋体, 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif"

BODY_STYLE = (
    f"max-width:780px;margin:0 auto;padding:24px;font-family:{SERIF};font-size:16pt;line-height:1.75;color:#000"
)
TITLE_STYLE = f"font-family:{SONG};font-size:22pt;font-weight:bold;text-align:center;line-height:1.5;margin:0.5em 0 1em"
HEADING_STYLE = f"font-family:{SANS};font-size:16pt;font-weight:normal;margin:0.8em 0 0.4em;text-indent:2em"
PARAGRAPH_STYLE = "margin:0 0 0.5em;text-indent:2em;text-align:justify"
PARAGRAPH_STYLES = {
    WARNING_NOTICE: "margin:0 0 1em;padding:8px 12px;border:2px solid #c00000;color:#c00000;font-weight:bold",
    SUMMARY_NOTICE: "margin:0 0 1em;text-align:center;font-family:" + SANS,
    TABLE_NOTE: f"margin:-0.5em 0 1em;font-family:{SONG};font-size:10.5pt",
    CLOSING: "margin:0;text-align:right;padding-right:4em",
}
CLOSING_FIRST = "margin-top:2em"  # the 落款 stands apart from the text above
PLACEHOLDER_STYLE = "background-color:#ffff00;color:#7f6000"
TABLE_STYLE = (
    f"border-collapse:collapse;width:100%;margin:0.5em 0 1em;font-family:{SONG};font-size:10.5pt;"
    "line-height:1.4;table-layout:fixed"
)
CELL_STYLE = "border:1px solid #000;padding:4px 3px;vertical-align:middle;line-height:1.4"
CELL_STYLES = {
    HEAD: CELL_STYLE + ";text-align:center;font-weight:bold",
    NOTE: CELL_STYLE + ";text-align:left;font-size:9pt",
    LABEL: CELL_STYLE + ";text-align:left",
}
NUMBER_STYLE = CELL_STYLE + ";text-align:center"


def _paragraph(p: Paragraph, style: str) -> str:
    inner = "".join(
        f'<span style="{PLACEHOLDER_STYLE}">{escape(s.text)}</span>' if s.placeholder else escape(s.text)
        for s in p.spans
    )
    return f'<p style="{style}">{inner}</p>'


def _cell(c: TableCell, tag: str, widths: tuple[float, ...]) -> str:
    span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
    # each cell says its width too: an editor that drops <colgroup> keeps the columns
    width = sum(widths[c.col : c.col + c.colspan]) * 100
    style = f"{CELL_STYLES.get(c.role, NUMBER_STYLE)};width:{width:.2f}%"
    return f'<{tag}{span} width="{width:.0f}%" style="{style}">{escape(c.text)}</{tag}>'


def _table(g: FormTable) -> str:
    cols = "".join(f'<col width="{w * 100:.0f}%" style="width:{w * 100:.2f}%">' for w in g.widths)
    out = [f'<table border="1" cellspacing="0" cellpadding="4" style="{TABLE_STYLE}"><colgroup>{cols}</colgroup>']
    out.append("<thead>" if g.header_rows else "<tbody>")
    for i, row in enumerate(g.rows):
        if i == g.header_rows and i:
            out.append("</thead><tbody>")
        tag = "th" if i < g.header_rows else "td"
        out.append("<tr>" + "".join(_cell(c, tag, g.widths) for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render(doc: Document) -> bytes:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(doc.title)}</title></head>",
        f'<body style="{BODY_STYLE}">',
        f'<h1 style="{TITLE_STYLE}">{escape(doc.title)}</h1>',
    ]
    parts += [_paragraph(p, PARAGRAPH_STYLES.get(p.kind, PARAGRAPH_STYLE)) for p in doc.notices]
    parts += [_paragraph(p, PARAGRAPH_STYLE) for p in doc.preamble]
    for section in doc.sections:
        parts.append(f'<h2 style="{HEADING_STYLE}">{escape(section.heading)}</h2>')
        for block in section.blocks:
            if isinstance(block, FormTable):
                parts.append(_table(block))
            else:
                parts.append(_paragraph(block, PARAGRAPH_STYLES.get(block.kind, PARAGRAPH_STYLE)))
    for n, p in enumerate(doc.closing):
        parts.append(_paragraph(p, PARAGRAPH_STYLES[CLOSING] + (f";{CLOSING_FIRST}" if n == 0 else "")))
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")
