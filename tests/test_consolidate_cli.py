"""``nianbao consolidate`` from the command line: the summary workbook, its lists, the long
CSV, the exit status, and what it refuses to do."""

from __future__ import annotations

import csv
import hashlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import agency_report, seed, uscc
from report_files import put

from nianbao.cli import main
from nianbao.consolidation import consolidate
from nianbao.consolidation.summary.workbook import DETAIL_SHEET, DUPLICATES_SHEET, MISSING_SHEET, PROBLEMS_SHEET
from nianbao.core.codes import Status
from nianbao.core.sanitize import safe_text
from nianbao.io.check import check_file

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
EXAMPLES = Path(__file__).parents[1] / "examples"


report = agency_report


def run(*args: str):
    return CliRunner().invoke(main, ["consolidate", *map(str, args)], catch_exceptions=False)


def rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    it = ws.iter_rows(values_only=True)
    headers = next(it)
    return [dict(zip(headers, r, strict=True)) for r in it]


def digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def county(tmp_path) -> Path:
    """A county's submissions: valid workbooks, one with errors, a duplicate, last year's
    report, an unreadable file, and a roster with an agency that sent nothing."""
    inbox = tmp_path / "inbox"
    put(inbox, "民政局.xlsx", report("张店区民政局", 5))
    put(inbox, "财政局.xlsx", report("张店区财政局", 6))
    put(inbox, "财政局-重报.xlsx", report("张店区财政局", 6))
    put(inbox, "交通局.json", report("张店区交通运输局", 10))
    put(inbox, "发改局-2019.xlsx", report("张店区发展和改革局", 2, year=2019))
    put(inbox, "发改局.xlsx", report("张店区发展和改革局", 2))
    put(inbox / "乡镇", "卫健局.xlsx", seed("zhangdian-2020"))  # table 3 published blank
    (inbox / "坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated download")
    (tmp_path / "名单.csv").write_text(
        "单位名称,统一社会信用代码\n"
        f"张店区民政局,{uscc(5)}\n张店区财政局,{uscc(6)}\n张店区交通运输局,{uscc(10)}\n"
        f"张店区发展和改革局,{uscc(2)}\n张店区卫生健康局,\n张店区应急管理局,{uscc(11)}\n",
        encoding="utf-8-sig",
    )
    return tmp_path


def test_consolidate_a_county(county):
    out = county / "汇总.xlsx"
    before = digest(county / "inbox")
    result = run(
        county / "inbox", "-o", out, "--roster", county / "名单.csv", "--name", "张店区人民政府", "--jobs", "2"
    )
    assert result.exit_code == 1, result.output  # written, but not everything was summed
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("共 8 个文件，读取 7 个，汇总 3 个（2020 年度，2019 年表式）")
    for part in ("无法读取 1 个", "重复报送 2 个", "有错误 1 个", "年度或表式不同 1 个", "未报送 1 个", "已写入"):
        assert part in line
    assert digest(county / "inbox") == before  # inputs untouched

    # The summary is a report of the same form: it validates clean, under the given name.
    summary = check_file(out)
    assert summary.findings == ()
    assert summary.document["agency"]["name"] == "张店区人民政府"
    assert (summary.document["form"], summary.document["year"]) == ("2019", 2020)
    single = seed("anyang-2020")
    assert summary.document["active"]["licensing"]["decisions"] == 3 * single["active"]["licensing"]["decisions"]
    assert summary.document["applications"]["new"]["total"] == 3 * single["applications"]["new"]["total"]

    detail = {Path(r["来源文件"]).name: r for r in rows(out, DETAIL_SHEET)}
    assert len(detail) == 8
    assert detail["民政局.xlsx"]["汇总情况"] == "已汇总" and detail["民政局.xlsx"]["校验结果"] == "通过"
    assert detail["民政局.xlsx"]["统一社会信用代码"] == uscc(5)
    assert detail["民政局.xlsx"]["一、本年新收政府信息公开申请数量·总计"] == single["applications"]["new"]["total"]
    assert detail["卫健局.xlsx"]["校验结果"] == "有错误" and detail["卫健局.xlsx"]["未汇总原因"].startswith("有错误")
    assert detail["坏文件.xlsx"]["校验结果"] == "无法读取" and detail["坏文件.xlsx"]["汇总情况"] == "未汇总"
    assert detail["财政局-重报.xlsx"]["未汇总原因"].startswith("重复报送")
    assert "2019 年度" in detail["发改局-2019.xlsx"]["未汇总原因"]

    problems = rows(out, PROBLEMS_SHEET)
    blank = [p for p in problems if Path(p["来源文件"]).name == "卫健局.xlsx"]
    # 160 blank cells of table 3: rows left blank said once each, totals of blank parts not again
    assert len(blank) == 27 and {p["规则"] for p in blank} == {"BLANK"}
    assert blank[0]["工作表"] == "表三" and blank[0]["单元格"] == "D5" and blank[0]["严重程度"] == "错误"
    assert [p["规则"] for p in problems if Path(p["来源文件"]).name == "坏文件.xlsx"] == ["READ"]
    duplicates = sorted(Path(p["来源文件"]).name for p in problems if p["规则"] == "DUPLICATE")
    assert duplicates == ["财政局-重报.xlsx", "财政局.xlsx"]

    missing = rows(out, MISSING_SHEET)
    assert [(r["类别"], r["单位名称"], r["统一社会信用代码"]) for r in missing] == [
        ("未报送", "张店区应急管理局", uscc(11))
    ]

    dups = rows(out, DUPLICATES_SHEET)
    assert {Path(r["来源文件"]).name for r in dups} == {"财政局.xlsx", "财政局-重报.xlsx"}
    assert {r["组号"] for r in dups} == {1} and {r["重复依据"] for r in dups} == {"统一社会信用代码"}

    ws = openpyxl.load_workbook(out)[DETAIL_SHEET]
    assert ws.auto_filter.ref == "A1:R9" and ws.freeze_panes == "A2"


def test_the_summary_can_be_consolidated_again_one_level_up(tmp_path):
    for district, names in (("甲区", ["甲区民政局", "甲区财政局"]), ("乙区", ["乙区民政局"])):
        for i, name in enumerate(names):
            put(tmp_path / district, f"{i}.xlsx", report(name))
        summed = run(tmp_path / district, "-o", tmp_path / f"{district}汇总.xlsx", "--name", f"{district}人民政府")
        assert summed.exit_code == 0
    summed = run(tmp_path / "甲区汇总.xlsx", tmp_path / "乙区汇总.xlsx", "-o", tmp_path / "市.xlsx", "--name", "市")
    assert summed.exit_code == 0
    assert run(tmp_path / "甲区", tmp_path / "乙区", "-o", tmp_path / "市-直接.xlsx", "--name", "市").exit_code == 0
    twice, once = check_file(tmp_path / "市.xlsx").document, check_file(tmp_path / "市-直接.xlsx").document
    for table in ("active", "applications", "appeals"):
        assert twice[table] == once[table]


def test_include_errors_sums_them_and_says_so_on_the_cover(tmp_path):
    put(tmp_path / "in", "good.xlsx", report("张店区民政局", 5))
    put(tmp_path / "in", "blank.xlsx", seed("zhangdian-2020"))
    out = tmp_path / "汇总.xlsx"
    assert run(tmp_path / "in", "-o", out, "--include-errors").exit_code == 0
    cover = [v for row in openpyxl.load_workbook(out)["封面"].iter_rows(values_only=True) for v in row if v]
    notes = [v for v in cover if isinstance(v, str) and "--include-errors" in v]
    assert len(notes) == 1 and "1 份" in notes[0] and "160 个空白或无效的单元格" in notes[0]
    detail = {Path(r["来源文件"]).name: r for r in rows(out, DETAIL_SHEET)}
    assert detail["blank.xlsx"]["汇总情况"] == "已汇总"

    out2 = tmp_path / "默认.xlsx"
    assert run(tmp_path / "in", "-o", out2).exit_code == 1
    cover = [v for row in openpyxl.load_workbook(out2)["封面"].iter_rows(values_only=True) for v in row if v]
    assert not any(isinstance(v, str) and "--include-errors" in v for v in cover)


def test_long_csv_has_official_labels_and_adds_up_to_the_summary(tmp_path):
    put(tmp_path / "in", "a.xlsx", report("=HYPERLINK(\"x\")局", 5))
    put(tmp_path / "in", "b.json", seed("arongqi-2020"))
    out, long = tmp_path / "汇总.xlsx", tmp_path / "长表.csv"
    assert run(tmp_path / "in", "-o", out, "--csv", long).exit_code == 0
    raw = long.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    table = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(table[0]) == [
        "单位名称", "统一社会信用代码", "行政区划代码", "来源文件", "表", "行", "列", "字段", "数值"
    ]
    assert {r["单位名称"] for r in table} == {safe_text('=HYPERLINK("x")局'), "阿荣旗医疗保障局"}
    row = next(r for r in table if r["单位名称"] == "阿荣旗医疗保障局" and r["字段"] == "/applications/new/natural")
    assert (row["表"], row["行"], row["列"]) == (
        "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量", "自然人"
    )
    sums: dict[str, Decimal] = {}
    for r in table:
        sums[r["字段"]] = sums.get(r["字段"], Decimal(0)) + Decimal(r["数值"])
    doc = check_file(out).document
    assert sums["/active/procurement/amount"] == Decimal(str(doc["active"]["procurement"]["amount"]))
    assert sums["/appeals/review/total"] == doc["appeals"]["review"]["total"]
    assert len(table) == 2 * 198


def test_agency_names_that_look_like_formulas_stay_text(tmp_path):
    put(tmp_path / "in", "a.json", report("=1+2", 5))
    out = tmp_path / "汇总.xlsx"
    assert run(tmp_path / "in", "-o", out).exit_code == 0
    detail = rows(out, DETAIL_SHEET)
    assert detail[0]["单位名称"] == "'=1+2"


def test_output_that_is_an_input_is_refused(tmp_path):
    a = put(tmp_path, "a.xlsx", report("张店区民政局", 5))
    before = a.read_bytes()
    result = run(a, "-o", a)
    assert result.exit_code == 2
    assert "输入文件之一" in result.output
    assert a.read_bytes() == before


def test_output_inside_an_input_folder_is_not_read_as_an_input(tmp_path):
    put(tmp_path, "a.xlsx", report("张店区民政局", 5))
    out = tmp_path / "汇总.xlsx"
    assert run(tmp_path, "-o", out, "--name", "张店区").exit_code == 0
    # a second run over the same folder does not sum the first run's summary
    result = run(tmp_path, "-o", out, "--name", "张店区")
    assert result.exit_code == 0 and "汇总 1 个" in result.output


def test_the_input_folders_are_walked_once_even_when_the_output_exists(tmp_path, monkeypatch):
    """Checking that the output is no report and consolidating share one walk of the inputs."""
    import nianbao.consolidation.inputs as module

    put(tmp_path, "a.xlsx", report("张店区民政局", 5))
    out = tmp_path / "汇总.xlsx"
    assert run(tmp_path, "-o", out).exit_code == 0
    walks = []
    real = module._discover
    monkeypatch.setattr(module, "_discover", lambda paths: walks.append(paths) or real(paths))
    result = run(tmp_path, "-o", out)
    assert result.exit_code == 0 and "汇总 1 个" in result.output
    assert len(walks) == 1


def test_nothing_to_sum_writes_nothing_and_exits_2(tmp_path):
    (tmp_path / "坏.json").write_text("{", encoding="utf-8")
    out = tmp_path / "汇总.xlsx"
    result = run(tmp_path / "坏.json", "-o", out)
    assert result.exit_code == 2
    assert "没有可以汇总的报告" in result.output and "坏.json" in result.output
    assert not out.exists()


def test_unreadable_roster_stops_before_any_work(tmp_path):
    put(tmp_path / "in", "a.json", report("张店区民政局", 5))
    (tmp_path / "名单.csv").write_text("甲,乙\n", encoding="utf-8")
    result = run(tmp_path / "in", "-o", tmp_path / "汇总.xlsx", "--roster", tmp_path / "名单.csv")
    assert result.exit_code == 2 and "单位名称" in result.output
    assert not (tmp_path / "汇总.xlsx").exists()


def test_exit_0_when_every_report_is_summed_and_no_progress_bar_without_a_terminal(tmp_path):
    put(tmp_path / "in", "a.xlsx", report("张店区民政局", 5))
    put(tmp_path / "in", "b.xlsx", report("张店区财政局", 6))
    result = CliRunner().invoke(main, ["consolidate", str(tmp_path / "in"), "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0
    assert result.stdout.strip().startswith("共 2 个文件，读取 2 个，汇总 2 个")
    assert result.stderr == ""


def test_examples_consolidate_as_the_readme_says(tmp_path):
    """The README's main command, on the committed examples."""
    before = digest(EXAMPLES)
    out = tmp_path / "汇总.xlsx"
    result = run(
        EXAMPLES / "各单位报告", "--roster", EXAMPLES / "应报送单位名单.csv", "-o", out, "--name", "张店区人民政府"
    )
    assert result.exit_code == 1
    assert digest(EXAMPLES) == before
    c = consolidate([EXAMPLES / "各单位报告"], roster=EXAMPLES / "应报送单位名单.csv", jobs=1)
    reasons = {Path(e.record.source).stem: e.reason.split("：")[0] for e in c.left_out}
    assert reasons == {
        "张店区住房和城乡建设局": "有错误",
        "张店区卫生健康局": "有错误",
        "张店区财政局": "重复报送",
        "张店区财政局（修改后重报）": "重复报送",
        "张店区发展和改革局（2019年度）": "年度或表式不同",
    }
    assert [m.name for m in c.missing] == ["张店区应急管理局"] and c.unexpected == ()
    assert any(e.record.status is Status.WARNINGS and e.summed for e in c.entries)
    assert "安阳市卫生健康委员会" in {e.record.name for e in c.summed}
    assert check_file(out).findings == ()


def test_progress_bar_shows_files_done_rate_and_time_left():
    import io

    from nianbao.cli.consolidate import Progress

    stream = io.StringIO()
    bar = Progress(True, stream)
    bar.start(40)
    for _ in range(40):
        bar.step(None)
    bar.close()
    last = stream.getvalue().split("\r")[-1]
    assert "40/40 个文件" in last and "已用" in last and "剩余" in last and "个/s" in last

    quiet = io.StringIO()
    bar = Progress(False, quiet)
    bar.start(40)
    bar.step(None)
    bar.close()
    assert quiet.getvalue() == ""


def test_committed_examples_hold_what_make_examples_generates(tmp_path):
    """examples/ is generated by scripts/make_examples.py: the committed workbooks read back to
    the reports it builds (regenerate them when this fails)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES.parent / "scripts" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = dict(module.build())
    committed = sorted((EXAMPLES / "各单位报告").glob("*.xlsx"))
    assert sorted(p.name for p in committed) == sorted(built)
    for path in committed:
        got = check_file(path).document
        want = built[path.name]
        for table in ("active", "applications", "appeals"):
            assert got[table] == want[table], path.name
        assert got["agency"]["name"] == want["agency"]["name"]
    module.write_examples(tmp_path / "reports", tmp_path / "roster.csv")
    assert (tmp_path / "roster.csv").read_bytes() == (EXAMPLES / "应报送单位名单.csv").read_bytes()


def test_reports_not_on_the_roster_are_listed_beside_the_missing(tmp_path):
    put(tmp_path / "in", "民政局.xlsx", report("张店区民政局", 5))
    put(tmp_path / "in", "外区.xlsx", report("淄川区民政局", 77))
    roster = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称", "统一社会信用代码"])
    wb.active.append(["张店区民政局", uscc(5)])
    wb.active.append(["张店区财政局", uscc(6)])
    wb.save(roster)
    out = tmp_path / "汇总.xlsx"
    result = run(tmp_path / "in", "-o", out, "-r", roster)
    assert result.exit_code == 1
    assert "名单 2 个单位，未报送 1 个，不在名单中 1 个" in result.output
    listed = [(r["类别"], r["单位名称"], r["统一社会信用代码"]) for r in rows(out, MISSING_SHEET)]
    assert listed == [("未报送", "张店区财政局", uscc(6)), ("不在名单中", "淄川区民政局", uscc(77))]
    new_total = check_file(out).document["applications"]["new"]["total"]
    assert new_total == 2 * seed("anyang-2020")["applications"]["new"]["total"]


def test_an_output_that_is_a_report_in_an_input_folder_is_refused(tmp_path):
    """`-o 各单位/甲.xlsx` where 甲.xlsx is one of the reports: refused, 甲.xlsx untouched."""
    folder = tmp_path / "各单位"
    a = put(folder, "甲.xlsx", report("张店区民政局", 5))
    put(folder, "乙.xlsx", report("张店区财政局", 3))
    before = a.read_bytes()
    result = run(folder, "-o", a)
    assert result.exit_code == 2
    assert "是输入中的一份报告" in result.output
    assert a.read_bytes() == before


def test_an_xlsx_roster_goes_through_the_container_check(tmp_path):
    put(tmp_path / "in", "a.json", report("张店区民政局", 5))
    roster = tmp_path / "名单.xlsx"
    roster.write_bytes(b"PK\x03\x04 not really a zip")
    result = run(tmp_path / "in", "-o", tmp_path / "汇总.xlsx", "--roster", roster)
    assert result.exit_code == 2
    assert "单位名单 名单.xlsx：" in result.output
    assert not (tmp_path / "汇总.xlsx").exists()


def test_long_csv_is_what_csv_writer_makes_of_the_long_rows(tmp_path):
    """The CSV is written a report at a time from labels quoted once; it must be, byte for
    byte, what ``csv.writer`` writes for :func:`long_rows` — names with commas, quotes, line
    breaks and formula starts included, amounts with decimals."""
    import io

    from nianbao.consolidation.summary.workbook import LONG_HEADERS, long_rows, write_long_csv

    a = report('张店区"民政",局', 5)
    a["active"]["procurement"]["amount"] = 123.45
    put(tmp_path / "in", "a.json", a)
    put(tmp_path / "in", "b.json", report("张店区\n财政局", 6))
    put(tmp_path / "in", "c.json", report("=1+2", 7))
    put(tmp_path / "in", "d.json", seed("arongqi-2020"))
    c = consolidate([tmp_path / "in"], jobs=1)
    assert len(c.summed) == 4
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(LONG_HEADERS)
    writer.writerows(long_rows(c))
    written = write_long_csv(c, tmp_path / "长表.csv").read_bytes()
    assert written == expected.getvalue().encode("utf-8-sig")
    assert b'"\xe5\xbc\xa0\xe5\xba\x97\xe5\x8c\xba""' in written  # 张店区"" : a quoted quote
    assert any("." in r[-1] for r in long_rows(c))  # an amount with decimals is among them
