"""The published report (nianbao.publish): tables as the national form lays them out, read
back from the produced Word and HTML files by their official labels, and the document's
text around them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPORTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from published_tables import column_heads, docx_tables, html_tables, same_number, table_values
from strategies import consistent_reports

from nianbao.core.findings import finding
from nianbao.core.forms import (
    FORMS,
    REPORT_TITLE,
    SUMMARY_KEY,
    SUMMARY_LEVEL_KEY,
    SUMMARY_MEMBERS_KEY,
    section_titles,
)
from nianbao.core.model import model
from nianbao.core.validate import validate
from nianbao.publish import PublishError, compose, publish
from nianbao.publish.compose import UNVALIDATED

READERS = {".docx": docx_tables, ".html": html_tables}
names = st.text(st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1, max_size=20)


def _check_numbers(document: dict[str, Any], path: Path) -> None:
    tables = READERS[path.suffix](path)
    assert len(tables) == 3
    found = table_values(document["form"], tables)
    m = model(document["form"])
    assert set(found) == set(m.by_pointer)
    for cell, value in zip(m.cells, m.values(document), strict=True):
        assert same_number(found[cell.pointer], value), f"{cell.label}: printed {found[cell.pointer]!r}, is {value!r}"


@pytest.mark.parametrize("suffix", sorted(READERS))
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_fixture_prints_each_number_in_the_row_and_column_of_its_labels(name, suffix, report, tmp_path):
    doc = report(name)
    out = publish(doc, tmp_path / f"report{suffix}", validate(doc))
    _check_numbers(doc, out)


@pytest.mark.parametrize("suffix", sorted(READERS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=consistent_reports(), name=names)
def test_random_reports_print_each_number_in_the_row_and_column_of_its_labels(doc, name, suffix, tmp_path):
    doc["agency"]["name"] = name
    out = publish(doc, tmp_path / f"random{suffix}")
    _check_numbers(doc, out)


def test_a_blank_cell_is_printed_blank_never_zero(report, tmp_path):
    doc = report("zhangdian-2020")  # table 3 published blank but for one stray 0
    found = table_values("2019", html_tables(publish(doc, tmp_path / "z.html", validate(doc))))
    assert doc["applications"]["new"]["natural"] is None
    assert found["/applications/new/natural"] == ""
    assert found["/applications/new/total"] == str(doc["applications"]["new"]["total"])


@pytest.mark.parametrize("suffix", sorted(READERS))
@pytest.mark.parametrize("form", sorted(FORMS))
def test_merges_and_header_rows_are_the_national_forms(form, suffix, report, tmp_path):
    doc = report("shangzhi-2021" if form == "2021" else "anyang-2020")
    t2, t3, t4 = READERS[suffix](publish(doc, tmp_path / f"m{suffix}"))
    f = FORMS[form]
    # table 3: three header rows, the note over the label columns, 法人或其他组织 over five
    assert t3.header_rows == 3 and t3.width == 10
    apps = f.table("applications")
    assert t3.span(0, 3) == (1, 7) and t3.text[0][3] == apps.column_header
    legal = apps.columns[1].parent
    j = t3.text[1].index(legal)
    assert t3.span(1, j) == (1, 5)
    assert t3.span(1, 3) == (2, 1) and t3.text[1][3] == apps.columns[0].label
    outcomes = apps.rows[2]
    r = next(i for i, row in enumerate(t3.text) if row[0] == outcomes.label)
    leaves = sum(1 if c.is_leaf else len(c.children) for c in outcomes.children)
    assert t3.span(r, 0) == (leaves, 1)
    # table 4: 行政复议 over five columns, 行政诉讼 over ten, one row of fifteen numbers
    appeals = f.table("appeals")
    assert t4.header_rows == 3 and t4.width == 15 and len(t4.text) == 4
    assert t4.text[0][0] == appeals.groups[0].label and t4.span(0, 0) == (1, 5)
    assert t4.span(1, 0) == (2, 1)
    assert t4.text[0][5] == appeals.groups[1].parent and t4.span(0, 5) == (1, 10)
    heads = [column_heads(t4, j, range(3))[-1] for j in range(15)]
    assert heads == [c.label for g in appeals.groups for c in g.columns]
    # table 2: each 第二十条 group spans the table; narrower groups' last column spans the rest
    assert t2.width == 4
    for group in f.table("active").groups:
        r = next(i for i, row in enumerate(t2.text) if row[0] == group.label)
        assert t2.span(r, 0) == (1, 4)
        last = 1 + len(group.columns) - 1
        assert t2.span(r + 1, last) == (1, 4 - last)


def _docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    import docx

    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def _html_text(path: Path) -> tuple[list[str], list[str], str]:
    import lxml.html

    tree = lxml.html.fromstring(path.read_bytes())
    return [h.text_content() for h in tree.iter("h1")], [h.text_content() for h in tree.iter("h2")], tree.text_content()


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_title_sections_sentences_and_placeholders_in_every_format(name, report, tmp_path):
    doc = report(name)
    form = FORMS[doc["form"]]
    title = f"{doc['agency']['name']}{doc['year']}年{REPORT_TITLE}"
    headings = list(section_titles(form))
    assert len(headings) == 6 and headings[1:4] == [t.title for t in form.tables]
    found = validate(doc)
    new_total = doc["applications"]["new"]["total"]
    sentence = None if new_total is None else f"本年新收政府信息公开申请{new_total}件"

    paragraphs = _docx_paragraphs(publish(doc, tmp_path / "r.docx", found))
    assert paragraphs[0][1].replace("\n", "") == title  # on two lines where it is too long for one
    assert [t for style, t in paragraphs if style == "Heading 1"] == headings
    body = "\n".join(t for _, t in paragraphs)
    h1, h2, text = _html_text(publish(doc, tmp_path / "r.html", found))
    assert h1 == [title] and h2 == headings
    md = publish(doc, tmp_path / "r.md", found).read_text(encoding="utf-8")
    assert md.startswith(f"# {title}\n")
    assert re.findall(r"^## (.+)$", md, re.M) == headings
    for t in (body, text, md):
        if sentence:
            assert sentence in t
        assert t.count("【请在此填写") == 3  # sections 一, 五 and 六
    # the placeholders stand out: highlighted in Word, shaded on the page, bold in Markdown
    import docx

    paragraphs_read = docx.Document(str(tmp_path / "r.docx")).paragraphs
    highlighted = [r.text for p in paragraphs_read for r in p.runs if r.font.highlight_color]
    dated = bool(doc.get("meta", {}).get("filled_date"))
    assert len(highlighted) == 3 + (not dated) and all(t.startswith("【") for t in highlighted)
    assert dated or highlighted[-1] == "【成文日期】"  # the 落款's date, for the agency to write
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count("background-color:#ffff00") == 3 + (not dated)
    closing = "【成文日期】" if not dated else "日"  # the 落款 ends every format
    assert text.rstrip().endswith(closing) and md.rstrip().endswith(closing + ("**" if not dated else ""))
    assert md.count("**【请在此填写") == 3


def test_the_2021_form_asks_for_the_fees_charged_in_section_six(report):
    doc21 = compose(report("shangzhi-2021"))
    doc19 = compose(report("anyang-2020"))
    assert "信息处理费" in doc21.sections[5].blocks[0].text
    assert "信息处理费" not in doc19.sections[5].blocks[0].text


def test_the_sentences_state_the_numbers_of_the_tables(report):
    doc = report("anyang-2020")
    apps = doc["applications"]
    d = compose(doc)
    three = d.sections[2].blocks[0].text
    withheld = sum(v["total"] for v in apps["outcomes"]["withheld"].values())
    assert f"本年新收政府信息公开申请{apps['new']['total']}件" in three
    assert f"上年结转政府信息公开申请{apps['carried_over']['total']}件" in three
    assert f"不予公开{withheld}件" in three
    assert f"总计{apps['outcomes']['total']['total']}件" in three
    assert f"结转下年度继续办理{apps['carried_forward']['total']}件" in three
    four = d.sections[3].blocks[0].text
    review = doc["appeals"]["review"]
    assert f"行政复议{review['total']}件，其中结果维持{review['upheld']}件" in four
    two = d.sections[1].blocks[0].text
    procurement = doc["active"]["procurement"]
    assert f"采购总金额为{procurement['amount']}万元" in two
    # 2019 prints no unit for 采购总金额: a note under table 2 says which
    assert any("采购总金额的单位为万元" in getattr(b, "text", "") for b in d.sections[1].blocks[2:])


def test_a_report_with_errors_says_so_on_the_first_page(report, tmp_path):
    doc = report("shangzhi-2021")
    doc["applications"]["new"]["natural"] += 3  # I1 and I3 break
    found = validate(doc)
    assert any(f.is_error for f in found)
    paragraphs = _docx_paragraphs(publish(doc, tmp_path / "bad.docx", found))
    assert paragraphs[1][1].startswith(UNVALIDATED)
    _, _, text = _html_text(publish(doc, tmp_path / "bad.html", found))
    assert text.index(UNVALIDATED) < text.index(section_titles(FORMS["2021"])[0])
    md = publish(doc, tmp_path / "bad.md", found).read_text(encoding="utf-8")
    assert md.split("\n\n")[1].startswith(f"> **{UNVALIDATED}")
    # warnings alone do not make a report unvalidated
    clean = compose(report("shangzhi-2021"), [finding("W1", "警告")])
    assert not clean.notices


def test_a_summary_names_its_level_and_how_many_agencies_it_covers(report, tmp_path):
    doc = report("shangzhi-2021")
    doc["agency"]["name"] = "尚志市"
    doc["meta"] = {SUMMARY_KEY: {SUMMARY_LEVEL_KEY: "尚志市", SUMMARY_MEMBERS_KEY: 37}}
    d = compose(doc)
    assert d.title == f"尚志市2021年{REPORT_TITLE}"
    assert [p.text for p in d.notices] == ["本报告为尚志市的汇总报告，汇总了 37 个单位的报告。"]
    _, _, text = _html_text(publish(doc, tmp_path / "s.html"))
    assert "汇总了 37 个单位的报告" in text


def test_the_html_page_is_what_a_site_editor_accepts(report, tmp_path):
    import lxml.html

    raw = publish(report("anyang-2020"), tmp_path / "p.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(raw)
    assert not tree.xpath("//script | //style | //link | //iframe | //img | //object")
    assert not tree.xpath("//@class | //@id | //@src | //@href | //@*[starts-with(name(), 'on')]")
    assert all(el.get("border") == "1" for el in tree.iter("table"))
    # every table cell carries its own style
    assert all(c.get("style") for c in tree.xpath("//td | //th"))
    assert '<meta charset="utf-8">' in raw


def test_the_word_tables_fit_the_text_width_of_an_a4_page(report, tmp_path):
    import docx

    d = docx.Document(str(publish(report("anyang-2020"), tmp_path / "w.docx")))
    s = d.sections[0]
    assert (round(s.page_width.cm, 1), round(s.page_height.cm, 1)) == (21.0, 29.7)
    text_width = s.page_width - s.left_margin - s.right_margin
    for t in d.tables:
        grid = t._tbl.tblGrid.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")
        total = sum(int(g.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) for g in grid)
        assert abs(total * 635 - text_width) < 635 * 20  # twips → EMU, within 1 pt


def test_the_markdown_tables_hold_the_numbers_by_label(report, tmp_path):
    doc = report("shangzhi-2021")
    md = publish(doc, tmp_path / "r.md").read_text(encoding="utf-8")
    rows = {}
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("| :"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows.setdefault(cells[0], []).append(cells[1:])
    apps = FORMS["2021"].table("applications")
    m = model("2021")
    for cell, v in zip(m.cells, m.values(doc), strict=True):
        if cell.table.key == "applications":
            (printed,) = rows[cell.row.label]
            assert same_number(printed[apps.columns.index(cell.column)], v), cell.label
        elif cell.table.key == "appeals":
            head = f"{cell.group.parent}（{cell.group.label}）" if cell.group.parent else cell.group.label
            (printed,) = rows[head]
            assert same_number(printed[cell.group.columns.index(cell.column)], v), cell.label
        else:
            (printed,) = rows[cell.row.label]
            assert same_number(printed[cell.group.columns.index(cell.column)], v), cell.label


def test_a_report_of_no_known_form_is_refused_in_chinese(tmp_path):
    with pytest.raises(PublishError, match="无法识别报告的表式"):
        publish({"form": "2018", "year": 2018}, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
    with pytest.raises(PublishError, match="不支持的输出格式「.pdf」"):
        publish(REPORTS["shangzhi-2021"], tmp_path / "x.pdf")


def test_names_with_control_characters_still_make_a_valid_document(report, tmp_path):
    doc = report("shangzhi-2021")
    doc["agency"]["name"] = "尚志市\x00卫生\n健康局\x1b"
    paragraphs = _docx_paragraphs(publish(doc, tmp_path / "c.docx"))
    assert paragraphs[0][1].startswith("尚志市 卫生 健康局")


def test_numbers_stay_with_their_signs_and_titles_break_between_their_parts():
    from nianbao.publish.word import title_lines, unbroken

    assert unbroken("本年增/减为-373，") == "本年增/减为-\u2060373，"
    assert unbroken("申请 2 件") == "申请\u00a02\u00a0件"
    parts = ("安阳市卫生健康委员会", "2020年", REPORT_TITLE)
    assert title_lines("".join(parts), parts) == ("安阳市卫生健康委员会2020年", REPORT_TITLE)
    short = ("某局", "2021年", REPORT_TITLE)
    assert title_lines("".join(short), short) == ("".join(short),)  # fits one line
    long = ("黑龙江省哈尔滨市尚志市人民政府办公室所属某某事务服务中心", "2021年", REPORT_TITLE)
    assert title_lines("".join(long), long) == (long[0], "2021年" + REPORT_TITLE)


@pytest.mark.parametrize(("filled", "date"), [
    ("2022-01-20", "2022年1月20日"), ("2022/1/5", "2022年1月5日"), ("2022年01月05日", "2022年1月5日"),
    ("", "【成文日期】"), ("下周", "【成文日期】"),
])
def test_the_document_ends_with_its_closing(report, filled, date):
    doc = report("shangzhi-2021")
    doc.setdefault("meta", {})["filled_date"] = filled
    name, when = compose(doc).closing
    assert name.text == doc["agency"]["name"] and when.text == date
