"""Hostile published reports, round three — the binary formats: PDF, Word (.docx) and legacy
.doc through LibreOffice (issue 24). Each builder makes its files in a folder and says how to
run ``nianbao`` on them and what must come of it (:class:`hostile_inputs.Case`);
``tests/test_hostile_published_binary.py`` runs each in a real process.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
import zlib
from pathlib import Path

import hostile_cases as hc
import publications
import published_pdfs as pp
from hostile_inputs import Case

REPORT = Path(__file__).parent / "fixtures/reports/shangzhi-2021.json"
LICENSING = ("active", "licensing", "decisions")  # 表二 行政许可: 625 in the fixture, printed once


def report() -> dict:
    return json.loads(REPORT.read_text(encoding="utf-8"))


def _get(doc: dict, path: tuple[str, ...]):  # noqa: ANN202
    for k in path:
        doc = doc[k]
    return doc


def imported(folder: Path, name: str = "导入.json") -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _same_numbers(folder: Path) -> None:
    """The import read every number of the report as printed."""
    got, want = imported(folder), report()
    for key in ("active", "applications", "appeals"):
        assert got[key] == want[key], key


def _import(path: Path, folder: Path, status: int | tuple[int, ...], words: tuple[str, ...], **kw) -> Case:
    return Case(["import", path, "-o", folder / "导入.json"], status, (path.name, *words), **kw)


# --- PDF: numbers silently wrong --------------------------------------------------------------


def _before(cell_text: str, draw_first) -> pp.Callable:  # type: ignore[name-defined]
    """A cell hook drawing something before the glyphs of the cell showing ``cell_text``."""

    def hook(text: str):  # noqa: ANN202
        if text != cell_text:
            return None

        def draw(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, s: str, size: float) -> None:
            shift = draw_first(b, page, x, y, size)
            b.text(page, x + shift, y, s, size)

        return draw

    return hook


def _after(cell_text: str, draw_after) -> pp.Callable:  # type: ignore[name-defined]
    def hook(text: str):  # noqa: ANN202
        if text != cell_text:
            return None

        def draw(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, s: str, size: float) -> None:
            b.text(page, x, y, s, size)
            draw_after(b, page, x + b.width(s, size), y, size)

        return draw

    return hook


def pdf_invisible_lone_surrogate_glyph(folder: Path) -> Case:
    """An invisible glyph whose ToUnicode maps to <D800>, drawn before 表二's 625: the text
    layer drops it and every later character took the box before it (36 / 117186 read as
    361 / 17186, 校验通过)."""

    def odd(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, size: float) -> float:
        b.text(page, x, y, b.glyph("D800"), size, mode=3)
        return size

    path = folder / "代理字形.pdf"
    path.write_bytes(pp.report_pdf(report(), cell=_before("625", odd)))
    return _import(path, folder, 0, ("不可见的文字",), check=_same_numbers)


def pdf_visible_lone_surrogate_glyph(folder: Path) -> Case:
    """The same glyph drawn visibly: it maps to no character, so its cell is no number — the
    cell is named, never read shifted."""

    def odd(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, size: float) -> float:
        b.text(page, x, y, b.glyph("D800"), size)
        return size

    path = folder / "无法映射.pdf"
    path.write_bytes(pp.report_pdf(report(), cell=_before("625", odd)))

    def check(folder: Path) -> None:
        got, want = imported(folder), report()
        assert _get(got, LICENSING) == "\ufffd625"  # kept as printed: a TYPE error, never a number
        assert got["applications"] == want["applications"] and got["appeals"] == want["appeals"]

    return _import(path, folder, 1, ("无法对应到文字", "行政许可"), check=check)


def pdf_invisible_digit_in_a_cell(folder: Path) -> Case:
    """16 with an invisible 9 after it (render mode 3) read as 169 before."""

    def nine(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, size: float) -> None:
        b.text(page, x, y, "9", size, mode=3)

    path = folder / "隐藏文字.pdf"
    path.write_bytes(pp.report_pdf(report(), cell=_after("625", nine)))
    return _import(path, folder, 0, ("不可见的文字「9」",), check=_same_numbers)


def pdf_white_digit_in_a_cell(folder: Path) -> Case:
    def nine(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, size: float) -> None:
        b.text(page, x, y, "9", size, rgb=(1, 1, 1))

    path = folder / "白色文字.pdf"
    path.write_bytes(pp.report_pdf(report(), cell=_after("625", nine)))
    return _import(path, folder, 0, ("不可见的文字「9」",), check=_same_numbers)


def pdf_font_without_to_unicode(folder: Path) -> Case:
    """Every glyph in a composite font without a ToUnicode map: the characters PDFium guesses
    are no text; say so, not "不像是…年度报告"."""
    b = pp.PdfBuilder()
    page = b.page()
    for k, line in enumerate(("某某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "行政许可 625")):
        b.text(page, 60, 760 - 30 * k, line * 2, 12, font="F2")
    path = folder / "无映射字体.pdf"
    path.write_bytes(b.build())
    return _import(path, folder, 2, ("文字映射", "ToUnicode"), absent=("不像是",))


# --- PDF: bounds ----------------------------------------------------------------------------


def _bomb_pdf(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of zeros."""
    stream, _crc = hc._bomb_stream(inflated)
    data = b"\x78\x9c" + stream  # zlib header over the raw deflate stream (no checksum: never reached)
    b = pp.PdfBuilder()
    page = b.page()
    b.text(page, 60, 760, "某某局2021年政府信息公开工作年度报告", 12)
    pdf = b.build()
    # a second content stream for the page: the bomb
    obj = f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
    marker = b"/Contents 9 0 R"
    assert marker in pdf
    pdf = pdf.replace(marker, b"/Contents [9 0 R 99 0 R]")
    tail = pdf.rindex(b"xref")
    return pdf[:tail] + b"99 0 obj\n" + obj + b"\nendobj\n" + pdf[tail:]  # PDFium rebuilds the xref


def pdf_stream_bomb(folder: Path) -> Case:
    """A 1.5 MB PDF whose content stream inflates to 1.5 GB: 2.6 GB, then called a scan."""
    path = folder / "压缩炸弹.pdf"
    path.write_bytes(_bomb_pdf(1536 * 1024 * 1024))
    return _import(path, folder, 2, ("压缩炸弹", "解压后"), absent=("扫描件",))


def pdf_form_drawn_a_thousand_times(folder: Path) -> Case:
    """A few kilobytes: one form of 3,000 characters drawn 1,000 times — three million
    characters for PDFium to lay out (744 MB before)."""
    b = pp.PdfBuilder()
    page = b.page()
    b.text(page, 60, 760, "某某局2021年政府信息公开工作年度报告", 12)
    codes = f"{b._cid('1'):04X}" * 3000
    form = zlib.compress(f"BT /F1 1 Tf 0 0 Td <{codes}> Tj ET".encode())
    b.extra_objects.append(
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << /Font << /F1 3 0 R >> >> "
        + f"/Length {len(form)} /Filter /FlateDecode >>\nstream\n".encode()
        + form
        + b"\nendstream"
    )
    b.raw(page, " ".join(["/X1 Do"] * 1000))
    pdf = b.build().replace(b"/F1 3 0 R >> >>", b"/F1 3 0 R >> /XObject << /X1 10 0 R >> >>")
    path = folder / "表单千次.pdf"
    path.write_bytes(pdf)
    return _import(path, folder, 2, ("疑似恶意构造",), absent=("扫描件",))


def pdf_forty_thousand_rules(folder: Path) -> Case:
    """Pages of 40,000 short ruling lines under 10,000 characters each: every rule was scanned
    for every character (58 s)."""
    b = pp.PdfBuilder()
    ops = []
    for k in range(40_000):
        x, y = 40 + (k % 200) * 2.6, 60 + (k // 200) * 3.6
        ops.append(f"{x:.1f} {y:.1f} m {x:.1f} {y + 3.2:.1f} l")
    rules = "0.1 w " + " ".join(ops) + " S"
    for _ in range(20):
        page = b.page()
        b.raw(page, rules)
        for row in range(100):
            b.text(page, 42, 62 + row * 7, "1234567890" * 10, 5)
    path = folder / "四万条线.pdf"
    path.write_bytes(b.build())
    return _import(path, folder, 2, ("线条超过", "疑似恶意构造"))


def pdf_large_content_read_whole(folder: Path) -> Case:
    """A report whose pages also draw a megabyte and more of curves (a map, a chart): read in
    the watched copy of the process, every number as printed."""
    b_report = pp.report_pdf(report())
    curve = " ".join(
        f"{300 + k % 50} {400 + k % 70} m {301 + k % 50} {402 + k % 70} "
        f"{303 + k % 50} {401 + k % 70} {305 + k % 50} {404 + k % 70} c"
        for k in range(30_000)
    )
    padding = zlib.compress(f"q 0.1 w {curve} S Q".encode())
    marker = b"/Contents 9 0 R"
    assert marker in b_report
    pdf = b_report.replace(marker, b"/Contents [9 0 R 99 0 R]")
    obj = f"<< /Length {len(padding)} /Filter /FlateDecode >>\nstream\n".encode() + padding + b"\nendstream"
    tail = pdf.rindex(b"xref")
    path = folder / "大量曲线.pdf"
    path.write_bytes(pdf[:tail] + b"99 0 obj\n" + obj + b"\nendobj\n" + pdf[tail:])
    return _import(path, folder, 0, ("校验通过",), check=_same_numbers)


def pdf_many_streams(folder: Path) -> Case:
    """20 MB of tiny streams: each one tried as zlib."""
    path = folder / "数据流过多.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"1 0 obj<< /Length 2 >>stream\nxx\nendstream endobj\n" * 400_000)
    return _import(path, folder, 2, ("数据流超过",))


PDF_CASES = {
    f.__name__: f
    for f in (
        pdf_invisible_lone_surrogate_glyph,
        pdf_visible_lone_surrogate_glyph,
        pdf_invisible_digit_in_a_cell,
        pdf_white_digit_in_a_cell,
        pdf_font_without_to_unicode,
        pdf_stream_bomb,
        pdf_form_drawn_a_thousand_times,
        pdf_forty_thousand_rules,
        pdf_large_content_read_whole,
        pdf_many_streams,
    )
}

# --- Word ---------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _report_docx(edit) -> bytes:  # noqa: ANN001
    """The fixture report as Word (tests/publications.py), its body edited by ``edit``."""
    with tempfile.TemporaryDirectory() as tmp:
        made = Path(tmp) / "r.docx"
        publications.to_docx(report(), made)
        entries = hc.entries_of(made.read_bytes())
    return hc.rezip(
        [(n, edit(d.decode("utf-8")).encode("utf-8") if n == "word/document.xml" else d) for n, d in entries]
    )


def docx_hidden_digit_in_a_cell(folder: Path) -> Case:
    """A hidden run (``w:vanish``) after 625: read as 6259 before."""
    hidden = "<w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r>"
    path = folder / "隐藏数字.docx"
    path.write_bytes(_report_docx(lambda x: x.replace("<w:t>625</w:t></w:r>", "<w:t>625</w:t></w:r>" + hidden, 1)))
    return _import(path, folder, 0, ("隐藏的文字「9」",), check=_same_numbers)


def docx_hidden_table_before_the_real_one(folder: Path) -> Case:
    """A whole copy of the tables, other numbers, hidden by a character style, before the
    real tables: read as the report before (the first table wins)."""

    def edit(x: str) -> str:
        start, end = x.index("<w:tbl>"), x.rindex("</w:tbl>") + len("</w:tbl>")
        tables = (
            x[start:end]
            .replace("<w:t>625</w:t>", "<w:t>111</w:t>")
            .replace("<w:r>", '<w:r><w:rPr><w:rStyle w:val="Hide"/></w:rPr>')
        )
        return x[:start] + tables + x[start:]

    docx = _report_docx(edit)
    style = '<w:style w:type="character" w:styleId="Hide"><w:name w:val="Hide"/><w:rPr><w:vanish/></w:rPr></w:style>'
    entries = [
        (n, d.replace(b"</w:styles>", style.encode() + b"</w:styles>") if n == "word/styles.xml" else d)
        for n, d in hc.entries_of(docx)
    ]
    path = folder / "隐藏表格.docx"
    path.write_bytes(hc.rezip(entries))
    return _import(path, folder, 0, ("隐藏的文字",), check=_same_numbers)


def docx_tables_nested_50_deep(folder: Path) -> Case:
    """39 KB: a table in a cell of a table … fifty deep (depth 20 took 6.6 s)."""
    inner = "<w:p><w:r><w:t>行政许可</w:t></w:r></w:p>"
    for _ in range(50):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>"
    body = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{inner}</w:body></w:document>'
    path = folder / "嵌套表格.docx"
    path.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": body.encode()}))
    return _import(path, folder, (1, 2), ())


def docx_encrypted(folder: Path) -> Case:
    """A password-protected .docx is an OLE file holding the encrypted package, not a zip:
    "只是改了扩展名" before."""
    path = folder / "加密.docx"
    path.write_bytes(hc.ole_with(["Root Entry", "EncryptionInfo", "EncryptedPackage"]))
    return _import(path, folder, 2, ("密码",), absent=("改了扩展名",))


def docx_really_a_doc(folder: Path) -> Case:
    path = folder / "其实是doc.docx"
    path.write_bytes(hc.ole_with(["Root Entry", "WordDocument", "1Table"]))
    return _import(path, folder, 2, ("旧版 Word", ".doc"))


def docx_alt_chunk(folder: Path) -> Case:
    """The body is an embedded web page (``w:altChunk``): "不像是…年度报告" before."""
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<w:body><w:altChunk r:id="rId9"/></w:body></w:document>'
    )
    page = "<html><body><table><tr><td>行政许可</td><td>625</td></tr></table></body></html>"
    path = folder / "嵌入网页.docx"
    path.write_bytes(
        _zip(
            {"[Content_Types].xml": b"<Types/>", "word/document.xml": body.encode(), "word/afchunk.htm": page.encode()}
        )
    )
    return _import(path, folder, 2, ("altChunk",), absent=("不像是",))


def docx_broken_xml(folder: Path) -> Case:
    """libxml2's English ("Opening and ending tag mismatch") inside the message before."""
    path = folder / "损坏.docx"
    path.write_bytes(_report_docx(lambda x: x.replace("</w:body>", "</w:bdy>", 1)))
    return _import(path, folder, 2, ("不是有效的 XML",), absent=("tag", "mismatch", "line"))


WORD_CASES = {
    f.__name__: f
    for f in (
        docx_hidden_digit_in_a_cell,
        docx_hidden_table_before_the_real_one,
        docx_tables_nested_50_deep,
        docx_encrypted,
        docx_really_a_doc,
        docx_alt_chunk,
        docx_broken_xml,
    )
}

BINARY_CASES = {**PDF_CASES, **WORD_CASES}


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


# --- legacy .doc through LibreOffice ---------------------------------------------------------

FAKE_SOFFICE = '''#!{python}
"""Stands in for soffice: like the real one, it leaves a helper (soffice.bin) running in its
process group, a socket in /tmp and a lu*.tmp folder in $TMPDIR, and hangs."""
import os, socket, subprocess, sys, time
sys.path.insert(0, {root!r})
from nianbao.io.published.legacy import pipe_paths

profile = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("-env:UserInstallation="))
pipe = pipe_paths(profile)[0]
s = socket.socket(socket.AF_UNIX)
s.bind(str(pipe))
os.mkdir(os.path.join(os.environ["TMPDIR"], "lu%dabc.tmp" % os.getpid()))
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
with open(os.environ["FAKE_SOFFICE_PIDS"], "a") as f:
    f.write("%d %d %s\\n" % (os.getpid(), helper.pid, pipe))
time.sleep(300)
'''


def fake_soffice(folder: Path) -> Path:
    """A folder holding a ``soffice`` that hangs as described in :data:`FAKE_SOFFICE`."""
    import sys

    bin_dir = folder / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "soffice"
    exe.write_text(FAKE_SOFFICE.format(python=sys.executable, root=str(Path(__file__).parent.parent)), encoding="utf-8")
    exe.chmod(0o755)
    return bin_dir
