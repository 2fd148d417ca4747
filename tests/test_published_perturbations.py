"""Publications as they go wrong, each with a defined outcome: labels split across lines, a
row or a table missing, a row of numbers without its label, a table printed twice, extra
columns, numbers with units, pages with navigation and other tables, the wrong form for
the year, scans, damaged files."""

from __future__ import annotations

import copy
import functools
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publications import to_docx, to_html, to_text

from nianbao.core.forms import FORM_2021, REPORT_TITLE
from nianbao.core.model import model
from nianbao.io.check import check_file
from nianbao.io.published import read_published
from nianbao.io.published.grid import Cell
from nianbao.io.published.title import find_title
from nianbao.io.readers import ReadError

TABLES = ("active", "applications", "appeals")
SAMPLE = json.loads((Path(__file__).parent / "fixtures" / "reports" / "shangzhi-2021.json").read_text(encoding="utf-8"))
SAMPLE["agency"] = {"name": SAMPLE["agency"]["name"]}


@functools.cache
def sample_docx() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.docx"
        to_docx(SAMPLE, path)
        return path.read_bytes()


@pytest.fixture
def doc(report):
    d = report("shangzhi-2021")
    d["agency"] = {"name": d["agency"]["name"]}
    d.pop("meta", None)
    return d


def write(tmp_path, text: str, name: str = "r.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rules(loaded):
    return [f.rule for f in loaded.findings]


def label_of(form, path):
    return model(form).by_path[path].row.label


# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["tabs", "cells"])
def test_labels_split_across_lines_are_joined(tmp_path, doc, layout):
    label = label_of(FORM_2021, ("applications", "outcomes", "partially_disclosed", "natural"))
    text = to_text(doc, layout)
    assert label in text
    cut = len(label) // 2
    broken = text.replace(label, label[:cut] + "\n" + label[cut:])
    loaded = read_published(write(tmp_path, broken))
    for k in TABLES:
        assert loaded.document[k] == doc[k]
    assert loaded.findings == ()


def test_a_missing_row_is_left_blank_and_named(tmp_path, doc):
    total = label_of(FORM_2021, ("applications", "outcomes", "total", "natural"))
    lines = [ln for ln in to_text(doc, "tabs").splitlines() if total not in ln]
    loaded = read_published(write(tmp_path, "\n".join(lines)))
    assert loaded.document["applications"]["outcomes"]["total"] == dict.fromkeys(doc["applications"]["new"])
    (absent,) = loaded.findings
    assert absent.rule == "ABSENT" and absent.message.startswith(f"表三 缺少行「{total}」")
    want = copy.deepcopy(doc)
    want["applications"]["outcomes"]["total"] = dict.fromkeys(doc["applications"]["new"])
    for k in TABLES:
        assert loaded.document[k] == want[k]


def test_a_missing_table_is_left_blank_and_named(tmp_path, doc):
    text = to_text(doc, "tabs")
    t4 = FORM_2021.table("appeals").title
    cut = text[: text.index(t4)] + text[text.index("五、存在的主要问题") :]
    loaded = read_published(write(tmp_path, cut))
    assert all(v is None for g in loaded.document["appeals"].values() for v in g.values())
    (absent,) = loaded.findings
    assert absent.rule == "ABSENT" and "表四" in absent.message and t4 in absent.message
    assert loaded.document["applications"] == doc["applications"]


def test_an_unlabelled_row_is_used_only_where_position_and_count_leave_no_doubt(tmp_path, doc):
    label = label_of(FORM_2021, ("applications", "outcomes", "not_processed", "duplicate", "natural"))
    text = to_text(doc, "tabs").replace(label, "")
    loaded = read_published(write(tmp_path, text))
    for k in TABLES:
        assert loaded.document[k] == doc[k]
    (warn,) = loaded.findings
    assert warn.rule == "POSITION" and warn.severity == "warning" and label in warn.message
    # two labels gone side by side: two rows, two places — still unambiguous by order? no:
    # the rows are placed only when exactly one row is missing between recognised ones
    other = label_of(FORM_2021, ("applications", "outcomes", "not_processed", "publications", "natural"))
    loaded = read_published(write(tmp_path, text.replace(other, ""), "r2.txt"))
    assert loaded.document["applications"]["outcomes"]["not_processed"]["duplicate"]["natural"] is None
    assert rules(loaded).count("AMBIGUOUS") == 2 and rules(loaded).count("ABSENT") == 2


def test_table_4_without_its_headers_reads_its_fifteen_numbers_with_a_warning(tmp_path, doc):
    text = to_text(doc, "cells")
    head, tail = text.split(FORM_2021.table("appeals").title)
    numbers = [ln for ln in tail.split("五、")[0].splitlines() if ln.strip().isdigit()]
    assert len(numbers) == 15
    bare = head + FORM_2021.table("appeals").title + "\n" + "\n".join(numbers) + "\n五、存在的主要问题及改进情况\n"
    loaded = read_published(write(tmp_path, bare))
    assert loaded.document["appeals"] == doc["appeals"]
    (warn,) = loaded.findings
    assert warn.rule == "POSITION" and "15 个数字" in warn.message


# Table 4 as many sites print it: a row per group under the five result columns

APPEALS = {  # every cell different: a number read into the wrong column or row shows
    "review": {"upheld": 1, "corrected": 2, "other": 3, "pending": 4, "total": 10},
    "litigation_direct": {"upheld": 5, "corrected": 6, "other": 7, "pending": 8, "total": 26},
    "litigation_after_review": {"upheld": 9, "corrected": 0, "other": 11, "pending": 12, "total": 32},
}


def by_group(doc, source: str, appeals: str) -> str:
    doc["appeals"] = copy.deepcopy(APPEALS)
    return to_html(doc, appeals=appeals).decode() if source == "html" else to_text(doc, source, appeals)


@pytest.mark.parametrize(
    "source, appeals",
    [
        ("html", "merged"),
        ("html", "heading"),
        ("docx", "merged"),
        ("tabs", "merged"),
        ("cells", "merged"),
        ("pipes", "heading"),
    ],
)
def test_table_4_printed_a_row_per_group(tmp_path, doc, source, appeals):
    if source == "docx":
        doc["appeals"] = copy.deepcopy(APPEALS)
        path = tmp_path / "r.docx"
        to_docx(doc, path, appeals)
    else:
        path = write(tmp_path, by_group(doc, source, appeals), "r.html" if source == "html" else "r.txt")
    loaded = read_published(path)
    for k in TABLES:
        assert loaded.document[k] == doc[k]
    assert loaded.findings == ()
    place, where = loaded.locations["/appeals/litigation_after_review/total"]
    column = 7 if appeals == "merged" else 6  # the last row's last cell
    if source == "html":  # the page's fourth table (the first is navigation)
        assert (place, where) == ("表格 4", f"第 4 行第 {column} 列")
    elif source == "docx":
        assert (place, where) == ("表格 3", f"第 4 行第 {column} 列")
    else:
        assert place == "正文"


def test_table_4_by_group_a_row_that_does_not_fit_its_columns_is_left_blank(tmp_path, doc):
    page = by_group(doc, "html", "merged")
    row = page.index("<td>复议后起诉</td>")
    page = page[:row] + page[row:].replace("<td>11</td>", "", 1)  # a number lost: which column is which?
    loaded = read_published(write(tmp_path, page, "r.html"))
    assert set(loaded.document["appeals"]["litigation_after_review"].values()) == {None}
    assert {g: loaded.document["appeals"][g] for g in ("review", "litigation_direct")} == {
        g: APPEALS[g] for g in ("review", "litigation_direct")
    }
    (bad,) = loaded.findings
    assert bad.rule == "AMBIGUOUS" and "「行政诉讼（复议后起诉）」" in bad.message and "4 格" in bad.message


def test_table_4_by_group_a_row_without_its_label_is_placed_only_between_recognised_rows(tmp_path, doc):
    direct = FORM_2021.table("appeals").groups[1]
    page = by_group(doc, "html", "merged").replace(f"<td>{direct.label}</td>", "<td></td>")
    loaded = read_published(write(tmp_path, page, "r.html"))
    assert loaded.document["appeals"] == APPEALS
    (warn,) = loaded.findings
    assert warn.rule == "POSITION" and direct.heading in warn.message
    # two rows without their labels: nothing says which is which
    review = FORM_2021.table("appeals").groups[0]
    page = page.replace(f"<td colspan=2>{review.label}</td>", "<td colspan=2></td>")
    loaded = read_published(write(tmp_path, page, "r2.html"))
    assert set(loaded.document["appeals"]["review"].values()) == {None}
    assert set(loaded.document["appeals"]["litigation_direct"].values()) == {None}
    assert loaded.document["appeals"]["litigation_after_review"] == APPEALS["litigation_after_review"]
    assert sorted(rules(loaded)) == ["ABSENT", "ABSENT", "AMBIGUOUS", "AMBIGUOUS"]


def test_table_4_by_group_without_its_column_headers_is_read_with_a_warning(tmp_path, doc):
    columns = FORM_2021.table("appeals").groups[0].columns
    text = by_group(doc, "tabs", "merged")
    lines = [ln for ln in text.splitlines() if columns[0].label not in ln]
    loaded = read_published(write(tmp_path, "\n".join(lines)))
    assert loaded.document["appeals"] == APPEALS
    (warn,) = loaded.findings
    assert warn.rule == "POSITION" and warn.message.startswith("表四 原文中未找到列标题")
    assert all(f"「{c.label}」" in warn.message for c in columns)


def test_a_table_printed_twice_with_other_numbers_is_an_error_naming_both_places(tmp_path, doc):
    """Two printings of table 3 whole: rows that agree are read; the row whose numbers differ is
    an error naming both places, never a silent choice of the first."""
    other = copy.deepcopy(doc)
    other["applications"]["new"]["natural"] += 1
    page = to_html(doc).decode()
    again = to_html(other).decode()
    t3 = FORM_2021.table("applications").title
    second = again[again.index(t3) - 20 : again.index(FORM_2021.table("appeals").title) - 20]
    at = page.index("五、存在的主要问题")
    page = page[:at] + second + page[at:]
    loaded = read_published(write(tmp_path, page, "r.html"))
    expected = copy.deepcopy(doc)
    expected["applications"]["new"] = dict.fromkeys(doc["applications"]["new"])
    for k in TABLES:
        assert loaded.document[k] == expected[k]
    error, warn = loaded.findings
    assert error.rule == "AMBIGUOUS" and error.pointer == "/applications/new/natural"
    assert error.message.count("表格 ") == 2 and "出现两次且数字不同" in error.message
    assert warn.rule == "SOURCE" and "出现两次" in warn.message


def test_extra_columns(tmp_path, doc):
    # a remarks column of text is dropped with a warning
    page = to_html(doc).decode()
    row = label_of(FORM_2021, ("active", "licensing", "decisions"))
    cell = f"<td>{row}</td>"
    at = page.index(cell)
    end = page.index("</tr>", at)
    page = page[:end] + "<td>含网上办理</td>" + page[end:]
    loaded = read_published(write(tmp_path, page, "r.html"))
    assert loaded.document["active"] == doc["active"]
    (warn,) = loaded.findings
    assert warn.rule == "SOURCE" and "含网上办理" in warn.message
    # a column of numbers more than the form has: which is which is not known
    end = page.index("</tr>", page.index(label_of(FORM_2021, ("applications", "new", "natural"))))
    page = page[:end] + "<td>7</td>" + page[end:]
    loaded = read_published(write(tmp_path, page, "r2.html"))
    assert set(loaded.document["applications"]["new"].values()) == {None}
    assert "AMBIGUOUS" in rules(loaded)


def test_numbers_with_units_follow_the_workbook_conventions(tmp_path, doc):
    doc["active"]["licensing"]["decisions"] = 1234
    doc["appeals"]["review"] = {"upheld": 0, "corrected": 12, "other": 3, "pending": 0, "total": 15}
    page = to_html(doc).decode()
    page = page.replace("<td>1234</td>", "<td>1,234</td>", 1)
    t4 = page.index(FORM_2021.table("appeals").title)
    head, tail = page[:t4], page[t4:]
    for old, new in (("<td>0</td>", "<td>—</td>"), ("<td>12</td>", "<td>１２</td>"), ("<td>3</td>", "<td>3件</td>")):
        tail = tail.replace(old, new, 1)
    loaded = read_published(write(tmp_path, head + tail, "r.html"))
    for k in TABLES:
        assert loaded.document[k] == doc[k]
    notes = [f.message for f in loaded.findings]
    assert all(f.rule == "CELL" and f.severity == "warning" for f in loaded.findings) and len(notes) == 4
    assert any("1,234" in n and "千位分隔符" in n for n in notes)
    assert any("１２" in n for n in notes) and any("3件" in n for n in notes) and any("—" in n for n in notes)


def test_text_that_is_no_number_is_kept_and_reported_by_the_validator(tmp_path, doc):
    page = to_html(doc).decode()
    t4 = page.index(FORM_2021.table("appeals").title)
    page = page[:t4] + page[t4:].replace("<td>0</td>", "<td>不详</td>", 1)
    path = write(tmp_path, page, "r.html")
    result = check_file(path)
    (bad,) = [f for f in result.findings if f.rule == "TYPE"]
    assert bad.sheet == "表格 4" and "不详" not in (bad.cell or "")


def test_a_page_with_navigation_and_unrelated_tables(tmp_path, doc):
    page = to_html(doc, nav=True).decode()
    extra = "<table><tr><td>附件</td><td>下载次数</td></tr><tr><td>年报.pdf</td><td>321</td></tr></table>"
    page = page.replace("</body>", extra + "</body>")
    assert page.count("<table") == 5
    loaded = read_published(write(tmp_path, page, "r.html"))
    for k in TABLES:
        assert loaded.document[k] == doc[k]
    assert loaded.findings == ()


def test_a_report_of_the_wrong_form_for_its_year(tmp_path, doc):
    doc["year"] = 2020  # a 2021-form report that calls itself 2020
    path = write(tmp_path, to_html(doc).decode(), "r.html")
    loaded = read_published(path)
    assert loaded.document["form"] == "2021"  # the labels decide
    result = check_file(path)
    assert any(f.rule == "YEAR" for f in result.findings)
    assert result.tally.errors >= 1


def test_the_form_follows_the_labels_and_the_year_breaks_a_tie(tmp_path, doc):
    text = to_text(doc, "tabs")
    only_4 = text[: text.index(FORM_2021.table("active").title)] + text[text.index(FORM_2021.table("appeals").title) :]
    loaded = read_published(write(tmp_path, only_4))
    assert loaded.document["form"] == "2021"  # nothing tells the forms apart but the year 2021
    assert loaded.document["appeals"] == doc["appeals"]


@pytest.mark.parametrize(
    "lines, agency, year",
    [
        (["某某局2020年政府信息公开工作年度报告"], "某某局", 2020),
        (["某某局2020年度政府信息公开工作年度报告"], "某某局", 2020),
        (["某某局关于2020年政府信息公开工作年度报告"], "某某局", 2020),
        (["2021年某某县人民政府办公室政府信息公开工作年度报告"], "某某县人民政府办公室", 2021),
        (["张店区卫生健康局", "2020 年政府信息公开工作年度报告"], "张店区卫生健康局", 2020),
        (
            ["当前位置: 首页 > 政务公开 > 政府信息公开工作年度报告", "某某局 2022 年 政府信息公开工作年度报告"],
            "某某局",
            2022,
        ),
    ],
)
def test_agency_and_year_from_the_title(lines, agency, year):
    rows = [(Cell(t, "正文", f"第 {i} 行"),) for i, t in enumerate(lines, 1)]
    assert REPORT_TITLE in lines[-1].replace(" ", "")
    name, y, cell = find_title(rows)
    assert (name, y) == (agency, year) and cell is rows[-1][0]


@pytest.mark.parametrize(
    "line",
    [
        "# 尚志市卫生健康局2021年政府信息公开工作年度报告",
        "## 尚志市卫生健康局2021年政府信息公开工作年度报告 ##",
        "#尚志市卫生健康局2021年政府信息公开工作年度报告",
        "**尚志市卫生健康局2021年政府信息公开工作年度报告**",
        "> # __尚志市卫生健康局__2021年政府信息公开工作年度报告",
        "*尚志市卫生健康局2021年政府信息公开工作年度报告*",
    ],
)
@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_markdown_marks_are_no_part_of_the_title(tmp_path, doc, line, suffix):
    text = to_text(doc, "markdown").split("\n", 1)[1]
    loaded = read_published(write(tmp_path, line + "\n" + text, "r" + suffix))
    assert loaded.document["agency"] == {"name": "尚志市卫生健康局"} and loaded.document["year"] == 2021
    for k in TABLES:
        assert loaded.document[k] == doc[k]


def test_a_pipe_escaped_in_a_markdown_cell_stays_in_its_cell(tmp_path, doc):
    label = label_of(FORM_2021, ("active", "licensing", "decisions"))
    value = doc["active"]["licensing"]["decisions"]
    lines = to_text(doc, "markdown").splitlines()
    (at,) = [i for i, ln in enumerate(lines) if ln.startswith(f"| {label} | {value} |")]
    lines[at] = f"| **{label}** | {value} | 含网上办理\\|窗口受理 |"  # a remarks column
    text = "\n".join(lines)
    loaded = read_published(write(tmp_path, text, "r.md"))
    assert loaded.document["active"] == doc["active"]
    (warn,) = loaded.findings
    assert warn.rule == "SOURCE" and "（含网上办理|窗口受理）" in warn.message


def test_no_title_no_guess(tmp_path, doc):
    text = to_text(doc, "tabs").split("\n", 1)[1]
    loaded = read_published(write(tmp_path, text))
    assert "year" not in loaded.document and loaded.document["agency"] == {}
    assert rules(loaded) == ["ABSENT", "ABSENT"]
    assert "--year" in loaded.findings[0].message


# ---------------------------------------------------------------------------------------
# Files that are no report, or not readable


def test_a_scanned_pdf_is_refused_saying_so(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    pdf.save(str(path))
    with pytest.raises(ReadError, match="扫描件"):
        read_published(path)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("r.pdf", b"%PDF-1.4 garbage", "不是有效的 PDF"),
        ("r.docx", b"PK\x03\x04 not really", "不是有效的 Word 文档"),
        ("r.html", b"<html><body><p>hello</p></body></html>", "不像是一份政府信息公开工作年度报告"),
        ("r.txt", b"\xff\xfe\x00\xd8", "不像是一份"),
    ],
)
def test_files_that_are_no_report_get_a_clear_message(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = check_file(path)
    assert result.unreadable
    (f,) = result.findings
    assert f.rule == "READ" and message in f.message and name in f.message


def test_a_word_file_that_inflates_too_far_is_refused(tmp_path, doc, monkeypatch):
    from nianbao.io.published import docx as word

    path = tmp_path / "r.docx"
    to_docx(doc, path)
    monkeypatch.setattr(word, "MAX_PART", 10_000)
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_published(path)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a>" + b" " * 5_000_000 + b"</a>")
    monkeypatch.setattr(word, "MAX_PART", 64 * 1024 * 1024)
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_published(bomb)


def test_an_oversized_source_is_refused_before_parsing(tmp_path, monkeypatch):
    import nianbao.io.published as pub

    path = tmp_path / "big.html"
    path.write_bytes(b"<p>x</p>" * 1000)
    monkeypatch.setattr(pub, "MAX_SOURCE_BYTES", 100)
    with pytest.raises(ReadError, match="文件过大"):
        read_published(path)


def test_legacy_word_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    from nianbao.io.published import legacy

    path = tmp_path / "r.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    with pytest.raises(ReadError, match="需要 LibreOffice 转换，本机未安装"):
        read_published(path)


def test_docx_with_merged_cells_keeps_locations(tmp_path, doc):
    path = tmp_path / "r.docx"
    to_docx(doc, path)
    loaded = read_published(path)
    place, where = loaded.locations["/applications/outcomes/total/total"]
    assert place == "表格 2" and where.endswith("第 10 列")
    assert json.dumps(loaded.document, ensure_ascii=False)


def test_columns_without_their_headers_are_read_in_order_with_a_warning(tmp_path, doc):
    table = FORM_2021.table("applications")
    heads = (table.column_header, table.columns[0].label, table.columns[1].label)
    lines = [ln for ln in to_text(doc, "tabs").splitlines() if not any(h in ln for h in heads)]
    loaded = read_published(write(tmp_path, "\n".join(lines)))
    for k in TABLES:
        assert loaded.document[k] == doc[k]
    (warn,) = loaded.findings
    assert warn.rule == "POSITION" and warn.message.startswith("表三 原文中未找到列标题")
    assert all(f"「{c.label}」" in warn.message for c in table.columns)


def test_a_scan_with_a_line_of_text_is_still_a_scan(tmp_path):
    """A scanned report whose only text is a page number added by the scanner."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    text = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 10.0)
    buf = ctypes.create_string_buffer("- 1 -\0".encode("utf-16-le"))
    assert raw.FPDFText_SetText(text, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    raw.FPDFPage_InsertObject(page.raw, text)
    assert raw.FPDFPage_GenerateContent(page.raw)
    path = tmp_path / "scan.pdf"
    pdf.save(str(path))
    with pytest.raises(ReadError, match="扫描件"):
        read_published(path)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from([".html", ".txt", ".md", ".docx", ".pdf"]), st.binary(max_size=3000), st.integers(0, 2**32))
def test_damaged_files_give_a_message_never_a_traceback(tmp_path_factory, suffix, noise, seed):
    import random

    base = {
        ".html": to_html(SAMPLE),
        ".txt": to_text(SAMPLE, "tabs").encode(),
        ".md": to_text(SAMPLE, "markdown").encode(),
        ".docx": sample_docx(),
        ".pdf": b"%PDF-1.4\n" + noise,
    }[suffix]
    rnd = random.Random(seed)
    data = bytearray(base)
    for _ in range(rnd.randint(1, 20)):
        if data:
            data[rnd.randrange(len(data))] = rnd.randrange(256)
    path = tmp_path_factory.mktemp("damaged") / f"r{suffix}"
    path.write_bytes(bytes(data) + noise[: rnd.randint(0, len(noise))])
    try:
        read_published(path)
    except ReadError as e:
        assert path.name in str(e)


def test_labels_broken_inside_a_web_page_cell_are_one_label(tmp_path, doc):
    label = label_of(FORM_2021, ("applications", "outcomes", "not_processed", "confirm_or_reissue", "natural"))
    page = to_html(doc).decode()
    assert f">{label}<" in page
    page = page.replace(f">{label}<", f">{label[:5]}<br/>\n  {label[5:9]}<span> </span>{label[9:]}<")
    loaded = read_published(write(tmp_path, page, "r.html"))
    for k in TABLES:
        assert loaded.document[k] == doc[k]
    assert loaded.findings == ()
