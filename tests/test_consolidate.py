"""Consolidating reports: which are summed, the sums themselves, and what is said about the rest.

The expected sums are computed here from the inputs' JSON by walking the documents (not with
the form model), so they check the implementation rather than repeat it.
"""

from __future__ import annotations

import copy
import json
import random
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import agency_report, seed, uscc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import consistent_reports

from nianbao.consolidation import consolidate
from nianbao.consolidation.combine import combine
from nianbao.consolidation.inputs import discover
from nianbao.consolidation.records import examine
from nianbao.consolidation.roster import Member, RosterError, read_roster
from nianbao.consolidation.summary import workbook as summary
from nianbao.consolidation.summary.workbook import write_summary
from nianbao.core.codes import Status
from nianbao.core.validate import validate

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
TABLES = ("active", "applications", "appeals")


valid_2020 = agency_report  # a valid 2020 report (form 2019): the Anyang seed under another agency's name


def write(folder: Path, filename: str, doc: dict) -> Path:
    p = folder / filename
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p


def oracle(docs: list[dict]) -> dict:
    """Cell-by-cell sums of the tables of ``docs``, by walking the JSON: every leaf number
    added as a Decimal under its own path."""
    out: dict = {}

    def add(dst: dict, src: dict) -> None:
        for k, v in src.items():
            if isinstance(v, dict):
                add(dst.setdefault(k, {}), v)
            else:
                dst[k] = dst.get(k, Decimal(0)) + Decimal(str(v))

    for d in docs:
        for t in TABLES:
            add(out.setdefault(t, {}), d[t])
    return out


def as_decimals(doc: dict) -> dict:
    def conv(node):
        if isinstance(node, dict):
            return {k: conv(v) for k, v in node.items()}
        return Decimal(str(node))

    return {t: conv(doc[t]) for t in TABLES}


def by_name(c, name: str):
    return next(e for e in c.entries if e.record.name == name)


# ---------------------------------------------------------------------------------------
# Sums


def test_sums_equal_an_independent_sum_of_the_inputs(tmp_path):
    rng = random.Random(7)
    docs = []
    for i in range(6):
        doc = valid_2020(f"单位{i}", 100 + i)
        # vary the numbers while keeping every identity: scale whole tables
        k = rng.randint(1, 5)
        for t in TABLES:
            doc[t] = json.loads(json.dumps(doc[t]), parse_int=lambda s, k=k: int(s) * k)
        doc["active"]["procurement"]["amount"] = rng.choice([0, 12.5, 3.1416, 117186])
        docs.append(doc)
        write(tmp_path, f"{i}.json", doc)
    c = consolidate([tmp_path], jobs=1)
    assert len(c.summed) == 6
    assert as_decimals(c.document()) == oracle(docs)


def test_summary_of_valid_reports_validates_clean(tmp_path):
    write(tmp_path, "a.json", seed("anyang-2020"))
    write(tmp_path, "b.json", seed("arongqi-2020"))
    c = consolidate([tmp_path], jobs=1, name="某某市人民政府")
    doc = c.document()
    assert validate(doc) == ()
    assert doc["agency"] == {"name": "某某市人民政府"}
    assert (doc["form"], doc["year"]) == ("2019", 2020)


def test_counts_stay_integers_and_amounts_add_exactly(tmp_path):
    for i, amount in enumerate([0.1, 0.2, 0.0001]):
        doc = valid_2020(f"单位{i}", 200 + i)
        doc["active"]["procurement"]["amount"] = amount
        write(tmp_path, f"{i}.json", doc)
    doc = consolidate([tmp_path], jobs=1).document()
    assert doc["active"]["procurement"]["amount"] == 0.3001  # not 0.30010000000000003
    assert type(doc["applications"]["new"]["total"]) is int
    assert validate(doc) == ()


def test_amounts_in_yuan_are_converted_exactly_to_wanyuan(tmp_path):
    a = valid_2020("万元单位", 301)
    a["active"]["procurement"]["amount"] = 10
    b = valid_2020("元单位", 302)
    b["meta"] = {"procurement_amount_unit": "元"}
    b["active"]["procurement"]["amount"] = 1234500
    write(tmp_path, "a.json", a)
    write(tmp_path, "b.json", b)
    c = consolidate([tmp_path], jobs=1)
    assert len(c.summed) == 2
    assert c.document()["active"]["procurement"]["amount"] == 133.45
    assert c.document()["meta"]["procurement_amount_unit"] == "万元"


def test_amount_in_yuan_to_the_fen_is_summed_exactly(tmp_path):
    a = valid_2020("万元单位", 301)
    a["active"]["procurement"]["amount"] = 24252.311082  # 万元 to the 分
    b = valid_2020("元单位", 302)
    b["meta"] = {"procurement_amount_unit": "元"}
    b["active"]["procurement"]["amount"] = 75394432.52  # 7539.443252 万元
    write(tmp_path, "a.json", a)
    write(tmp_path, "b.json", b)
    c = consolidate([tmp_path], jobs=1)
    assert len(c.summed) == 2
    assert c.document()["active"]["procurement"]["amount"] == 31791.754334


def test_amount_in_yuan_beyond_the_fen_is_left_out_with_the_reason(tmp_path):
    b = valid_2020("元单位", 302)
    b["meta"] = {"procurement_amount_unit": "元"}
    b["active"]["procurement"]["amount"] = 1234.567  # a tenth of a 分
    write(tmp_path, "a.json", valid_2020("万元单位", 301))
    write(tmp_path, "b.json", b)
    c = consolidate([tmp_path], jobs=1)
    entry = by_name(c, "元单位")
    assert not entry.summed
    assert "元" in entry.reason and "万元" in entry.reason
    assert [e.record.name for e in c.summed] == ["万元单位"]


# ---------------------------------------------------------------------------------------
# Properties


def _docs(draw_docs: list[dict]) -> list[dict]:
    out = []
    for i, d in enumerate(draw_docs):
        d = copy.deepcopy(d)
        d["year"] = 2020 if d["form"] == "2019" else 2021
        d["agency"] = {"name": f"单位{i:03d}", "uscc": uscc(1000 + i)}
        out.append(d)
    return out


reports_2019 = st.lists(consistent_reports("2019"), min_size=1, max_size=6)
reports_2021 = st.lists(consistent_reports("2021"), min_size=1, max_size=6)


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.one_of(reports_2019, reports_2021), st.randoms(use_true_random=False))
def test_consolidation_is_order_independent(drawn, rnd):
    """Whatever the form, and in whatever order the reports arrive: the same summary, equal to
    the independent sum, valid again."""
    docs = _docs(drawn)
    records = [examine_doc(d, f"/in/{i}.json") for i, d in enumerate(docs)]
    shuffled = records[:]
    rnd.shuffle(shuffled)
    a, b = combine(records), combine(shuffled)
    assert a.document() == b.document()
    assert [e.record.source for e in a.entries] == [e.record.source for e in b.entries]
    assert as_decimals(a.document()) == oracle(docs)
    assert validate(a.document()) == ()


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(reports_2019, reports_2019)
def test_consolidation_is_associative(left, right):
    """Consolidating two summaries equals consolidating all their inputs at once."""
    docs = _docs(left + right)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i, d in enumerate(docs):
            write(root / ("甲" if i < len(left) else "乙"), f"{i}.json", d)
        once = consolidate([root / "甲", root / "乙"], jobs=1, name="全市")
        a = consolidate([root / "甲"], jobs=1, name="甲区")
        b = consolidate([root / "乙"], jobs=1, name="乙区")
        write_summary(a, root / "甲区汇总.json")
        write_summary(b, root / "乙区汇总.json")
        twice = consolidate([root / "甲区汇总.json", root / "乙区汇总.json"], jobs=1, name="全市")
    assert len(twice.summed) == 2
    # the same sums; the same members (their files), each recorded as coming through its district
    assert without_members(twice.document()) == without_members(once.document())
    assert sorted((p.uscc, p.name, p.sha256) for p in twice.members) == sorted(
        (p.uscc, p.name, p.sha256) for p in once.members
    )


def without_members(doc: dict) -> dict:
    doc = dict(doc, meta=dict(doc["meta"]))
    del doc["meta"]["summary"]
    return doc


def examine_doc(doc: dict, source: str):
    with tempfile.TemporaryDirectory() as tmp:
        p = write(Path(tmp), "r.json", doc)
        r = examine(str(p))
    from dataclasses import replace

    return replace(r, source=source)


# ---------------------------------------------------------------------------------------
# What is left out, and why


def test_duplicates_by_uscc_are_both_left_out_and_listed(tmp_path):
    write(tmp_path, "财政局.json", valid_2020("张店区财政局", 6))
    again = valid_2020("张店区财政局（重报）", 6)
    write(tmp_path, "财政局-重报.json", again)
    write(tmp_path, "民政局.json", valid_2020("张店区民政局", 5))
    c = consolidate([tmp_path], jobs=1)
    assert [e.record.name for e in c.summed] == ["张店区民政局"]
    assert len(c.duplicates) == 1
    group = c.duplicates[0]
    assert {Path(e.record.source).name for e in group} == {"财政局.json", "财政局-重报.json"}
    for e in group:
        assert not e.summed and e.reason.startswith("重复报送")
        assert uscc(6) in e.reason
        assert [f.rule for f in e.notes] == ["DUPLICATE"]
    assert "重复报送 2 个" in c.line()


def test_duplicates_by_name_when_there_is_no_uscc(tmp_path):
    write(tmp_path, "a.json", valid_2020("张店区交通运输局"))
    write(tmp_path, "b.json", valid_2020(" 张店区交通运输局 "))
    write(tmp_path, "c.json", valid_2020("张店区民政局"))
    c = consolidate([tmp_path], jobs=1)
    assert len(c.duplicates) == 1 and len(c.duplicates[0]) == 2
    assert [e.record.name for e in c.summed] == ["张店区民政局"]


def test_same_name_with_different_uscc_is_not_a_duplicate(tmp_path):
    write(tmp_path, "a.json", valid_2020("卫生健康局", 11))
    write(tmp_path, "b.json", valid_2020("卫生健康局", 12))
    c = consolidate([tmp_path], jobs=1)
    assert c.duplicates == () and len(c.summed) == 2


def test_the_same_file_given_twice_is_read_once(tmp_path):
    p = write(tmp_path, "a.json", valid_2020("张店区民政局", 5))
    c = consolidate([p, tmp_path, str(tmp_path / "*.json")], jobs=1)
    assert len(c.entries) == 1 and c.duplicates == ()


def test_a_file_reached_through_links_is_read_once(tmp_path):
    real = tmp_path / "各单位"
    p = write(real, "a.json", valid_2020("张店区民政局", 5))
    (real / "b.json").symlink_to(p)  # a link to a report beside it
    (tmp_path / "链接").symlink_to(real, target_is_directory=True)  # the folder under another name
    c = consolidate([tmp_path / "链接", p], jobs=1)
    assert len(c.entries) == 1 and c.duplicates == ()


def test_mixed_years_and_forms_sum_the_majority_and_list_the_rest(tmp_path):
    for i in range(3):
        write(tmp_path, f"2020-{i}.json", valid_2020(f"单位{i}", 400 + i))
    last_year = valid_2020("单位0", 400)
    last_year["year"] = 2019
    write(tmp_path, "2019-0.json", last_year)
    write(tmp_path, "2021.json", json.loads((SEEDS.parent / "reports" / "shangzhi-2021.json").read_text("utf-8")))
    c = consolidate([tmp_path], jobs=1)
    assert (c.year, c.form) == (2020, "2019")
    assert len(c.summed) == 3
    left = {Path(e.record.source).name: e.reason for e in c.left_out}
    assert set(left) == {"2019-0.json", "2021.json"}
    assert "2019 年度" in left["2019-0.json"] and "本次汇总 2020 年度" in left["2019-0.json"]
    assert "2021 年表式" in left["2021.json"]
    assert c.duplicates == ()  # the same agency in another year is not a duplicate


def test_year_and_form_can_be_chosen(tmp_path):
    for i in range(3):
        write(tmp_path, f"2020-{i}.json", valid_2020(f"单位{i}", 400 + i))
    last_year = valid_2020("单位0", 400)
    last_year["year"] = 2019
    write(tmp_path, "2019-0.json", last_year)
    c = consolidate([tmp_path], jobs=1, year=2019)
    assert (c.year, c.form) == (2019, "2019")
    assert [Path(e.record.source).name for e in c.summed] == ["2019-0.json"]
    assert consolidate([tmp_path], jobs=1, form="2021").summed == ()


def test_reports_with_errors_are_left_out_unless_included(tmp_path):
    write(tmp_path, "good.json", seed("anyang-2020"))
    write(tmp_path, "blank.json", seed("zhangdian-2020"))  # table 3 published blank
    c = consolidate([tmp_path], jobs=1)
    entry = by_name(c, "张店区卫生健康局")
    assert not entry.summed and entry.reason.startswith("有错误")
    assert "--include-errors" in entry.reason
    assert c.included_with_errors == ()

    c = consolidate([tmp_path], jobs=1, include_errors=True)
    assert len(c.summed) == 2 and len(c.included_with_errors) == 1
    assert c.unusable_cells == 160  # the blank cells added nothing
    # what could be added was added: the stray 0 and table 2
    zd, ay = seed("zhangdian-2020"), seed("anyang-2020")
    assert c.document()["active"]["licensing"]["prev_items"] == (
        zd["active"]["licensing"]["prev_items"] + ay["active"]["licensing"]["prev_items"]
    )
    assert "有错误的报告已按要求计入" in c.line()
    warning = next(n for n in summary.cover_notes(c) if n.startswith("注意"))
    assert f"请核对「{summary.PROBLEMS_SHEET}」" in warning


def test_unreadable_files_are_listed_and_do_not_stop_the_run(tmp_path):
    write(tmp_path, "good.json", seed("anyang-2020"))
    (tmp_path / "broken.json").write_text('{"form": "2019", ', encoding="utf-8")
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not a report")
    c = consolidate([tmp_path, tmp_path / "notes.docx", tmp_path / "missing.json"], jobs=2)
    assert [e.record.name for e in c.summed] == ["安阳市卫生健康委员会"]
    bad = {Path(e.record.source).name: e for e in c.entries if not e.record.readable}
    assert set(bad) == {"broken.json", "empty.json", "notes.docx", "missing.json"}
    assert "JSON" in bad["broken.json"].reason
    assert "文件为空" in bad["empty.json"].reason
    assert "不是有效的 Word 文档" in bad["notes.docx"].reason  # a .docx is read as a published report
    assert "不存在" in bad["missing.json"].reason
    assert all(e.reason.startswith("无法读取") for e in bad.values())
    assert "无法读取 4 个" in c.line()


def test_a_reader_crash_becomes_an_unreadable_record(tmp_path, monkeypatch):
    import nianbao.consolidation.records as mod

    def boom(path):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(mod, "read", boom)
    r = examine(str(write(tmp_path, "a.json", seed("anyang-2020"))))
    assert r.status is Status.UNREADABLE and "reader bug" in r.findings[0].message


def test_parallel_reading_gives_the_same_result_as_serial(tmp_path):
    for i in range(12):
        write(tmp_path, f"{i:02d}.json", valid_2020(f"单位{i}", 500 + i))
    (tmp_path / "bad.json").write_text("[1, 2", encoding="utf-8")
    serial = consolidate([tmp_path], jobs=1)
    parallel = consolidate([tmp_path], jobs=2)
    assert parallel.document() == serial.document()
    assert [(e.record.source, e.summed, e.reason) for e in parallel.entries] == [
        (e.record.source, e.summed, e.reason) for e in serial.entries
    ]


# ---------------------------------------------------------------------------------------
# Roster


def test_roster_lists_who_did_not_report_and_who_is_not_on_it(tmp_path):
    reports = tmp_path / "reports"
    write(reports, "a.json", valid_2020("张店区民政局", 5))
    write(reports, "b.json", valid_2020("张店区财政局", 6))
    write(reports, "c.json", valid_2020("外区某局", 99))
    roster = tmp_path / "名单.csv"
    roster.write_text(
        "单位名称,统一社会信用代码\n张店区民政局,\n张店区财政局," + uscc(6) + "\n张店区应急管理局," + uscc(11) + "\n",
        encoding="utf-8-sig",
    )
    c = consolidate([reports], roster=roster, jobs=1)
    assert [m.name for m in c.missing] == ["张店区应急管理局"]
    assert c.missing[0].uscc == uscc(11) and c.missing[0].line == 4
    assert [e.record.name for e in c.unexpected] == ["外区某局"]
    assert len(c.summed) == 3  # not being on the roster does not keep a report out
    assert not c.complete
    assert "未报送 1 个" in c.line() and "不在名单中 1 个" in c.line()


def test_an_agency_whose_only_report_has_errors_did_report(tmp_path):
    write(tmp_path, "zd.json", seed("zhangdian-2020"))
    c = consolidate([tmp_path], roster=[Member("张店区卫生健康局")], jobs=1, include_errors=False)
    assert c.missing == () and c.unexpected == ()


def test_roster_header_variants_gbk_and_xlsx(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("序号,单位,社会信用代码\n1,张店区民政局,\n2, 张店区财政局 ,\n".encode("gb18030"))
    assert [(m.name, m.uscc) for m in read_roster(gbk)] == [("张店区民政局", ""), ("张店区财政局", "")]

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2020年度应报送单位名单"])
    ws.append(["部门名称", "统一社会信用代码", "行政区划代码"])
    ws.append(["张店区民政局", uscc(5), 370303])
    wb.save(tmp_path / "名单.xlsx")
    members = read_roster(tmp_path / "名单.xlsx")
    assert [(m.name, m.uscc, m.region_code, m.line) for m in members] == [("张店区民政局", uscc(5), "370303", 3)]

    tabs = tmp_path / "tabs.txt.csv"
    tabs.write_text("单位名称（全称）\t统一社会信用代码（18位）\n张店区民政局\t" + uscc(5) + "\n", encoding="utf-8")
    assert [(m.name, m.uscc) for m in read_roster(tabs)] == [("张店区民政局", uscc(5))]

    bad = tmp_path / "bad.csv"
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    with pytest.raises(RosterError, match="单位名称"):
        read_roster(bad)


# ---------------------------------------------------------------------------------------
# Inputs


def test_discover_walks_folders_globs_and_skips_what_is_not_a_report(tmp_path):
    write(tmp_path, "a/b/deep.json", seed("anyang-2020"))
    write(tmp_path, "top.json", seed("anyang-2020"))
    (tmp_path / "readme.rtf").write_text("说明", encoding="utf-8")
    (tmp_path / "~$top.json").write_text("lock", encoding="utf-8")
    (tmp_path / ".hidden.json").write_text("{}", encoding="utf-8")
    out = write(tmp_path, "汇总.json", seed("anyang-2020"))
    files, missing = discover([tmp_path], exclude=[out])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["a/b/deep.json", "top.json"]
    assert missing == []
    files, missing = discover([str(tmp_path / "**" / "*.json"), str(tmp_path / "nothing-*.xlsx")])
    assert {Path(f).name for f in files} == {"deep.json", "top.json", "汇总.json"}
    assert [m.source for m in missing] == [str(tmp_path / "nothing-*.xlsx")]
    assert "没有匹配" in missing[0].findings[0].message


@pytest.fixture
def crash_json_kills_its_worker(monkeypatch):
    """A file named crash.json ends the process examining it, as a parser's hard crash would."""
    import os

    import nianbao.consolidation.records as mod

    real = mod.examine

    def fragile(path):
        if Path(path).name == "crash.json":
            os._exit(3)
        return real(path)

    monkeypatch.setattr(mod, "examine", fragile)


def test_a_file_that_kills_its_worker_is_isolated_and_the_rest_are_read(tmp_path, crash_json_kills_its_worker):
    for i in range(9):
        write(tmp_path, f"{i}.json", valid_2020(f"单位{i}", 600 + i))
    write(tmp_path, "crash.json", valid_2020("单位X", 699))
    c = consolidate([tmp_path], jobs=2)
    assert len(c.summed) == 9
    crashed = [e for e in c.entries if Path(e.record.source).name == "crash.json"]
    assert len(crashed) == 1 and crashed[0].record.status is Status.UNREADABLE
    assert "进程意外终止" in crashed[0].reason
    assert len(c.entries) == 10


@pytest.mark.parametrize("jobs", [1, 2])
def test_work_given_for_meanwhile_runs_once_here_whatever_the_workers_do(tmp_path, crash_json_kills_its_worker, jobs):
    import os

    for i in range(5):
        write(tmp_path, f"{i}.json", valid_2020(f"单位{i}", 600 + i))
    if jobs > 1:
        write(tmp_path, "crash.json", valid_2020("单位X", 699))  # the pool is run again: still once
    from nianbao.consolidation.pool import read_records

    calls = []
    files = sorted(str(p) for p in tmp_path.glob("*.json"))
    got = read_records(files, jobs, meanwhile=lambda: calls.append(os.getpid()))
    assert calls == [os.getpid()]
    assert sum(r.readable for r in got) == 5


def test_work_given_for_meanwhile_that_fails_loses_nothing(tmp_path):
    for i in range(4):
        write(tmp_path, f"{i}.json", valid_2020(f"单位{i}", 600 + i))

    def broken() -> None:
        raise ImportError("a head start that could not be had")

    from nianbao.consolidation.pool import read_records

    got = read_records(sorted(str(p) for p in tmp_path.glob("*.json")), 2, meanwhile=broken)
    assert len(got) == 4 and all(r.readable for r in got)


def test_a_folder_that_cannot_be_opened_is_listed(tmp_path, monkeypatch):
    import os

    import nianbao.consolidation.inputs as mod

    write(tmp_path, "ok/a.json", valid_2020("张店区民政局", 5))
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(top):
        # what os.scandir does with a folder it may not list (root ignores permissions)
        if Path(top).name == "locked":
            raise PermissionError(13, "权限不够", str(top))
        return real_scandir(top)

    monkeypatch.setattr(mod.os, "scandir", scandir)
    c = consolidate([tmp_path / "ok", tmp_path / "locked"], jobs=1)
    assert len(c.summed) == 1
    locked = [e for e in c.entries if not e.record.readable]
    assert len(locked) == 1 and "无法打开" in locked[0].reason and "locked" in locked[0].reason


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
    | st.sampled_from([" 前后有空格 ", "a&b<c>", "\u3000", "x\n", "\x01控制"])
)
def test_text_copied_into_the_lists_the_quick_way_is_written_as_the_long_way_writes_it(text):
    # most text is copied as it is; whatever needs escaping or preserving goes the long way
    assert summary._text_cell("B2", text) == summary._escaped_cell("B2", text)


def test_a_file_is_hashed_from_the_bytes_the_container_check_read(report, workbook_of, monkeypatch):
    import hashlib

    from nianbao.consolidation import records

    path = workbook_of(report("anyang-2020"))
    monkeypatch.setattr(records, "file_hash", lambda p: pytest.fail("the file was read a second time"))
    rec = records.examine(str(path))
    assert rec.readable and rec.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
