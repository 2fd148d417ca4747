"""PDF layouts of real publications (issue 25, points 2–4), each as a small PDF of the
project's own (:mod:`published_pdfs`): every number comes back exactly, with its row.

* a label beside merged rows set one character a line (``三/、/本/年/度…``), labels wrapped
  onto two lines with the numbers on the line between;
* a table whose cell borders are rectangles drawn under a scaling matrix: read in the page's
  own coordinates the rules fell across the numbers (``4119`` as ``4``, ``119``);
* a table cut by a page break, with no rule along its foot;
* a title in large type wrapped onto two lines — and the project's own published ``.docx``
  turned into a PDF by LibreOffice, read back with its agency and year.
"""

from __future__ import annotations

from pathlib import Path

import published_pdfs as pp
import pytest

from nianbao.io.published import read_published
from nianbao.publish import publish

NAMES = ["shangzhi-2021", "anyang-2020"]


def _read(tmp_path: Path, data: bytes, name: str = "r.pdf"):  # noqa: ANN202
    path = tmp_path / name
    path.write_bytes(data)
    return read_published(path)


def _same(loaded, doc: dict) -> None:
    assert not loaded.findings, [f.message for f in loaded.findings]
    for key in ("active", "applications", "appeals"):
        assert loaded.document[key] == doc[key], key
    assert loaded.document["year"] == doc["year"]
    assert loaded.document["agency"]["name"] == doc["agency"]["name"]


@pytest.mark.parametrize("name", NAMES)
def test_rows_beside_a_label_set_one_character_a_line_are_read_whole(name, report, tmp_path):
    doc = report(name)
    data = pp.report_pdf(
        doc, vertical=frozenset({"三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理"})
    )
    _same(_read(tmp_path, data), doc)


@pytest.mark.parametrize("name", NAMES)
def test_rules_drawn_under_a_scaling_matrix_split_no_number(name, report, tmp_path):
    doc = report(name)
    doc["active"]["penalty"]["decisions"] = 4119  # 表二, a number the fake rules cut
    _same(_read(tmp_path, pp.report_pdf(doc, scaled_rules=True)), doc)


@pytest.mark.parametrize("name", NAMES)
def test_a_table_with_no_rule_along_its_foot_keeps_its_last_row(name, report, tmp_path):
    doc = report(name)
    doc["appeals"]["review"]["upheld"] = 10  # the last row: 10 1 0 0 … as printed
    doc["appeals"]["review"]["total"] += 10
    _same(_read(tmp_path, pp.report_pdf(doc, open_bottom=True)), doc)


def test_a_title_in_large_type_wrapped_onto_two_lines_gives_agency_and_year(report, tmp_path):
    doc = report("shangzhi-2021")
    title = pp.publications.title(doc)
    _same(_read(tmp_path, pp.report_pdf(doc, title_lines=[title[:12], title[12:]])), doc)


def test_the_published_document_as_a_pdf_imports_back(report, soffice, tmp_path):
    doc = report("anyang-2020")
    doc["agency"]["name"] = "黑龙江省哈尔滨市尚志市卫生健康局综合行政执法大队"  # the title wraps
    pdf = soffice(publish(doc, tmp_path / "年报.docx"), "pdf")
    loaded = read_published(pdf)
    assert (loaded.document["agency"]["name"], loaded.document["year"]) == (doc["agency"]["name"], doc["year"])
    for key in ("active", "applications", "appeals"):
        assert loaded.document[key] == doc[key], key


def test_white_text_on_a_dark_fill_is_read(report, tmp_path):
    """A shaded cell printed in white shows: it is text, not hidden text."""
    doc = report("shangzhi-2021")

    def hook(text: str):  # noqa: ANN202
        if text != "625":
            return None

        def draw(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, s: str, size: float) -> None:
            b.raw(page, f"0.1 0.2 0.5 rg {x - 1:.2f} {y - 3:.2f} {b.width(s, size) + 2:.2f} {size + 4:.2f} re f")
            b.text(page, x, y, s, size, rgb=(1, 1, 1))

        return draw

    _same(_read(tmp_path, pp.report_pdf(doc, cell=hook)), doc)


def test_invisible_text_over_a_picture_is_the_text_of_a_scanned_page(report, tmp_path):
    """A scan made searchable: the page is a picture, its text drawn invisible (mode 3) over
    it. That text is what the picture shows: read, not hidden."""
    doc = report("anyang-2020")
    data = pp.report_pdf(doc, cell=lambda text: _invisible)
    picture = b"q 595 0 0 842 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q\n"
    loaded = _read(tmp_path, _with_picture(data, picture))
    for key in ("active", "applications", "appeals"):
        assert loaded.document[key] == doc[key], key
    assert not [f for f in loaded.findings if "不可见" in f.message]


def _invisible(b: pp.PdfBuilder, page: pp.Page, x: float, y: float, s: str, size: float) -> None:
    b.text(page, x, y, s, size, mode=3)


def _with_picture(data: bytes, picture: bytes) -> bytes:
    """Each page's content drawn over a page-size picture (an inline image), uncompressed."""
    import re
    import zlib

    def repl(m: re.Match[bytes]) -> bytes:
        plain = zlib.decompress(m.group(2))
        if b"BT " not in plain:  # not a page's content (the font's ToUnicode map)
            return m.group(0)
        plain = picture + plain
        return b"<< /Length %d >>\nstream\n" % len(plain) + plain + b"\nendstream"

    return re.sub(rb"<< /Length (\d+) /Filter /FlateDecode >>\nstream\n(.*?)\nendstream", repl, data, flags=re.S)
