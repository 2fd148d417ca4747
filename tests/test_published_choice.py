"""A table is found by its structure, never by the first mention of its name or its labels:
prose, a 主要数据 summary table, a one-cell-a-line block met before the real table lose to it."""

from __future__ import annotations

import copy

from publications import PROSE, to_html, to_text

from nianbao.core.codes import Code
from nianbao.core.forms import FORMS
from nianbao.io.published import read_published

TABLES = ("active", "applications", "appeals")


def _doc(report) -> dict:
    doc = report("shangzhi-2021")
    doc["agency"] = {"name": doc["agency"]["name"]}
    doc.pop("meta", None)
    return doc


def _before_tables(text: str, doc: dict, extra: str) -> str:
    at = text.index(FORMS[doc["form"]].table("active").title)
    return text[:at] + extra + text[at:]


def test_a_summary_table_before_the_real_one_does_not_win(tmp_path, report):
    doc = _doc(report)
    a = doc["active"]
    summary = (
        "<p>主要数据</p><table border=1><tr><td>项目</td><td>数量</td></tr>"
        f"<tr><td>行政许可</td><td>{a['licensing']['decisions'] + 5}</td></tr>"
        f"<tr><td>行政处罚</td><td>{a['penalty']['decisions']}</td></tr></table>"
    )
    page = _before_tables(to_html(doc).decode(), doc, summary)
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    loaded = read_published(path)
    for k in TABLES:
        assert loaded.document[k] == doc[k], k
    (note,) = [f for f in loaded.findings if f.rule == Code.SOURCE]
    assert note.pointer == "/active/licensing/decisions" and "表格 2" in note.message
    assert not [f for f in loaded.findings if f.rule in (Code.AMBIGUOUS, Code.ABSENT)]


def test_labels_met_in_a_one_cell_a_line_block_before_the_table_do_not_win(tmp_path, report):
    doc = _doc(report)
    rules = doc["active"]["rules"]
    block = f"规章\n\n{rules['issued'] + 1}\n\n{rules['repealed']}\n\n{rules['in_force'] + 1}\n\n{PROSE}\n"
    text = _before_tables(to_text(doc, "tabs"), doc, block)
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    loaded = read_published(path)
    for k in TABLES:
        assert loaded.document[k] == doc[k], k
    assert [f.pointer for f in loaded.findings if f.rule == Code.SOURCE] == ["/active/rules/issued"]


def test_a_heading_met_in_the_narrative_does_not_make_table_3s_rows_table_4s(tmp_path, report):
    """ "行政复议" on a line of the narrative, then table 3 whose first row lost its label: that
    row of seven numbers is named, never read as table 4."""
    doc = _doc(report)
    text = to_text(doc, "tabs")
    t3 = FORMS["2021"].table("applications")
    first = t3.rows[0].label
    text = text.replace(t3.title + "\n", "")  # table 3's title not printed
    text = _before_tables(text, doc, "行政复议\n")
    text = text.replace(first + "\t\t\t", "\t\t\t", 1)
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    loaded = read_published(path)
    assert loaded.document["appeals"] == doc["appeals"]
    assert not any(f.pointer and f.pointer.startswith("/appeals") for f in loaded.findings if f.rule != Code.POSITION)


def test_two_whole_printings_that_agree_are_read_with_a_warning(tmp_path, report):
    doc = _doc(report)
    page = to_html(doc).decode()
    t2 = FORMS["2021"].table("active").title
    again = page[page.index(t2) - 20 : page.index(FORMS["2021"].table("applications").title) - 20]
    at = page.index("五、存在的主要问题")
    path = tmp_path / "r.html"
    path.write_text(page[:at] + again + page[at:], encoding="utf-8")
    loaded = read_published(path)
    for k in TABLES:
        assert loaded.document[k] == doc[k], k
    (warn,) = loaded.findings
    assert warn.rule == Code.SOURCE and "出现两次" in warn.message and "相同" in warn.message


def test_the_table_with_more_of_its_rows_wins_whatever_comes_first(tmp_path, report):
    doc = _doc(report)
    other = copy.deepcopy(doc)
    other["active"]["licensing"]["decisions"] += 3
    page = to_html(doc).decode()
    t2, t3 = FORMS["2021"].table("active").title, FORMS["2021"].table("applications").title
    part = to_html(other).decode()
    part = part[part.index(t2) - 20 : part.index(t3) - 20]
    rows = part.split("<tr>")
    part = "<tr>".join(rows[:6]) + "</table>"  # the first rows of table 2 only
    path = tmp_path / "r.html"
    path.write_text(_before_tables(page, doc, part), encoding="utf-8")
    loaded = read_published(path)
    for k in TABLES:
        assert loaded.document[k] == doc[k], k
