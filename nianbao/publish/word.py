"""The report as a Word document (.docx), set as an official report is set.

Written with python-docx (imported here only): it writes the WordprocessingML that Word, WPS
and LibreOffice all open, merges table cells the way Word itself does (``gridSpan`` across,
``vMerge`` down), and reaches the underlying XML for what it has no call for — the East Asian
font of a style, repeated header rows, the page-number field.

Page and type follow the usual layout of government documents (GB/T 9704): A4, margins
3.7/3.5/2.8/2.6 cm, title in 小标宋 二号, section headings in 黑体 三号, text in 仿宋 三号 at a
fixed 28 pt line, page numbers "— 1 —" at the foot; tables in 宋体 五号 / 小五 filling the text
width, their header rows repeated on each page and no row split across pages. A machine
without those fonts shows its own CJK fallback (LibreOffice here: Noto Sans CJK).
"""

from __future__ import annotations

import io
import re
from typing import Any

from .document import (
    HEAD,
    LABEL,
    NOTE,
    NUMBER,
    SUMMARY_NOTICE,
    TABLE_NOTE,
    WARNING_NOTICE,
    Document,
    FormTable,
    Paragraph,
)

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGINS_CM["left"] - MARGINS_CM["right"]

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
LINE_PT = 28
TABLE_PT = {"active": 10.5, "applications": 9, "appeals": 9}  # 五号, 小五
RED = (0xC0, 0x00, 0x00)
KEPT_WITH_HEADER = 5  # body rows kept on the page of a table's header

TITLE_LINE_CHARS = 20  # full-width characters of 二号 type on the text width
CLOSING_INDENT_CHARS = 4  # the 落款 stands this many characters in from the right margin

BODY_STYLE = "Normal"
HEADING_STYLE = "Heading 1"
TITLE_STYLE = "报告标题"
TABLE_TEXT_STYLE = "表格文字"


def _fonts(style_or_run: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set a style's or run's fonts, East Asian included (python-docx sets only the Latin
    one), dropping theme fonts that would override them."""
    from docx.oxml.ns import qn

    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _styles(d: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    normal = d.styles[BODY_STYLE]
    _fonts(normal, BODY_FONT)
    normal.font.size = Pt(BODY_PT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(2 * BODY_PT)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = True

    heading = d.styles[HEADING_STYLE]
    _fonts(heading, HEADING_FONT)
    heading.font.size = Pt(BODY_PT)
    heading.font.bold = False
    heading.font.color.rgb = RGBColor(0, 0, 0)
    hf = heading.paragraph_format
    hf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    hf.line_spacing = Pt(LINE_PT)
    hf.space_before = Pt(6)
    hf.space_after = Pt(0)
    hf.first_line_indent = Pt(2 * BODY_PT)
    hf.keep_with_next = True

    title = d.styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    _fonts(title, TITLE_FONT)
    title.font.size = Pt(TITLE_PT)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    tf.line_spacing = Pt(36)
    tf.space_after = Pt(LINE_PT)
    tf.keep_with_next = True

    cell = d.styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    _fonts(cell, TABLE_FONT)
    cell.font.size = Pt(TABLE_PT["active"])
    cf = cell.paragraph_format
    cf.first_line_indent = Pt(0)
    cf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cf.widow_control = False


def _page(d: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    s = d.sections[0]
    s.page_width, s.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    s.top_margin, s.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    s.left_margin, s.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    s.footer_distance = Cm(2.0)
    p = s.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    p._p.append(p.add_run(" —")._r)
    for r in p.runs:
        _fonts(r, TABLE_FONT)
        r.font.size = Pt(14)


# Where a line must not break: between a number and its sign (U+2060 WORD JOINER, which has
# no width), and at a space between a number and the word or unit beside it (U+00A0, a space
# that does not break). Only in running text: table cells are read back as numbers.
_SIGNED = re.compile(r"(?<=[-+−])(?=\d)")
_SPACED = re.compile(r"(?<=\S) (?=\d)|(?<=\d) (?=\S)")


def unbroken(text: str) -> str:
    """Running text with its numbers joined to their signs and neighbours."""
    return _SPACED.sub("\u00a0", _SIGNED.sub("\u2060", text))


def _width(text: str) -> float:
    """A text's width in full-width characters: a Latin letter or digit is half of one."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def title_lines(title: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """The title on one line if it fits, else on two lines as even as its parts allow
    ("安阳市卫生健康委员会2020年" / "政府信息公开工作年度报告"): broken between parts, never
    inside a word such as 年度."""
    if _width(title) <= TITLE_LINE_CHARS or "".join(parts) != title or len(parts) < 2:
        return (title,)
    splits = [("".join(parts[:i]), "".join(parts[i:])) for i in range(1, len(parts))]
    splits = [(a, b) for a, b in splits if a and b]
    fitting = [s for s in splits if max(map(_width, s)) <= TITLE_LINE_CHARS]
    if not fitting:  # a name longer than a line: it wraps; the rest keeps its own line
        return (parts[0], "".join(parts[1:])) if parts[0] else (title,)
    return min(fitting, key=lambda s: (abs(_width(s[0]) - _width(s[1])), -_width(s[0])))


def _title(d: Any, doc: Document) -> None:
    lines = title_lines(doc.title, doc.title_parts)
    p = d.add_paragraph(style=TITLE_STYLE)
    for n, line in enumerate(lines):
        run = p.add_run(line)
        if n < len(lines) - 1:
            run.add_break()


def _closing(d: Any, lines: tuple[Paragraph, ...]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.shared import Pt

    for n, line in enumerate(lines):
        out = d.add_paragraph(style=BODY_STYLE)
        f = out.paragraph_format
        f.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        f.first_line_indent = Pt(0)
        f.right_indent = Pt(CLOSING_INDENT_CHARS * BODY_PT)
        f.keep_with_next = n < len(lines) - 1
        if n == 0:
            f.space_before = Pt(2 * LINE_PT)
        for span in line.spans:
            run = out.add_run(span.text)
            if span.placeholder:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _paragraph(d: Any, p: Paragraph, after_table: bool = False) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.shared import Pt, RGBColor

    out = d.add_paragraph(style=BODY_STYLE)
    if after_table:
        out.paragraph_format.space_before = Pt(3 if p.kind == TABLE_NOTE else LINE_PT / 2)
    if p.kind == TABLE_NOTE:
        out.paragraph_format.first_line_indent = Pt(0)
        out.paragraph_format.line_spacing = Pt(TABLE_PT["active"] * 1.6)
    for span in p.spans:
        run = out.add_run(unbroken(span.text))
        if p.kind == TABLE_NOTE:
            _fonts(run, TABLE_FONT)
            run.font.size = Pt(TABLE_PT["active"])
        if span.placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if p.kind == WARNING_NOTICE:
            run.font.bold = True
            run.font.color.rgb = RGBColor(*RED)
        elif p.kind == SUMMARY_NOTICE:
            _fonts(run, HEADING_FONT)
    if p.kind == SUMMARY_NOTICE:
        out.alignment = WD_ALIGN_PARAGRAPH.CENTER
        out.paragraph_format.first_line_indent = Pt(0)
        out.paragraph_format.space_after = Pt(LINE_PT / 2)
    return out


def _set_cell_margins(table: Any, cm: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right", "top", "bottom"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(cm * 567 if side in ("left", "right") else cm * 567 / 2)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


def _table(d: Any, g: FormTable) -> None:
    """The grid as a Word table. Its rows are written cell by cell in WordprocessingML —
    a merged cell is one ``w:tc`` with ``gridSpan`` across and ``vMerge`` down, as Word
    writes it — rather than through python-docx's ``merge``, which looks every cell up again
    (seconds for table 3, against milliseconds)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt
    from docx.table import _Cell

    table = d.add_table(rows=0, cols=g.columns)
    table.style = d.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_cell_margins(table, 0.1)
    widths = [Cm(TEXT_WIDTH_CM * w) for w in g.widths]
    for column, col_width in zip(table.columns, widths, strict=True):
        column.width = col_width
    style_id = d.styles[TABLE_TEXT_STYLE].style_id
    size = Pt(TABLE_PT.get(g.key, TABLE_PT["active"]))
    # the header and the first rows below it stay together: a table never starts with its
    # header alone at the foot of a page
    together = g.header_rows + KEPT_WITH_HEADER if g.header_rows else 0

    # which cell covers each place of the grid
    cover: dict[tuple[int, int], Any] = {}
    for c in g.cells():
        for i in range(c.row, c.row + c.rowspan):
            for j in range(c.col, c.col + c.colspan):
                cover[(i, j)] = c

    def tc_for(span: int, width: int, vmerge: str | None, valign: str) -> Any:
        tc = OxmlElement("w:tc")
        pr = OxmlElement("w:tcPr")
        w = OxmlElement("w:tcW")
        w.set(qn("w:w"), str(width))
        w.set(qn("w:type"), "dxa")
        pr.append(w)
        if span > 1:
            gs = OxmlElement("w:gridSpan")
            gs.set(qn("w:val"), str(span))
            pr.append(gs)
        if vmerge is not None:
            vm = OxmlElement("w:vMerge")
            if vmerge:
                vm.set(qn("w:val"), vmerge)
            pr.append(vm)
        va = OxmlElement("w:vAlign")
        va.set(qn("w:val"), valign)
        pr.append(va)
        tc.append(pr)
        tc.append(OxmlElement("w:p"))
        return tc

    twips = [int(round(w.twips)) for w in widths]
    # a row of headings only (a 第二十条 item of table 2, a header row) stays on the page of the
    # row below it: never alone at the foot of a page
    headings = {r for r, row in enumerate(g.rows) if row and all(c.role == HEAD for c in row)}
    for r in range(len(g.rows)):
        tr = table._tbl.add_tr()
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if r < g.header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))
        col = 0
        while col < g.columns:
            c = cover[(r, col)]
            span_twips = sum(twips[c.col : c.col + c.colspan])
            starts = c.row == r
            vmerge = None if c.rowspan == 1 else ("restart" if starts else "")
            # a row label spanning many rows (三、本年度办理结果, （三）不予公开) stands at the top
            # of its cell: where the table breaks across pages it is not cut in two
            valign = "top" if c.role == LABEL and c.rowspan > 2 else "center"
            tc = tc_for(c.colspan, span_twips, vmerge, valign)
            tr.append(tc)
            col += c.colspan
            if not starts:
                continue
            p = _Cell(tc, table).paragraphs[0]
            p._p.style = style_id
            if c.row + c.rowspan <= together or r in headings:
                p.paragraph_format.keep_with_next = True
            if c.role not in (HEAD, NUMBER):
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            run = p.add_run(c.text)
            run.font.size = Pt(size.pt - 1) if c.role == NOTE else size
            if c.role == HEAD:
                run.font.bold = True


def render(doc: Document) -> bytes:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    _styles(d)
    _page(d)
    d.core_properties.title = doc.title
    d.core_properties.language = "zh-CN"
    d.core_properties.author = ""
    _title(d, doc)
    for p in doc.notices:
        _paragraph(d, p)
    for p in doc.preamble:
        _paragraph(d, p)
    after_table = False
    for section in doc.sections:
        heading = d.add_paragraph(section.heading, style=HEADING_STYLE)
        if after_table:
            heading.paragraph_format.space_before = Pt(LINE_PT / 2)
        after_table = False
        for block in section.blocks:
            if isinstance(block, FormTable):
                _table(d, block)
                after_table = True
            else:
                _paragraph(d, block, after_table)
                after_table = False
    _closing(d, doc.closing)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
