"""Consolidation across levels and years: summaries never counted twice, names compared as
people read them, last year's reports, and the library's pandas door."""

from __future__ import annotations

import copy
import functools
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import agency_report, uscc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_files import put
from strategies import consistent_reports

from nianbao.cli import main
from nianbao.consolidation import consolidate
from nianbao.consolidation.marker import DETAIL_SHEET, DUPLICATES_SHEET, MEMBERS_SHEET, PREVIOUS_SHEET, PROBLEMS_SHEET
from nianbao.consolidation.names import alike, fold
from nianbao.consolidation.summary.workbook import write_summary
from nianbao.core.codes import Presence, Reason
from nianbao.io.check import check_file

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


report = functools.partial(agency_report, region=None)


def run(*args):
    return CliRunner().invoke(main, ["consolidate", "-q", *map(str, args)], catch_exceptions=False)


def rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    it = ws.iter_rows(values_only=True)
    headers = next(it)
    return [dict(zip(headers, r, strict=False)) for r in it]


NEW = ("applications", "new", "total")


def total(c) -> int:
    doc = c.document()
    return doc[NEW[0]][NEW[1]][NEW[2]]


SINGLE = report("x")["applications"]["new"]["total"]


# ---------------------------------------------------------------------------------------
# Summaries among the inputs


def test_an_earlier_summary_in_the_input_folder_is_not_summed_again(tmp_path):
    for i in range(3):
        put(tmp_path / "区", f"{i}.xlsx", report(f"张店区单位{i}", 10 + i))
    assert run(tmp_path / "区", "-o", tmp_path / "区" / "汇总.xlsx").exit_code == 0
    again = run(tmp_path / "区", "-o", tmp_path / "区" / "汇总-v2.xlsx")
    assert again.exit_code == 0, again.output  # nothing wrong: the earlier summary adds nothing
    doc = check_file(tmp_path / "区" / "汇总-v2.xlsx").document
    assert doc["applications"]["new"]["total"] == 3 * SINGLE  # not doubled
    c = consolidate([tmp_path / "区"], jobs=1, exclude=[tmp_path / "区" / "汇总-v2.xlsx"])
    (earlier,) = c.left_out
    assert earlier.kind == Reason.EARLIER_OUTPUT and Path(earlier.record.source).name == "汇总.xlsx"


def test_the_summary_records_that_it_is_one_its_level_and_its_members(tmp_path):
    a = put(tmp_path / "区", "a.xlsx", report("甲单位", 1))
    put(tmp_path / "区", "b.json", report("乙单位"))
    out = tmp_path / "区汇总.xlsx"
    assert run(tmp_path / "区", "-o", out, "--name", "张店区").exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb[MEMBERS_SHEET].sheet_state == "hidden"
    members = [r for r in wb[MEMBERS_SHEET].iter_rows(min_row=2, values_only=True)]
    import hashlib

    assert (uscc(1), "甲单位", hashlib.sha256(a.read_bytes()).hexdigest()) in [m[:3] for m in members]
    assert {m[1] for m in members} == {"甲单位", "乙单位"}
    doc = check_file(out).document
    assert doc["meta"]["summary"] == {"level": "张店区", "members": 2}
    assert check_file(out).findings == ()  # still a valid report


def test_two_district_summaries_of_the_same_default_name_are_both_summed(tmp_path):
    for district, names in (("甲区", ["甲区民政局", "甲区财政局"]), ("乙区", ["乙区民政局"])):
        for i, name in enumerate(names):
            put(tmp_path / district, f"{i}.xlsx", report(name))
        assert run(tmp_path / district, "-o", tmp_path / f"{district}.xlsx").exit_code == 0  # both named 汇总
    c = consolidate([tmp_path / "甲区.xlsx", tmp_path / "乙区.xlsx"], jobs=1)
    assert len(c.summed) == 2 and c.duplicates == ()
    assert total(c) == 3 * SINGLE
    assert sorted(p.name for p in c.members) == ["乙区民政局", "甲区民政局", "甲区财政局"]


def test_a_summary_beside_one_of_its_members_is_never_summed_and_the_overlap_is_listed(tmp_path):
    put(tmp_path / "区", "民政局.xlsx", report("张店区民政局", 5))
    put(tmp_path / "区", "财政局.xlsx", report("张店区财政局", 6))
    assert run(tmp_path / "区", "-o", tmp_path / "区汇总.xlsx", "--name", "张店区").exit_code == 0
    # the district's summary sent up beside one of its agencies (a corrected copy of it)
    put(tmp_path / "市", "民政局.xlsx", report("张店区民政局（更正）", 5))
    put(tmp_path / "市", "教育局.xlsx", report("淄川区教育局", 7))
    out = tmp_path / "市.xlsx"
    result = run(tmp_path / "区汇总.xlsx", tmp_path / "市", "-o", out)
    assert result.exit_code == 1 and "汇总表与其他报告重复 2 个" in result.output
    c = consolidate([tmp_path / "区汇总.xlsx", tmp_path / "市"], jobs=1)
    assert [e.record.name for e in c.summed] == ["淄川区教育局"]
    assert {Path(e.record.source).name: e.kind for e in c.left_out} == {
        "区汇总.xlsx": Reason.OVERLAP, "民政局.xlsx": Reason.OVERLAP,
    }
    dups = rows(out, DUPLICATES_SHEET)
    listed = {(Path(r["来源文件"]).name, r["统一社会信用代码"]) for r in dups}
    assert listed == {("区汇总.xlsx", uscc(5)), ("民政局.xlsx", uscc(5))}
    assert all("张店区民政局" in r["说明"] for r in dups)


def test_a_summary_without_members_is_recognised_and_not_summed_beside_agency_reports(tmp_path):
    old = put(tmp_path, "旧汇总.xlsx", report("汇总"))
    wb = openpyxl.load_workbook(old)
    wb.create_sheet(DETAIL_SHEET)  # what a summary written before members were recorded holds
    wb.save(old)
    put(tmp_path, "a.json", report("张店区民政局", 5))
    c = consolidate([tmp_path], jobs=1)
    (entry,) = c.left_out
    assert entry.kind == Reason.OLD_SUMMARY and entry.record.summary is not None
    assert "未记录所含单位" in entry.reason and "重新汇总" in entry.reason
    assert [e.record.name for e in c.summed] == ["张店区民政局"]
    # beside other summaries only, it is summed
    assert len(consolidate([old], jobs=1).summed) == 1


# ---------------------------------------------------------------------------------------
# Names as people read them


def test_names_are_folded_as_people_read_them():
    assert fold("张店区\u200b民政局") == fold("张店区民政局") == fold(" 张店区　民政局\ufeff")
    assert fold("张店区（开发区）管委会") == fold("张店区(开发区)管委会") == fold("张店区【开发区】管委会")
    assert fold("ＡＢＣ局") == "ABC局"
    assert alike("张店区卫生健康局", "张店区卫健局")
    assert not alike("张店区教育局", "张店区体育局") and not alike("张店区民政局", "淄川区民政局")


def test_a_zero_width_space_does_not_make_a_second_agency(tmp_path):
    put(tmp_path, "a.json", report("张店区民政局"))
    put(tmp_path, "b.json", report("张店区\u200b民政局"))
    c = consolidate([tmp_path], jobs=1)
    assert c.summed == () and len(c.duplicates) == 1 and len(c.duplicates[0]) == 2


def test_look_alike_names_are_listed_for_review_and_never_merged(tmp_path):
    put(tmp_path, "a.json", report("张店区卫生健康局"))
    put(tmp_path, "b.json", report("张店区卫健局"))
    out = tmp_path / "s.xlsx"
    result = run(tmp_path / "a.json", tmp_path / "b.json", "-o", out)
    assert result.exit_code == 0 and "名称相近待核对 1 组" in result.output
    c = consolidate([tmp_path], jobs=1)
    assert len(c.summed) == 2 and total(c) == 2 * SINGLE
    listed = rows(out, DUPLICATES_SHEET)
    assert {r["单位名称"] for r in listed} == {"张店区卫生健康局", "张店区卫健局"}
    assert {r["重复依据"] for r in listed} == {"名称相近（请核对，已分别汇总）"}


# ---------------------------------------------------------------------------------------
# Last year's reports


def last_year(doc: dict) -> dict:
    prev = copy.deepcopy(doc)
    prev["year"] = doc["year"] - 1
    # last year's 结转下年度 as this year's 上年结转: X1 holds
    prev["applications"]["carried_forward"] = copy.deepcopy(doc["applications"]["carried_over"])
    return prev


def test_previous_checks_each_agency_across_years_and_compares(tmp_path):
    a, b = report("张店区民政局", 5), report("张店区财政局", 6)
    put(tmp_path / "本年", "民政局.xlsx", a)
    put(tmp_path / "本年", "财政局.xlsx", b)
    put(tmp_path / "本年", "新单位.xlsx", report("张店区新设局", 8))
    put(tmp_path / "上年", "民政局.xlsx", last_year(a))
    broken = last_year(b)
    broken["applications"]["carried_forward"]["natural"] += 3
    put(tmp_path / "上年", "财政局-2019.xlsx", broken)
    gone = last_year(report("张店区撤并局", 9))
    put(tmp_path / "上年", "撤并局.xlsx", gone)
    out = tmp_path / "汇总.xlsx"
    result = run(tmp_path / "本年", "-o", out, "--previous", tmp_path / "上年")
    assert result.exit_code == 0, result.output
    assert "本年新增 1 个" in result.output and "上年有本年无 1 个" in result.output
    assert "可比单位 2 个" in result.output

    problems = [r for r in rows(out, PROBLEMS_SHEET) if r["规则"] == "X1"]
    x1 = [r for r in problems if "财政局.xlsx" in r["来源文件"]]
    assert len(x1) == 1 and "财政局-2019.xlsx" in x1[0]["来源文件"]
    assert x1[0]["工作表"] == "表三" and "上年 表三!" in x1[0]["单元格"]
    assert not any("民政局.xlsx" in r["来源文件"] for r in problems)  # the pair that holds

    titles, headers, body = comparison_table(out)
    i = headers.index("本年")  # the first headline number's four columns: 本年, 上年, 变化, 变化率
    assert titles[i].startswith("一、本年新收政府信息公开申请数量")
    assert headers[i:i + 4] == ("本年", "上年", "变化", "变化率")
    # like with like: the two agencies of both years, not this year's three against last year's three
    assert body[0][0] == "可比单位合计" and body[0][i] == body[0][i + 1] == 2 * SINGLE
    assert "可比单位 2 个" in body[0][1]
    by_name = {r[1]: r for r in body[2:]}
    assert by_name["张店区新设局"][0] == "本年新增" and by_name["张店区撤并局"][0] == "上年有本年无"
    assert by_name["张店区民政局"][0] == "两年均有" and by_name["张店区民政局"][i + 2] == 0


def comparison_table(out: Path) -> tuple[tuple, tuple, list[tuple]]:
    """上年对比 as its group titles, its header and its body (the notes above it left out)."""
    table = list(openpyxl.load_workbook(out, read_only=True)[PREVIOUS_SHEET].iter_rows(values_only=True))
    head = next(n for n, r in enumerate(table) if r[0] == "类别")
    return table[head - 1], table[head], table[head + 1:]


def test_previous_compares_like_with_like_and_counts_each_agency_once(tmp_path):
    """Eleven agencies this year, last year's input of three (one of them sent twice): the
    total compares the three, the others are listed apart, and the sheet says the input is
    incomplete at its top."""
    from nianbao.consolidation.summary.charts import year_rows

    names = [f"张店区第{n}局" for n in range(1, 12)]
    for n, name in enumerate(names, 1):
        put(tmp_path / "本年", f"{n}.json", report(name, n))
    for n, name in enumerate(names[:3], 1):
        put(tmp_path / "上年", f"{n}.json", last_year(report(name, n)))
    put(tmp_path / "上年", "3-副本.json", last_year(report(names[2], 3)))  # the same agency twice
    c = consolidate([tmp_path / "本年"], jobs=1, previous=[tmp_path / "上年"])
    cmp = c.previous
    assert cmp.compared_count == 3 and len(cmp.new) == 8 and not cmp.gone
    assert [p.name for p in cmp.pairs].count(names[2]) == 1  # once, not as a new agency besides
    assert "可比单位 3 个" in cmp.line() and "本年新增 8 个" in cmp.line()
    assert any("重复报送" in why for why in cmp.incomplete)
    assert any("11 个单位中，8 个没有可对比的上年报告" in why for why in cmp.incomplete)
    out = write_summary(c, tmp_path / "汇总.xlsx")
    table = list(openpyxl.load_workbook(out, read_only=True)[PREVIOUS_SHEET].iter_rows(values_only=True))
    top = [v for r in table[:2] for v in r if v]
    assert top[0].startswith("对比说明") and "可比单位 3 个" in top[0]
    assert any(v.startswith("注意：上年的输入不完整") for v in top)
    _, headers, body = comparison_table(out)
    i = headers.index("本年")
    assert body[0][0] == "可比单位合计" and body[0][i] == body[0][i + 1] == 3 * SINGLE
    assert body[0][i + 2] == 0 and body[0][i + 3] == 0  # no +267% from comparing 11 agencies with 3
    assert body[1][0] == "全部报告" and body[1][i] == 11 * SINGLE and body[1][i + 2] is None
    assert [r[0] for r in body[2:]] == ["两年均有"] * 3 + ["本年新增"] * 8
    assert year_rows(c)[0][1:] == (3 * SINGLE, 3 * SINGLE)  # the chart compares the same agencies


def test_previous_may_be_last_years_summary(tmp_path):
    a, b = report("张店区民政局", 5), report("张店区财政局", 6)
    put(tmp_path / "本年", "民政局.json", a)
    put(tmp_path / "本年", "财政局.json", b)
    put(tmp_path / "上年各单位", "民政局.json", last_year(a))
    gone = last_year(report("张店区撤并局", 9))
    gone["applications"]["carried_forward"]["natural"] += 5
    put(tmp_path / "上年各单位", "撤并局.json", gone)
    made = consolidate([tmp_path / "上年各单位"], jobs=1, name="张店区", include_errors=True)
    last = write_summary(made, tmp_path / "上年汇总.xlsx")
    c = consolidate([tmp_path / "本年"], jobs=1, previous=[last])
    status = {p.name: p.status for p in c.previous.pairs}
    assert status == {"张店区民政局": Presence.BOTH, "张店区财政局": Presence.NEW, "张店区撤并局": Presence.GONE}
    x1 = [b for b in c.previous.breaks if b.finding.rule == "X1"]
    assert [b.source for b in x1] == [""]  # the totals: last year's summary carried forward other cases
    assert x1[0].last_source == "" and x1[0].last_cells and x1[0].cells


def test_a_large_swing_is_flagged(tmp_path):
    a = report("张店区民政局", 5)
    prev = last_year(a)
    prev["applications"]["new"] = {k: v * 30 for k, v in prev["applications"]["new"].items()}
    put(tmp_path / "本年", "a.json", a)
    put(tmp_path / "上年", "a.json", prev)
    c = consolidate([tmp_path / "本年"], jobs=1, previous=[tmp_path / "上年"])
    from nianbao.consolidation.summary.lists import comparison_headers, comparison_rows

    hint = comparison_headers(c)[0].index("提示")
    (agency,) = [r for r in comparison_rows(c) if r[1] == "张店区民政局"]
    assert agency[hint].startswith("变化较大") and "一、本年新收政府信息公开申请数量" in agency[hint]


# ---------------------------------------------------------------------------------------
# Usage errors


def test_an_output_of_another_type_is_refused_in_chinese(tmp_path):
    put(tmp_path / "in", "a.json", report("张店区民政局"))
    result = CliRunner().invoke(main, ["consolidate", str(tmp_path / "in"), "-o", str(tmp_path / "汇总.csv")])
    assert result.exit_code == 2 and ".xlsx 或 .json" in result.output
    assert not (tmp_path / "汇总.csv").exists()


def test_a_roster_without_a_name_column_says_which_columns_it_found(tmp_path):
    put(tmp_path / "in", "a.json", report("张店区民政局"))
    (tmp_path / "名单.csv").write_text("序号,机构代码\n1,123\n", encoding="utf-8")
    result = run(tmp_path / "in", "-o", tmp_path / "s.xlsx", "--roster", tmp_path / "名单.csv")
    assert result.exit_code == 2 and "「序号」、「机构代码」" in result.output


def test_an_os_error_writing_the_summary_is_said_in_chinese(tmp_path, monkeypatch):
    import nianbao.consolidation.summary.workbook as summary

    def refuse(*targets):
        raise PermissionError(13, "Permission denied", str(targets[0]))

    monkeypatch.setattr(summary, "atomic_outputs", refuse)
    put(tmp_path / "in", "a.json", report("张店区民政局"))
    result = run(tmp_path / "in", "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 2 and "没有访问权限" in result.output and "Permission" not in result.output


# ---------------------------------------------------------------------------------------
# The library's pandas door


def test_nianbao_consolidate_gives_the_long_table_as_a_data_frame(tmp_path):
    import nianbao

    put(tmp_path, "a.json", report("张店区民政局", 5))
    put(tmp_path, "b.json", report("张店区财政局", 6))
    c = nianbao.consolidate([tmp_path], jobs=1)
    frame = c.to_frame()
    assert list(frame.columns) == ["单位名称", "统一社会信用代码", "来源文件", "表", "行", "列", "数值"]
    assert set(frame["单位名称"]) == {"张店区民政局", "张店区财政局"}
    new = frame[(frame["行"] == "一、本年新收政府信息公开申请数量") & (frame["列"] == "总计")]
    assert new["数值"].sum() == total(c) == 2 * SINGLE


def test_import_nianbao_stays_light():
    heavy = "('pandas', 'numpy', 'openpyxl', 'nianbao.consolidation')"
    code = f"import sys, nianbao; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------------------------------
# Properties: levels never change the sums


def _agencies(docs: list[dict]) -> list[dict]:
    out = []
    for i, d in enumerate(docs):
        d = copy.deepcopy(d)
        d["year"] = 2020
        d["agency"] = {"name": f"单位{i:03d}", "uscc": uscc(2000 + i)}
        out.append(d)
    return out


agencies = st.lists(consistent_reports("2019"), min_size=2, max_size=7).map(_agencies)


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(agencies, st.randoms(use_true_random=False))
def test_consolidating_district_summaries_equals_consolidating_all_agencies(docs, rnd):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        districts = rnd.randint(1, len(docs))
        for i, d in enumerate(docs):
            put(root / f"区{rnd.randrange(districts)}", f"{i}.json", d)
        once = consolidate([root], jobs=1)
        summaries = []
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            s = consolidate([folder], jobs=1)  # every district named 汇总
            summaries.append(write_summary(s, root / f"{folder.name}.json"))
        twice = consolidate(summaries, jobs=1)
    assert len(twice.summed) == len(summaries) and twice.values == once.values
    assert sorted(p.sha256 for p in twice.members) == sorted(p.sha256 for p in once.members)


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(agencies, st.randoms(use_true_random=False))
def test_a_summary_beside_its_members_never_changes_the_totals(docs, rnd):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = [put(root / "各单位", f"{i}.json", d) for i, d in enumerate(docs)]
        alone = consolidate([root / "各单位"], jobs=1)
        members = rnd.sample(files, rnd.randint(1, len(files)))
        summary = write_summary(consolidate(members, jobs=1), root / "下级汇总.json")
        # beside all its members: the summary adds nothing
        c = consolidate([root / "各单位", summary], jobs=1)
        assert c.values == alone.values
        # beside some of them: no agency counted twice, the summary never summed
        some = rnd.sample(members, rnd.randint(1, len(members)))
        rest = [f for f in files if f not in members]
        c = consolidate([*some, *rest, summary], jobs=1)
    summed = [e.record for e in c.summed]
    assert all(r.summary is None for r in summed) or len(some) == len(members)
    keys = [p.uscc for r in summed for p in r.parts]
    assert len(keys) == len(set(keys))
