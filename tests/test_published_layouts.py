"""Text copies that are not one row a line — aligned with spaces, a label and its numbers on
lines of their own, labels broken over lines around their numbers, each row or each group of
table 4 a small table of its own — import exactly, and a line that is not a row stays prose."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publications import LAYOUTS, PROSE, appeals_as_three_tables, title, to_text
from test_published_formats import assert_imported, publishable

from nianbao.core.codes import Code
from nianbao.io.published import read_published
from nianbao.io.readers import ReadError

QUICK = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


@QUICK
@given(publishable(), st.sampled_from(sorted(LAYOUTS)), st.sampled_from(["row", "merged", "heading"]))
def test_a_copy_not_one_row_a_line_imports_exactly(tmp_path_factory, doc, layout, appeals):
    path = tmp_path_factory.mktemp("txt") / "report.txt"
    path.write_text(to_text(doc, layout, appeals), encoding="utf-8")
    assert_imported(read_published(path), doc)


@QUICK
@given(publishable())
def test_table_4_as_three_small_tables_imports_exactly(tmp_path_factory, doc):
    text = to_text(doc, "markdown")
    text = text[: text.index(doc_appeals_title(doc))] + appeals_as_three_tables(doc)
    path = tmp_path_factory.mktemp("md") / "report.md"
    path.write_text(text, encoding="utf-8")
    assert_imported(read_published(path), doc)


def doc_appeals_title(doc: dict) -> str:
    from nianbao.core.forms import FORMS

    return FORMS[doc["form"]].table("appeals").title


def _read(tmp_path, lines: list[str], report):
    doc = report("shangzhi-2021")
    path = tmp_path / "r.txt"
    path.write_text("\n".join([title(doc), PROSE, *lines]) + "\n", encoding="utf-8")
    return read_published(path)


def test_a_sentence_ending_in_a_number_is_not_a_row(tmp_path, report):
    loaded = _read(
        tmp_path,
        ["二、主动公开政府信息情况", "截至目前，全市在运维政务新媒体共计 95", "行政许可 97"],
        report,
    )
    assert loaded.document["active"]["licensing"]["decisions"] == 97
    assert not any("95" in f.message for f in loaded.findings)


def test_numbers_after_a_label_alone_must_be_as_many_as_its_columns(tmp_path, report):
    """A label alone on its line and then a line of two numbers for a row of three columns: which
    number is which column is not known, so the row is refused and named (never read as blank)."""
    loaded = _read(tmp_path, ["二、主动公开政府信息情况", "规章", "22  235", "行政规范性文件", "1  2  3"], report)
    active = loaded.document["active"]
    assert active["normative_documents"] == {"issued": 1, "repealed": 2, "in_force": 3}
    assert set(active["rules"].values()) == {None}
    assert any(f.rule == Code.AMBIGUOUS and "「规章」" in f.message and "22、235" in f.message for f in loaded.findings)


def test_a_detached_row_is_never_given_to_the_label_after_it(tmp_path, report):
    """Numbers, then a label with numbers of its own: the first numbers are not that row's."""
    loaded = _read(
        tmp_path,
        [
            "三、收到和处理政府信息公开申请情况",
            "1  0  0  0  0  0  1",
            "一、本年新收政府信息公开申请数量  5  0  0  0  0  0  5",
        ],
        report,
    )
    assert loaded.document["applications"]["new"]["natural"] == 5
    assert loaded.document["applications"]["new"]["total"] == 5


def test_a_row_run_together_is_refused_by_name(tmp_path, report):
    loaded = _read(
        tmp_path,
        [
            "二、主动公开政府信息情况",
            "行政许可97",
            "三、收到和处理政府信息公开申请情况",
            "一、本年新收政府信息公开申请数量801000081",
        ],
        report,
    )
    assert loaded.document["active"]["licensing"]["decisions"] == 97  # one column: the digits are its number
    assert set(loaded.document["applications"]["new"].values()) == {None}
    (f,) = [f for f in loaded.findings if f.rule == Code.AMBIGUOUS]
    assert "表格的各格连在了一起，无法分开" in f.message and "801000081" in f.message
    assert f.pointer == "/applications/new/natural"


def test_a_page_whose_cells_all_run_together_says_so(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "某某区2019年政府信息公开工作年度报告 二、主动公开政府信息情况 规章000规范性文件898989"
        "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量230000023二、上年结转政府信息公开申请数量0000000\n",
        encoding="utf-8",
    )
    with pytest.raises(ReadError, match="表格的各格连在了一起，无法分开"):
        read_published(path)


@QUICK
@given(publishable(), st.data())
def test_a_tab_row_with_blanks_is_read_by_the_positions_of_its_headers(tmp_path_factory, doc, data):
    """Cells left blank in a tab copy that keeps every cell's place: the numbers are read under
    the column headers above them."""
    from nianbao.core.model import model

    m = model(doc["form"])
    row = data.draw(
        st.sampled_from([c for c in m.cells if c.table.key == "applications" and c.column.key == "natural"])
    )
    path_of = row.pointer.split("/")[1:-1]
    node = doc
    for k in path_of:
        node = node[k]
    blanks = data.draw(st.sets(st.sampled_from(sorted(node)), min_size=1, max_size=len(node) - 1))
    for k in blanks:
        node[k] = None
    path = tmp_path_factory.mktemp("txt") / "report.txt"
    path.write_text(to_text(doc, "tabs"), encoding="utf-8")
    loaded = read_published(path)
    assert loaded.document["applications"] == doc["applications"]
    assert {f.rule for f in loaded.findings} <= {Code.POSITION}


def test_validate_reads_a_copy_aligned_with_spaces_through_the_same_registry(tmp_path, report):
    from nianbao.io.check import check_file

    doc = report("shangzhi-2021")
    doc["agency"] = {"name": doc["agency"]["name"]}
    path = tmp_path / "r.txt"
    path.write_text(to_text(doc, "aligned"), encoding="utf-8")
    result = check_file(path)
    assert not result.unreadable and result.tally.errors == 0
    assert result.document["applications"] == doc["applications"]


def test_a_label_broken_around_its_parents_merged_cell_is_joined(tmp_path, report):
    """（六）其他处理 printed down its merged cell between the pieces of its child's label."""
    loaded = _read(
        tmp_path,
        [
            "三、收到和处理政府信息公开申请情况",
            "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请  1  0  0  0  0  0  1",
            "     （六）其",
            "               2、申请人逾期未按收费通知要",
            "     他处理",
            "               求缴纳费用、行政机关不再处理           6         0        0   0  0  0    6",
            "               其政府信息公开申请",
            "               3、其他                  108          2        0         0        0         0    110",
        ],
        report,
    )
    other = loaded.document["applications"]["outcomes"]["other"]
    assert other["fee_unpaid_overdue"] == {
        "natural": 6,
        "commercial": 0,
        "research": 0,
        "social": 0,
        "legal": 0,
        "other": 0,
        "total": 6,
    }
    assert other["other"]["total"] == 110
    assert not [f for f in loaded.findings if f.rule == Code.POSITION and "fee_unpaid" in (f.pointer or "")]


def test_a_row_of_numbers_among_scattered_pieces_of_a_label_is_not_placed_by_position(tmp_path, report):
    """The one row missing between two labelled rows, but pieces of some label printed around
    the numbers: which label they belong to is not known, so they are named, not used."""
    loaded = _read(
        tmp_path,
        [
            "三、收到和处理政府信息公开申请情况",
            "2.没有现成信息需要另行制作  1  0  0  0  0  0  1",
            "补正后申请",
            "4  0  0  0  0  0  4",
            "1.信访举报投诉类申请  2  0  0  0  0  0  2",
        ],
        report,
    )
    row = loaded.document["applications"]["outcomes"]["unable"]["unclear_after_correction"]
    assert set(row.values()) == {None}
    assert any(f.rule == Code.AMBIGUOUS and "4、0、0" in f.message for f in loaded.findings)


def test_consolidate_sums_copies_in_these_layouts_through_the_same_registry(tmp_path, report):
    from nianbao.consolidation.consolidate import consolidate

    doc = report("shangzhi-2021")
    docs = []
    for i, layout in enumerate(("aligned", "indented", "broken3")):
        one = {**doc, "agency": {"name": f"某某局{i}"}}
        (tmp_path / f"{layout}.txt").write_text(to_text(one, layout), encoding="utf-8")
        docs.append(one)
    c = consolidate([tmp_path], jobs=1)
    assert len(c.summed) == 3
    total = c.document()["applications"]["outcomes"]["total"]["total"]
    assert total == 3 * doc["applications"]["outcomes"]["total"]["total"]
