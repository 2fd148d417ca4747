"""Reading filled templates back: exact round trips, findings at sheet and cell, altered
layouts refused, cell text cleaned visibly, cached formula results never trusted."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import REPORTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import consistent_reports

from nianbao import validate
from nianbao.cli import main
from nianbao.core.layout import COVER_SHEET, META_SHEET, layout
from nianbao.excel.template import write_workbook
from nianbao.io.check import check_file
from nianbao.io.readers import READERS, ReadError, read
from nianbao.io.xlsx.workbook import read_workbook

PROVENANCE = ("template_version", "source_file")


def without_provenance(document: dict) -> dict:
    """A report without the meta keys export sets itself (and an emptied meta)."""
    doc = copy.deepcopy(document)
    meta = doc.get("meta") or {}
    for key in PROVENANCE:
        meta.pop(key, None)
    if "meta" in doc and not meta:
        del doc["meta"]
    return doc


def where(form: str, pointer: str) -> str:
    return "!".join(layout(form).where[pointer])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_fixture_reports_round_trip_exactly(workbook_of, report, name):
    doc = report(name)
    path = workbook_of(doc)
    loaded = read(path)
    assert without_provenance(loaded.document) == without_provenance(doc)
    assert loaded.document["meta"]["template_version"] == layout(doc["form"]).version
    assert loaded.document["meta"]["source_file"] == path.name
    assert loaded.findings == ()


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_fixture_workbooks_validate_as_their_json_does_at_sheet_and_cell(workbook_of, report, name):
    doc = report(name)
    path = workbook_of(doc)
    expected = validate(doc)
    result = check_file(path)
    assert sorted((f.rule, f.pointer, f.message) for f in result.findings) == sorted(
        (f.rule, f.pointer, f.message) for f in expected
    )
    for f in result.findings:
        if f.pointer in layout(doc["form"]).where:
            assert f"{f.sheet}!{f.cell}" == where(doc["form"], f.pointer)
            assert f.cells and all("!" in c for c in f.cells)


def test_a_finding_names_its_sheet_and_cell(workbook_of, report):
    doc = report("anyang-2020")
    doc["applications"]["new"]["natural"] = 5  # I1 fails in the 自然人 column
    doc["applications"]["new"]["total"] = 9
    path = workbook_of(doc)
    result = check_file(path)
    i1 = [f for f in result.findings if f.rule == "I1"]
    assert [f.where for f in i1] == [
        where("2019", "/applications/new/natural"),
        where("2019", "/applications/new/total"),
    ]
    assert i1[0].where == "表三!D5"
    cli = CliRunner().invoke(main, ["validate", str(path)])
    assert cli.exit_code == 1 and "表三!D5" in cli.output


def blanked(doc: dict, form: str, picks: list[int], bumps: list[int]) -> dict:
    """Some cells blanked and some totals made inconsistent with their parts."""
    m = layout(form).model
    totals = sorted(m.derived)
    values = m.values(doc)
    for i in picks:
        values[i % len(values)] = None
    for i in bumps:
        index = totals[i % len(totals)]
        values[index] = (values[index] or 0) + 1
    out = copy.deepcopy(doc)
    out.update(m.document(values))
    return out


# text a clerk may type (not white space alone: the reader takes that as blank, as it should)
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    lambda s: s[0] not in "=+-@＝＋－＠" and s.strip()
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=consistent_reports(),
    picks=st.lists(st.integers(0, 10_000), max_size=8),
    bumps=st.lists(st.integers(0, 10_000), max_size=3),
    name=texts,
    contact=st.one_of(st.none(), texts),
    date=st.one_of(st.none(), st.dates().map(str)),
)
def test_any_report_round_trips_exactly(tmp_path, doc, picks, bumps, name, contact, date):
    doc = blanked(doc, doc["form"], picks, bumps)
    doc["agency"] = {"name": name, "region_code": "230183"}
    if contact is not None:
        doc["agency"]["contact"] = contact
    if date is not None:
        doc["meta"] = {"filled_date": date}
    path = tmp_path / "r.xlsx"
    write_workbook(path, doc["form"], doc)
    loaded = read(path)
    assert without_provenance(loaded.document) == without_provenance(doc)
    assert loaded.findings == ()


def test_amounts_keep_four_decimals_and_units(workbook_of, report):
    doc = report("anyang-2020")
    doc["active"]["procurement"]["amount"] = 117186.1234
    doc["meta"] = {"procurement_amount_unit": "元", "note": "附加信息原样保留"}
    doc["agency"]["wechat"] = "公众号"
    loaded = read(workbook_of(doc))
    assert loaded.document["active"]["procurement"]["amount"] == 117186.1234
    assert loaded.document["meta"]["procurement_amount_unit"] == "元"
    assert loaded.document["meta"]["note"] == "附加信息原样保留"
    assert loaded.document["agency"]["wechat"] == "公众号"


def test_a_total_that_disagrees_with_its_parts_is_kept_as_the_report_had_it(workbook_of, report):
    doc = report("zhangdian-2020")  # 一、本年新收 总计 0, its parts blank
    assert doc["applications"]["new"]["total"] == 0 and doc["applications"]["new"]["natural"] is None
    path = workbook_of(doc)
    sheet, a = layout("2019").where["/applications/new/total"]
    assert openpyxl.load_workbook(path)[sheet][a].value == 0  # a number, not the formula
    assert read(path).document["applications"]["new"]["total"] == 0


def test_a_blank_template_reads_as_all_null(workbook_of):
    loaded = read(workbook_of(form="2021"))
    doc = loaded.document
    m = layout("2021").model
    assert all(v is None for v in m.values(doc))
    assert doc["agency"] == {} and "year" not in doc
    result = check_file(workbook_of(form="2021", name="again.xlsx"))
    blank = [f for f in result.findings if f.rule == "BLANK"]
    # every cell blank, none read as 0; each table said once, at its first cell
    tables = m.form.tables
    assert [f.message for f in blank] == [f"{t.sheet} 整表未填写" for t in tables]
    firsts = [next(c for c in m.cells if c.table.key == t.key) for t in tables]
    assert [f.where for f in blank] == [where("2021", c.pointer) for c in firsts]
    missing = [f for f in result.findings if f.rule == "MISSING"]
    assert {f.pointer for f in missing} == {"/year", "/agency/name"}
    assert {f.where for f in missing} == {where("2021", "/year"), where("2021", "/agency/name")}


# ---------------------------------------------------------------------------------------
# Cell text


def test_text_in_number_cells_is_cleaned_with_a_note_or_reported(workbook_of, report):
    doc = report("anyang-2020")
    doc["applications"]["carried_over"]["natural"] = "0件"
    doc["applications"]["carried_over"]["commercial"] = "—"
    doc["active"]["licensing"]["prev_items"] = "3,980"
    doc["active"]["penalty"]["decisions"] = "２６"
    doc["appeals"]["review"]["upheld"] = "#REF!"
    doc["appeals"]["review"]["corrected"] = "不详"
    doc["appeals"]["review"]["total"] = None
    doc["year"] = "2020年"
    path = workbook_of(doc)
    result = check_file(path)
    notes = {f.pointer: f for f in result.findings if f.rule == "CELL"}
    assert set(notes) == {
        "/applications/carried_over/natural",
        "/applications/carried_over/commercial",
        "/active/licensing/prev_items",
        "/active/penalty/decisions",
        "/year",
    }
    assert all(f.severity == "warning" for f in notes.values())
    assert notes["/applications/carried_over/natural"].where == where("2019", "/applications/carried_over/natural")
    assert "「0件」按 0 读取" in notes["/applications/carried_over/natural"].message
    doc_read = result.document
    assert doc_read["active"]["licensing"]["prev_items"] == 3980
    assert doc_read["active"]["penalty"]["decisions"] == 26
    assert doc_read["year"] == 2020
    errors = {f.pointer: f for f in result.findings if f.rule == "TYPE"}
    assert set(errors) == {"/appeals/review/upheld", "/appeals/review/corrected"}
    assert errors["/appeals/review/upheld"].where == where("2019", "/appeals/review/upheld")
    assert "#REF!" in errors["/appeals/review/upheld"].message
    # totals over a bad cell are not made up: the group's total is left blank
    assert doc_read["appeals"]["review"]["total"] is None


def test_a_formula_error_is_not_a_blank(workbook_of, report):
    doc = report("anyang-2020")
    path = workbook_of(doc)
    sheet, a = layout("2019").where["/appeals/review/pending"]
    index = [s.name for s in layout("2019").sheets].index(sheet) + 1
    replace_cell(path, index, a, f'<c r="{a}" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    result = check_file(path)
    total = where("2019", "/appeals/review/total")
    # the error is reported at its cell; the total over it cannot be computed, so it is blank
    assert [(f.rule, f.where) for f in result.findings] == [("TYPE", f"{sheet}!{a}"), ("BLANK", total)]
    assert "#DIV/0!" in result.findings[0].message


def test_a_formula_saved_without_its_result_is_explained(workbook_of, report):
    path = workbook_of(report("anyang-2020"))
    sheet, a = layout("2019").where["/appeals/review/upheld"]

    def typed_formula(wb):
        wb[sheet][a] = "=1+1"  # openpyxl, like any tool that is not a spreadsheet, saves no result

    result = check_file(altered(path, typed_formula))
    at_cell = [(f.rule, f.severity) for f in result.findings if f.where == f"{sheet}!{a}"]
    assert at_cell == [("CACHE", "warning"), ("BLANK", "error")]
    assert "=1+1" in result.findings[0].message


def replace_cell(path: Path, sheet_index: int, address: str, xml_cell: str) -> None:
    """Replace the XML of one cell, as another program would have saved it."""
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts[name].decode()
    pattern = re.compile(rf'<c r="{address}"[^>]*?(/>|>.*?</c>)')
    assert pattern.search(xml), f"no cell {address}"
    parts[name] = pattern.sub(xml_cell, xml, count=1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


# ---------------------------------------------------------------------------------------
# Cached formula results


def set_cached(path: Path, sheet_index: int, address: str, value: str) -> None:
    """Give the formula cell at ``address`` a cached result, as Excel would have saved it."""
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts[name].decode()
    pattern = re.compile(rf'(<c r="{address}"[^>]*>(?:<f>[^<]*</f>))(<v\s*/>|<v>[^<]*</v>)')
    assert pattern.search(xml), f"no formula at {address}"
    parts[name] = pattern.sub(rf"\g<1><v>{value}</v>", xml).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_cached_results_are_recomputed_and_disagreements_reported(workbook_of, report):
    doc = report("anyang-2020")
    path = workbook_of(doc)
    sheet, a = layout("2019").where["/applications/new/total"]
    index = [s.name for s in layout("2019").sheets].index(sheet) + 1
    set_cached(path, index, a, "99")
    loaded = read(path)
    assert loaded.document["applications"]["new"]["total"] == 2  # from its parts, not the cache
    result = check_file(path)
    cache = [f for f in result.findings if f.rule == "CACHE"]
    assert len(cache) == 1 and cache[0].where == f"{sheet}!{a}" and cache[0].severity == "warning"
    assert "99" in cache[0].message and "2" in cache[0].message
    set_cached(path, index, a, "2")  # a cache that agrees says nothing
    assert read(path).findings == ()


@pytest.mark.parametrize(("body", "held"), [
    ("<v>9</v>", "填写的数字 9"),
    ("<f>D5+7</f><v>9</v>", "另一公式「=D5+7」，其结果为 9"),
])
def test_a_total_typed_over_its_formula_is_an_error_at_that_cell(workbook_of, report, body, held):
    doc = report("anyang-2020")
    path = workbook_of(doc)
    pointer = "/applications/outcomes/total/total"  # 表三 (七)总计, 总计列
    sheet, a = layout("2019").where[pointer]
    index = [s.name for s in layout("2019").sheets].index(sheet) + 1
    replace_cell(path, index, a, f'<c r="{a}">{body}</c>')
    for fast in (True, False):  # the fast path and python-calamine alike
        loaded = read_workbook(path, fast=fast)
        assert loaded.document["applications"]["outcomes"]["total"]["total"] == 2  # the sum of its parts
        (typed,) = [f for f in loaded.findings if f.pointer == pointer]
        assert typed.rule == "TOTAL" and typed.severity == "error"
        assert held in typed.message and "各项之和为 2" in typed.message
        assert "nianbao fill" in typed.message and layout("2019").total_formula(pointer) in typed.message
    result = check_file(path)
    assert [(f.rule, f.where) for f in result.findings if f.is_error] == [("TOTAL", f"{sheet}!{a}")]


def test_a_stale_result_of_the_templates_own_formula_stays_a_warning(workbook_of, report):
    path = workbook_of(report("anyang-2020"))
    pointer = "/applications/outcomes/total/total"
    sheet, a = layout("2019").where[pointer]
    index = [s.name for s in layout("2019").sheets].index(sheet) + 1
    formula = layout("2019").total_formula(pointer)[1:].replace('"', "&quot;")
    replace_cell(path, index, a, f'<c r="{a}"><f>{formula}</f><v>9</v></c>')
    assert [(f.rule, f.severity) for f in check_file(path).findings] == [("CACHE", "warning")]


# ---------------------------------------------------------------------------------------
# Altered layouts are refused, naming sheet and cell


def altered(path: Path, change) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    out = path.with_name("altered.xlsx")
    wb.save(out)
    return out


def _insert_row(wb):
    wb["表三"].insert_rows(6)


def _edit_label(wb):
    wb["表三"]["A5"] = "一、本年新收申请数量"


def _rename(wb):
    wb["表二"].title = "表2"


def _delete(wb):
    del wb["表四"]


def _insert_column(wb):
    wb["表四"].insert_cols(1)


def _meta_form(wb):
    wb[META_SHEET]["B1"] = "2018"


def _meta_version(wb):
    wb[META_SHEET]["B2"] = "0"


def _no_meta(wb):
    del wb[META_SHEET]


ALTERATIONS = [
    (_insert_row, "表三", "A6", "模板结构被改动"),
    (_edit_label, "表三", "A5", "一、本年新收政府信息公开申请数量"),
    (_rename, None, None, "缺少工作表「表二」"),
    (_delete, None, None, "缺少工作表「表四」"),
    (_insert_column, "表四", "A1", "模板结构被改动"),
    (_meta_form, META_SHEET, "B1", "表式「2018」"),
    (_meta_version, META_SHEET, "B2", "模板版本「0」"),
    (_no_meta, None, None, "不是本工具生成的年报模板"),
]


@pytest.mark.parametrize(("change", "sheet", "cell", "says"), ALTERATIONS, ids=[a[0].__name__ for a in ALTERATIONS])
def test_altered_layouts_are_refused(workbook_of, report, change, sheet, cell, says):
    path = altered(workbook_of(report("anyang-2020")), change)
    with pytest.raises(ReadError) as err:
        read(path)
    e = err.value
    assert (e.sheet, e.cell) == (sheet, cell)
    assert says in str(e) and path.name in str(e)
    if sheet:
        assert f"工作表「{sheet}」" in str(e) and f"单元格 {cell}" in str(e)
    result = check_file(path)  # validate: one READ finding at that sheet and cell, no traceback
    assert result.unreadable and [f.rule for f in result.findings] == ["READ"]
    assert (result.findings[0].sheet, result.findings[0].cell) == (sheet, cell)


def test_extra_and_hidden_sheets_are_accepted(workbook_of, report):
    def change(wb):
        wb.create_sheet("校验结果")["A1"] = "附注"
        wb["表二"].sheet_state = "hidden"

    doc = report("anyang-2020")
    path = altered(workbook_of(doc), change)
    assert without_provenance(read(path).document) == without_provenance(doc)


def test_a_workbook_that_is_not_a_template_is_refused(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "单位名称"
    path = tmp_path / "其他.xlsx"
    wb.save(path)
    with pytest.raises(ReadError, match="不是本工具生成的年报模板"):
        read(path)
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError):
        read(junk)


def test_the_container_is_checked_once_before_parsing(workbook_of, report, monkeypatch):
    import nianbao.io.container.safety

    calls = []
    real = nianbao.io.container.safety.open_container

    def counting(path):
        calls.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(nianbao.io.container.safety, "open_container", counting)
    path = workbook_of(report("anyang-2020"))
    read(path)  # through the registry
    assert calls == [path.name]
    read_workbook(path)  # called directly
    assert calls == [path.name, path.name]


def test_workbook_suffixes_are_registered():
    for suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".et"):
        assert READERS[suffix].__module__ == "nianbao.io.xlsx.workbook"


def test_a_template_saved_as_xlsm_reads(workbook_of, report):
    doc = report("anyang-2020")
    path = workbook_of(doc)
    xlsm = path.with_suffix(".xlsm")
    shutil.copy(path, xlsm)
    assert without_provenance(read_workbook(xlsm).document) == without_provenance(doc)


# ---------------------------------------------------------------------------------------
# nianbao export / fill


def test_export_writes_the_interchange_format_and_leaves_the_input_alone(workbook_of, report, tmp_path):
    doc = report("anyang-2020")
    path = workbook_of(doc)
    before = digest(path)
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(path)])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert without_provenance(exported) == without_provenance(doc)
    assert exported["meta"]["source_file"] == path.name
    assert validate(exported) == ()
    out = tmp_path / "out.json"
    result = runner.invoke(main, ["export", str(path), "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == exported
    assert digest(path) == before


def test_export_notes_conversions_on_stderr_and_still_succeeds(workbook_of, report):
    doc = report("anyang-2020")
    doc["applications"]["carried_over"]["natural"] = "0件"
    result = CliRunner().invoke(main, ["export", str(workbook_of(doc))])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["applications"]["carried_over"]["natural"] == 0
    assert "提示：表三!D6" in result.stderr and "0件" in result.stderr


def test_export_refuses_unreadable_input_with_status_2(workbook_of, report, tmp_path):
    path = altered(workbook_of(report("anyang-2020")), _edit_label)
    result = CliRunner().invoke(main, ["export", str(path), "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert "工作表「表三」" in result.stderr and "单元格 A5" in result.stderr
    assert not (tmp_path / "x.json").exists()
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["export", str(tmp_path / "无此文件.xlsx")])
    assert result.exit_code == 2 and "文件不存在" in result.stderr


def test_export_will_not_overwrite_its_input(workbook_of, report):
    path = workbook_of(report("anyang-2020"))
    before = digest(path)
    result = CliRunner().invoke(main, ["export", str(path), "-o", str(path)])
    assert result.exit_code == 2 and "输入文件" in result.stderr
    assert digest(path) == before


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_fill_then_export_gives_the_report_back(tmp_path, name):
    src = Path(__file__).parent / "fixtures" / ("seeds" if name in _seed_names() else "reports") / f"{name}.json"
    out = tmp_path / "filled.xlsx"
    runner = CliRunner()
    result = runner.invoke(main, ["fill", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = json.loads(runner.invoke(main, ["export", str(out)]).stdout)
    assert without_provenance(back) == without_provenance(REPORTS[name])
    # and a workbook can be refilled into a fresh template
    again = tmp_path / "again.xlsx"
    assert runner.invoke(main, ["fill", str(out), "-o", str(again)]).exit_code == 0
    assert without_provenance(read(again).document) == without_provenance(REPORTS[name])


def _seed_names() -> set[str]:
    return {p.stem for p in (Path(__file__).parent / "fixtures" / "seeds").glob("*.json")}


def test_fill_refuses_a_report_of_no_known_form(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"form": "2018", "year": 2018}), encoding="utf-8")
    result = CliRunner().invoke(main, ["fill", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "表式「2018」" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()
    result = CliRunner().invoke(main, ["fill", str(bad), "-o", str(bad)])
    assert result.exit_code == 2


def test_cover_fields_are_read_as_text(workbook_of, report):
    doc = report("anyang-2020")
    path = workbook_of(doc)

    def typed_as_numbers(wb):
        cover = layout("2019").sheet(COVER_SHEET).inputs
        wb[COVER_SHEET].protection.sheet = False
        wb[COVER_SHEET][cover["/agency/region_code"]] = 410500
        wb[COVER_SHEET][cover["/agency/phone"]] = 3721234567

    loaded = read(altered(path, typed_as_numbers))
    assert loaded.document["agency"]["region_code"] == "410500"
    assert loaded.document["agency"]["phone"] == "3721234567"


cell_texts = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.builds(lambda n, unit, sep: f"{n:,}".replace(",", sep) + unit,
              st.integers(-10**7, 10**7), st.sampled_from(["", "件", "项", "万元", " "]),
              st.sampled_from([",", "，", ""])),
    st.sampled_from(["—", "无", "-", "１２", " 3 ", "#REF!", "#N/A", "TRUE", "0.12345", "1e3", "－5"]),
)  # text a spreadsheet would take for a formula is stored as text (quote prefix), read back as typed


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    form=st.sampled_from(["2019", "2021"]),
    picks=st.lists(st.tuples(st.integers(0, 10_000), cell_texts), min_size=1, max_size=6),
)
def test_any_cell_text_reads_to_its_defined_outcome(tmp_path, report, form, picks):
    from nianbao.core.cleaning import Context, clean

    doc = report("anyang-2020" if form == "2019" else "shangzhi-2021")
    m = layout(form).model
    inputs = [c for c in m.cells if c.index not in m.derived]
    values = m.values(doc)
    chosen = {}
    for i, text in picks:
        cell = inputs[i % len(inputs)]
        values[cell.index] = text
        chosen[cell.index] = text
    doc.update(m.document(values))
    path = tmp_path / "t.xlsx"
    write_workbook(path, form, doc)
    loaded = read(path)  # never raises for any text
    got = m.values(loaded.document)
    notes = {f.pointer for f in loaded.findings if f.rule == "CELL"}
    for index, text in chosen.items():
        cell = m.cells[index]
        out = clean(text, Context(cell.kind))
        assert got[index] == out.value and type(got[index]) is type(out.value), (cell.pointer, text)
        assert (cell.pointer in notes) == out.accepted
    result = check_file(path)  # and validating it never raises either
    assert not result.unreadable


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.sampled_from(["2019", "2021"]), pick=st.integers(0, 10_000), text=texts)
def test_any_edited_label_is_refused_at_its_cell(tmp_path, form, pick, text):
    labels = [(s.name, lb) for s in layout(form).sheets for lb in s.labels]
    sheet, label = labels[pick % len(labels)]
    path = tmp_path / "blank.xlsx"
    write_workbook(path, form)

    def edit(wb):
        wb[sheet][label.anchor] = "改" + text  # never equal to the label

    with pytest.raises(ReadError) as err:
        read(altered(path, edit))
    assert (err.value.sheet, err.value.cell) == (sheet, label.anchor)
    assert label.text in str(err.value)


def test_export_of_a_report_with_errors_still_writes_the_json_and_exits_1(workbook_of, report, tmp_path):
    doc = report("anyang-2020")
    doc["applications"]["carried_over"]["natural"] = 1  # breaks I1 in the 自然人 column
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["export", str(workbook_of(doc)), "-o", str(out)])
    assert result.exit_code == 1
    assert "错误：表三!D5 表三 自然人列：一(2)+二(1)=3" in result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["applications"]["carried_over"]["natural"] == 1


def test_a_name_of_white_space_alone_reads_as_blank(workbook_of, report):
    doc = report("anyang-2020")
    doc["agency"]["name"] = "  "
    path = workbook_of(doc)
    loaded = read(path)
    assert "name" not in loaded.document["agency"]
    assert loaded == read_workbook(path, fast=False)  # python-calamine reads it so too
