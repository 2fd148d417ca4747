"""The Word document in a real word processor: LibreOffice headless renders it to PDF, and
the PDF's text (pdftotext, with each word's box) holds the title, the six sections, the
sentences, every label and every number of the three tables — all inside the text area of
an A4 page, so no table runs off the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from nianbao.core.forms import FORMS, report_title, section_titles
from nianbao.core.model import leaf_rows, model
from nianbao.publish import publish
from nianbao.publish.compose import UNVALIDATED
from nianbao.publish.word import MARGINS_CM

pytestmark = pytest.mark.libreoffice

A4_PT = (595.3, 841.9)
CM_PT = 72 / 2.54
TABLE_TYPE_PT = 15  # height of a word's box in the tables (10.5 pt type and smaller); the text is 16 pt
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (xMin, yMin, xMax, yMax, text)."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is required: run scripts/setup.sh --test"
    xml = subprocess.run([exe, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    import lxml.etree as ET

    root = ET.fromstring(xml.encode("utf-8"))
    pages = []
    for page in root.iter("{*}page"):
        assert (round(float(page.get("width")), 1), round(float(page.get("height")), 1)) == A4_PT
        pages.append([
            (float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text or "")
            for w in page.iter("{*}word")
        ])
    return pages


def _in_order(text: str, label: str, gap: int = 150) -> bool:
    """``label``'s characters appear in ``text`` in order, each within ``gap`` characters of
    the one before: a label wrapped inside a narrow cell has its lines read between those of
    the cells beside it, and one cut by a page break goes on under the repeated header."""
    label = re.sub(r"\s", "", label)
    for start in [m.start() for m in re.finditer(re.escape(label[0]), text)]:
        at = start
        for ch in label[1:]:
            nxt = text.find(ch, at + 1, at + 1 + gap)
            if nxt < 0:
                break
            at = nxt
        else:
            return True
    return False


def _labels(form_key: str) -> list[str]:
    form = FORMS[form_key]
    out: list[str] = []
    for group in form.table("active").groups:
        out += [group.label, group.row_header, *(c.label for c in group.columns), *(r.label for r in group.rows)]
    apps = form.table("applications")
    out += [apps.note, apps.column_header, *(c.label for c in apps.columns)]
    out += sorted({c.parent for c in apps.columns if c.parent})
    for parents, row in leaf_rows(apps.rows):
        out += [p.label for p in parents] + [row.label]
    for g in form.table("appeals").groups:
        out += [g.label, *(c.label for c in g.columns)] + ([g.parent] if g.parent else [])
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("name", ["shangzhi-2021", "anyang-2020"])
def test_the_word_document_renders_with_every_table_on_the_page(name, report, soffice, tmp_path):
    doc = report(name)
    pdf = soffice(publish(doc, tmp_path / f"{name}.docx"), "pdf")
    pages = _words(pdf)
    assert 3 <= len(pages) <= 6
    left = MARGINS_CM["left"] * CM_PT
    right = A4_PT[0] - MARGINS_CM["right"] * CM_PT
    for n, words in enumerate(pages, 1):
        for x0, y0, x1, y1, text in words:
            assert left - 2 <= x0 and x1 <= right + 2, f"page {n}: {text!r} outside the text area ({x0:.0f}–{x1:.0f})"
            assert 0 <= y0 and y1 <= A4_PT[1], f"page {n}: {text!r} off the page"
    text = "".join(w[4] for words in pages for w in words)
    form = FORMS[doc["form"]]
    assert report_title(doc["agency"]["name"], doc["year"]) in text
    for heading in section_titles(form):
        assert heading in text
    assert f"本年新收政府信息公开申请{doc['applications']['new']['total']}件" in text
    missing = [label for label in _labels(doc["form"]) if not _in_order(text, label)]
    assert not missing, f"labels not rendered: {missing}"
    # every number of the tables is printed as a word of its own, in the tables' type (the
    # sentences and the page numbers are set larger)
    m = model(doc["form"])
    numbers = Counter(w[4] for words in pages for w in words if NUMBER.match(w[4]) and w[3] - w[1] < TABLE_TYPE_PT)
    expected = Counter(
        (str(v) if not isinstance(v, float) else format(v, "g")) for v in m.values(doc)
    )
    assert numbers == expected


def test_a_forced_document_says_on_its_first_printed_page_that_it_failed(report, soffice, tmp_path):
    from nianbao.core.validate import validate

    doc = report("shangzhi-2021")
    doc["appeals"]["review"]["total"] += 1  # I4
    pdf = soffice(publish(doc, tmp_path / "forced.docx", validate(doc)), "pdf")
    first = "".join(w[4] for w in _words(pdf)[0])
    assert UNVALIDATED in first


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's non-blank lines as pdftotext lays them out."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


@pytest.mark.parametrize("name", ["shangzhi-2021", "anyang-2020"])
def test_pages_and_lines_break_where_a_typesetter_would_break_them(name, report, soffice, tmp_path):
    """No 第二十条 heading alone at the foot of a page, no table starting with its header
    alone, no number parted from its sign, a title on two even lines (never broken inside
    a word), and the 落款 (name, date) at the end."""
    from nianbao.publish.word import title_lines

    doc = report(name)
    doc.setdefault("meta", {})["filled_date"] = "2022-01-20"
    pdf = soffice(publish(doc, tmp_path / f"{name}.docx"), "pdf")
    pages = _pages(pdf)
    name_, year = doc["agency"]["name"], doc["year"]
    expected = title_lines(report_title(name_, year), (name_, f"{year}年", "政府信息公开工作年度报告"))
    assert len(expected) == 2 and expected[1] == "政府信息公开工作年度报告"
    assert [re.sub(r"\s+", "", line) for line in pages[0][:2]] == list(expected)
    for n, lines in enumerate(pages, 1):
        body = lines[:-1]  # the page number last
        assert "第二十条第" not in body[-1], f"page {n} ends with a heading of table 2"
        for a, b in zip(body, body[1:], strict=False):
            assert not (a.endswith("-") and b[:1].isdigit()), f"page {n}: a number parted from its sign"
        if any("申请人情况" in line for line in body):  # table 3 starts or goes on: rows of numbers follow
            after = body[next(i for i, line in enumerate(body) if "申请人情况" in line):]
            assert sum(1 for line in after if re.search(r"\d\s+\d\s+\d", line)) >= 2, f"page {n}: header alone"
    last = pages[-1][:-1]
    assert re.sub(r"\s+", "", last[-2]) == name_ and re.sub(r"\s+", "", last[-1]) == "2022年1月20日"
