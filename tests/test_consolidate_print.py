"""The summary as it prints, rendered by LibreOffice: lists on A4 landscape with every column
on the page, few pages for the examples, and the native charts drawn."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from nianbao.consolidation import consolidate
from nianbao.consolidation.marker import CHARTS_SHEET, DETAIL_SHEET, DUPLICATES_SHEET, MISSING_SHEET, PROBLEMS_SHEET
from nianbao.consolidation.summary.workbook import list_sheets, write_summary

EXAMPLES = Path(__file__).parents[1] / "examples"
LISTS = (DETAIL_SHEET, PROBLEMS_SHEET, MISSING_SHEET, DUPLICATES_SHEET)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """The examples' summary, its PDF, and the text of each page."""
    tmp = tmp_path_factory.mktemp("print")
    c = consolidate([EXAMPLES / "各单位报告"], roster=EXAMPLES / "应报送单位名单.csv", jobs=1, name="张店区人民政府")
    out = write_summary(c, tmp / "汇总.xlsx")
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is required: run scripts/setup.sh --test"
    subprocess.run([exe, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(out)],
                   capture_output=True, timeout=240, check=True)
    pdf = tmp / "汇总.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out, pdf, text.split("\f")[:-1]


def test_the_lists_are_set_up_to_print(rendered):
    out, _, _ = rendered
    wb = openpyxl.load_workbook(out)
    for title in (*LISTS, CHARTS_SHEET):
        ws = wb[title]
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
    for title in LISTS:
        assert wb[title].print_title_rows == "$1:$1"


def test_the_examples_summary_prints_on_a_few_pages_every_column_on_each(rendered):
    out, _, pages = rendered
    assert len(pages) <= 12  # was 31
    specs = {s.title: s for s in list_sheets(consolidate([EXAMPLES / "各单位报告"], jobs=1))}
    problems = [p for p in pages if "处理建议" in p]
    assert problems, "the problem list prints"
    for page in problems:  # the header, first column to last, is on every page of the list
        assert "来源文件" in page and "单位名称" in page
    assert specs[PROBLEMS_SHEET].headers[-1] == "处理建议"
    for page in pages:
        assert "###" not in page  # no number too wide for its column


def test_long_reasons_wrap_onto_taller_rows(rendered):
    out, _, _ = rendered
    import zipfile

    from nianbao.io.xlsx.ooxml import WORKBOOK, WORKBOOK_RELS, sheet_parts

    with zipfile.ZipFile(out) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    where = dict(sheet_parts(parts[WORKBOOK], parts[WORKBOOK_RELS]))
    xml = parts[where[PROBLEMS_SHEET]].decode()
    assert 'customHeight="1"' in xml  # rows whose text wraps are as tall as it needs


def _ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields, at = [], 0
    while len(fields) < 4:  # P6 width height maxval, separated by white space
        while data[at:at + 1].isspace():
            at += 1
        start = at
        while not data[at:at + 1].isspace():
            at += 1
        fields.append(data[start:at])
    assert fields[0] == b"P6"
    return int(fields[1]), int(fields[2]), data[at + 1:]


def test_the_charts_are_drawn(rendered, tmp_path):
    _, pdf, pages = rendered
    chart_pages = [n for n, p in enumerate(pages, 1) if "申请办理结果（件）" in p]
    assert chart_pages
    n = chart_pages[0]
    subprocess.run(["pdftoppm", "-r", "40", "-f", str(n), "-l", str(n), str(pdf), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.ppm")
    width, height, pixels = _ppm(image)
    coloured = sum(
        1 for i in range(0, len(pixels), 3)
        if max(pixels[i:i + 3]) - min(pixels[i:i + 3]) > 60  # bars and slices: colour, not black on white
    )
    assert coloured > width * height // 50, "no chart drawn on the page"
