"""The summary as it prints, rendered by LibreOffice: lists on A4 landscape with every column
on the page, few pages for the examples, and the native charts drawn."""

from __future__ import annotations

import re
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
    return _printed(write_summary(c, tmp / "汇总.xlsx"))


def _printed(out: Path) -> tuple[Path, Path, list[str]]:
    """A workbook, its PDF as LibreOffice prints it beside it, and the text of each page."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is required: run scripts/setup.sh --test"
    subprocess.run([exe, f"-env:UserInstallation={(out.parent / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out.parent), str(out)],
                   capture_output=True, timeout=240, check=True)
    pdf = out.with_suffix(".pdf")
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


# ---------------------------------------------------------------------------------------
# A summary of 22 agencies with last year's reports of 3: 上年对比, the charts, the footers


AGENCIES = 22


@pytest.fixture(scope="module")
def rendered_previous(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    import copy
    import json

    tmp = tmp_path_factory.mktemp("previous")
    seed = json.loads((Path(__file__).parent / "fixtures" / "seeds" / "anyang-2020.json").read_text(encoding="utf-8"))
    for folder in ("本年", "上年"):
        (tmp / folder).mkdir()
    for n in range(1, AGENCIES + 1):
        doc = copy.deepcopy(seed)
        doc["agency"] = {"name": f"张店区第{n}号政府工作部门管理局"}
        doc["applications"]["new"]["natural"] += n  # each its own number of new applications
        doc["applications"]["new"]["total"] += n
        doc["applications"]["outcomes"]["disclosed"]["natural"] += n
        doc["applications"]["outcomes"]["disclosed"]["total"] += n
        doc["applications"]["outcomes"]["total"]["natural"] += n
        doc["applications"]["outcomes"]["total"]["total"] += n
        (tmp / "本年" / f"{n}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        if n <= 3:
            prev = copy.deepcopy(doc)
            prev["year"] -= 1
            prev["applications"]["carried_forward"] = copy.deepcopy(doc["applications"]["carried_over"])
            (tmp / "上年" / f"{n}.json").write_text(json.dumps(prev, ensure_ascii=False), encoding="utf-8")
    c = consolidate([tmp / "本年"], jobs=1, name="张店区人民政府", previous=[tmp / "上年"])
    assert c.previous.compared_count == 3
    return _printed(write_summary(c, tmp / "汇总.xlsx"))


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(x0, y0, x1, y1, text) of each word pdftotext finds on a page (points)."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', xml)]


def test_the_comparison_prints_legibly_in_column_groups_with_its_header_repeated(rendered_previous):
    from nianbao.consolidation.marker import PREVIOUS_SHEET

    _, pdf, pages = rendered_previous
    numbers = [n for n, p in enumerate(pages, 1) if re.search(f"{PREVIOUS_SHEET}\\s+第", p)]
    assert len(numbers) >= 4  # the headline numbers in groups across pages, not shrunk onto one
    for n in numbers:
        page = pages[n - 1]
        assert "类别" in page and "单位名称" in page  # on every page, the rows' names and the header
        assert page.count("变化率") <= 2  # two headline numbers to a page at most
        heights = [y1 - y0 for _, y0, _, y1, w in _words(pdf, n) if w.strip()]
        assert min(heights) >= 8, f"page {n}: text {min(heights):.1f} pt high"
    assert "可比单位 3 个" in pages[numbers[0] - 1] and "注意：上年的输入不完整" in pages[numbers[0] - 1]


def test_every_bar_of_the_top_agencies_chart_is_named(rendered_previous):
    _, _, pages = rendered_previous
    page = "".join(p for p in pages if "新收申请最多的 20 个单位" in p)
    for n in range(AGENCIES - 19, AGENCIES + 1):  # the top twenty: in the table and on the chart's axis
        assert page.count(f"第{n}号") + page.count(f"第 {n} 号") >= 2, n


def test_footers_are_whole(rendered_previous):
    """A footer is drawn in the bottom margin above the footer distance: that room holds its
    line (LibreOffice cut the footer of every list in half when it was 0.1 inch)."""
    out, _, pages = rendered_previous
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        if ws.oddFooter.center.text:
            margins = ws.page_margins
            assert margins.bottom - margins.footer >= 0.5, ws.title
    assert all("页，共" in p for p in pages[-6:])


def test_numbers_never_touch_the_next_column(rendered):
    """A number right-aligned against a left-aligned neighbour read as "2020 2019" and
    "0已汇总": the gap between a number and the next word on its line is a character's
    width, not a hairline."""
    out, pdf, pages = rendered
    detail = [n for n, p in enumerate(pages, 1) if re.search(f"{DETAIL_SHEET}\\s+第", p)]
    assert detail
    for n in detail:
        words = sorted(_words(pdf, n), key=lambda w: (round(w[1]), w[0]))
        for a, b in zip(words, words[1:], strict=False):
            if round(a[1]) == round(b[1]) and a[4].isdigit():
                assert b[0] - a[2] >= 1.5, f"page {n}: {a[4]!r} touches {b[4]!r}"


def test_no_chart_crosses_a_page_or_draws_a_frame(rendered_previous):
    """A chart cut by a page break left its frame's edge on the page before: each chart lies
    between two breaks, and none draws a frame."""
    import math
    import zipfile

    from nianbao.consolidation.summary.charts import ROW_HEIGHT
    from nianbao.io.xlsx.ooxml import WORKBOOK, WORKBOOK_RELS, sheet_parts

    out, _, _ = rendered_previous
    with zipfile.ZipFile(out) as z:
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}
    where = dict(sheet_parts(parts[WORKBOOK].encode(), parts[WORKBOOK_RELS].encode()))
    breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"', parts[where[CHARTS_SHEET]])]
    (drawing,) = [n for n in parts if n.startswith("xl/drawings/drawing") and n.endswith(".xml")]
    anchors = re.findall(r"<from><col>\d+</col><colOff>\d+</colOff><row>(\d+)</row>.*?<ext cx=\"\d+\" cy=\"(\d+)\"",
                         parts[drawing])
    assert len(anchors) == 4
    for row, cy in anchors:
        first = int(row) + 1  # rows from 1, as the breaks count them
        last = first + math.ceil(int(cy) / 360000 / ROW_HEIGHT)
        assert not [b for b in breaks if first <= b < last], f"a chart at row {first} crosses a page"
    charts = [text for n, text in parts.items() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4
    for chart in charts:  # the chart space's own outline (its last spPr): no line drawn
        outline = chart[chart.rindex("</chart>"):]
        assert re.search(r"<spPr><a:ln\b[^>]*><a:noFill/>", outline), outline
