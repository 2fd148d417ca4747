"""The locked template, read back with openpyxl: labels, inputs, formulas, validation,
protection, printing — all where nianbao.core.layout says."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils.cell import range_boundaries

from nianbao.cli import main
from nianbao.core.forms import AMOUNT, CHANGE, FORMS, PROCUREMENT_UNITS
from nianbao.core.layout import COVER_SHEET, META_SHEET, PROCUREMENT_UNIT_FIELD, TEMPLATE_VERSION, layout
from nianbao.excel.template import FAIL, PASS, TemplateError, defined_name, write_workbook
from nianbao.io.atomic import OutputError
from nianbao.io.readers import read

ROOT = Path(__file__).resolve().parent.parent
FORM_KEYS = sorted(FORMS)


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    folder = tmp_path_factory.mktemp("blank")
    out = {}
    for form in FORM_KEYS:
        path = folder / f"{form}.xlsx"
        write_workbook(path, form)
        out[form] = openpyxl.load_workbook(path)
    return out


def cells_of(ref: str) -> set[str]:
    """Every address of a range or of a space/comma separated list of ranges."""
    out = set()
    for part in re.split(r"[ ,]+", ref.replace("$", "").strip()):
        c1, r1, c2, r2 = range_boundaries(part)
        out |= {f"{openpyxl.utils.get_column_letter(c)}{r}" for c in range(c1, c2 + 1) for r in range(r1, r2 + 1)}
    return out


def validation_of(ws, address: str):
    found = [dv for dv in ws.data_validations.dataValidation if address in cells_of(str(dv.sqref))]
    assert len(found) == 1, f"{ws.title}!{address}: {len(found)} validations"
    return found[0]


@pytest.mark.parametrize("form", FORM_KEYS)
def test_every_label_sits_at_its_anchor_with_its_merge(blank, form):
    wb = blank[form]
    for s in layout(form).sheets:
        ws = wb[s.name]
        for label in s.labels:
            assert ws[label.anchor].value == label.text, f"{s.name}!{label.anchor}"
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert merged == {lb.ref for lb in s.labels if ":" in lb.ref}


@pytest.mark.parametrize("form", FORM_KEYS)
def test_only_input_cells_are_unlocked_and_they_are_shaded(blank, form):
    wb = blank[form]
    for s in layout(form).sheets:
        ws = wb[s.name]
        inputs = set(s.inputs.values())
        for row in ws.iter_rows(min_row=1, max_row=max(ws.max_row, s.last_row), max_col=max(ws.max_column, s.last_col)):
            for cell in row:
                if not hasattr(cell, "protection"):
                    continue
                unlocked = cell.protection.locked is False
                assert unlocked == (cell.coordinate in inputs), f"{s.name}!{cell.coordinate}"
        for a in inputs:
            assert ws[a].fill.fgColor.rgb.endswith("FFF2CC"), f"{s.name}!{a} not shaded"
        for a in s.computed.values():
            assert not ws[a].fill.fgColor.rgb.endswith("FFF2CC")


@pytest.mark.parametrize("form", FORM_KEYS)
def test_every_sheet_and_the_structure_are_protected(blank, form):
    wb = blank[form]
    assert wb.security.lockStructure
    assert wb.sheetnames == [s.name for s in layout(form).sheets] + [META_SHEET]
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    for s in layout(form).sheets:
        assert wb[s.name].protection.formatCells is False  # the add-in may mark cells


@pytest.mark.parametrize("form", FORM_KEYS)
def test_inputs_carry_validation_by_kind_with_chinese_messages(blank, form):
    wb = blank[form]
    m = layout(form).model
    for s in layout(form).sheets[1:]:
        ws = wb[s.name]
        for ptr, a in s.inputs.items():
            dv = validation_of(ws, a)
            kind = m.by_pointer[ptr].kind
            assert dv.showErrorMessage and dv.showInputMessage and dv.errorStyle == "stop"
            assert re.search(r"[\u4e00-\u9fff]", dv.prompt) and re.search(r"[\u4e00-\u9fff]", dv.error)
            if kind == AMOUNT:
                assert dv.type == "custom"
                # to the 分: six decimals in 万元; two in 元 where the cover says the amount is in 元
                places = '"元",2,6)' if m.by_pointer[ptr].index in m.unit_cells else "6"
                assert re.search(rf"ROUND\({a},(IF\(.*!\$B\$\d+=)?{re.escape(places)}\)={a}", dv.formula1), dv.formula1
                assert f"{a}>=0" in dv.formula1
            elif kind == CHANGE:
                assert (dv.type, dv.operator) == ("whole", "between") and int(dv.formula1) < 0
            else:
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")


@pytest.mark.parametrize("form", FORM_KEYS)
def test_validation_messages_fit_excel_limits(blank, form):
    for ws in blank[form].worksheets:
        for dv in ws.data_validations.dataValidation:
            assert dv.promptTitle and len(dv.promptTitle) <= 32 and len(dv.errorTitle or "") <= 32
            assert dv.prompt and len(dv.prompt) <= 255 and len(dv.error or "") <= 255
            assert dv.error or not dv.showErrorMessage


def test_cover_validations(blank):
    ws = blank["2019"][COVER_SHEET]
    cover = layout("2019").sheet(COVER_SHEET)
    unit = cover.inputs[PROCUREMENT_UNIT_FIELD[0]]
    dv = validation_of(ws, unit)
    assert dv.type == "list" and dv.formula1 == '"' + ",".join(PROCUREMENT_UNITS) + '"'
    assert ws[unit].value == "万元"  # the default unit of a blank template
    year = validation_of(ws, cover.inputs["/year"])
    assert (year.type, year.formula1, year.formula2) == ("whole", "2019", "2020")
    assert validation_of(ws, cover.inputs["/agency/uscc"]).formula1 == "18"
    assert ws[cover.inputs["/agency/region_code"]].number_format == "@"  # leading zeros stay
    assert PROCUREMENT_UNIT_FIELD[0] not in layout("2021").sheet(COVER_SHEET).inputs


@pytest.mark.parametrize("form", FORM_KEYS)
def test_defined_names_point_at_every_input_and_total(blank, form):
    wb = blank[form]
    where = layout(form).where
    assert len(where) > 150
    for ptr, (sheet, a) in where.items():
        name = wb.defined_names[defined_name(ptr)]
        dests = list(name.destinations)
        assert dests == [(sheet, f"${a.rstrip('0123456789')}${a.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}")]
    assert defined_name("/applications/new/natural") == "nb.applications.new.natural"


@pytest.mark.parametrize("bad", ["/a b", "/1x/é"])
def test_defined_name_refuses_invalid_names(bad):
    with pytest.raises(ValueError):
        defined_name(bad)


@pytest.mark.parametrize("form", FORM_KEYS)
def test_totals_are_locked_formulas_over_exactly_their_parts(blank, form):
    wb = blank[form]
    lay = layout(form)
    m = lay.model
    d = m.derived
    where = lay.where
    assert d
    for index, check in d.items():
        sheet, a = where[m.cells[index].pointer]
        formula = wb[sheet][a].value
        assert formula.startswith("=IF(COUNT(") and "SUM(" in formula
        refs = re.search(r"SUM\(([^)]*)\)", formula).group(1)
        assert cells_of(refs) == {where[m.cells[t.index].pointer][1] for t in check.rhs}
        assert wb[sheet][a].protection.locked


@pytest.mark.parametrize("form", FORM_KEYS)
def test_checks_are_formulas_with_conditional_formatting_on_their_cells(blank, form):
    wb = blank[form]
    checks = [(s, c) for s in layout(form).sheets for c in s.checks]
    assert any(c.check.rule == "I1" for _, c in checks)
    for s, c in checks:
        ws = wb[s.name]
        formula = ws[c.address].value
        assert formula.startswith('=IF(COUNT(') and PASS in formula
        assert (FAIL if c.check.severity == "error" else "⚠") in formula
        for a in c.cells:
            assert a in formula
        assert c.check.identity.title in validation_of(ws, c.address).prompt  # says what it checks
        ref = "$" + c.address.rstrip("0123456789") + "$" + c.address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        painted = set()
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                if any(ref in f for f in rule.formula) and rule.dxf and rule.dxf.fill is not None:
                    painted |= cells_of(str(rng.sqref))
        assert set(c.cells) <= painted, f"{s.name}!{c.address}"


@pytest.mark.parametrize("form", FORM_KEYS)
def test_print_setup_panes_and_widths(blank, form):
    wb = blank[form]
    for s in layout(form).sheets:
        ws = wb[s.name]
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.orientation == ("landscape" if s.name in ("表三", "表四") else "portrait")
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert str(ws.print_area).replace("$", "") == f"'{s.name}'!{s.print_area}"
        assert ws.freeze_panes == s.freeze
        if s.freeze and s.freeze[1:] != "2":  # header rows repeat on every printed page
            assert ws.print_title_rows.replace("$", "") == f"1:{int(s.freeze.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')) - 1}"
        for col, width in s.widths.items():
            assert ws.column_dimensions[col].width == width


@pytest.mark.parametrize("form", FORM_KEYS)
def test_hidden_sheet_records_form_and_version(blank, form):
    ws = blank[form][META_SHEET]
    assert ws.sheet_state == "hidden"
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert rows["form"] == form and rows["template_version"] == TEMPLATE_VERSION


def test_cover_takes_year_and_agency_and_text_never_becomes_a_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    write_workbook(path, "2021", year=2023, agency="=HYPERLINK(\"http://x\")")
    ws = openpyxl.load_workbook(path)[COVER_SHEET]
    cover = layout("2021").sheet(COVER_SHEET)
    assert ws[cover.inputs["/year"]].value == 2023
    name = ws[cover.inputs["/agency/name"]]
    assert name.data_type == "s" and name.quotePrefix  # text with Excel's quote prefix
    assert name.value == "=HYPERLINK(\"http://x\")"  # kept exactly as given
    assert read(path).document["agency"]["name"] == "=HYPERLINK(\"http://x\")"


def test_control_characters_are_dropped_not_fatal(tmp_path, report):
    doc = report("anyang-2020")
    doc["agency"]["name"] = "某某\x00局\x1b"
    path = tmp_path / "c.xlsx"
    write_workbook(path, "2019", doc)
    name = openpyxl.load_workbook(path)[COVER_SHEET][layout("2019").sheet(COVER_SHEET).inputs["/agency/name"]]
    assert name.value == "某某局"


def test_filled_template_holds_the_report_numbers(tmp_path, report):
    doc = report("anyang-2020")
    path = tmp_path / "f.xlsx"
    write_workbook(path, "2019", doc)
    wb = openpyxl.load_workbook(path)
    for ptr, (sheet, a) in layout("2019").where.items():
        cell = layout("2019").model.by_pointer.get(ptr)
        if cell is None or ptr in layout("2019").sheet(sheet).computed:
            continue
        node = doc
        for k in cell.path:
            node = node[k]
        assert wb[sheet][a].value == node, f"{sheet}!{a}"


def test_writing_is_deterministic(tmp_path, report):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(a, "2019", report("anyang-2020"))
    write_workbook(b, "2019", report("anyang-2020"))
    assert a.read_bytes() == b.read_bytes()


def test_bad_requests_leave_existing_files_alone(tmp_path, report):
    target = tmp_path / "keep.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(TemplateError, match="表式"):
        write_workbook(target, "2018")
    doc = report("anyang-2020")
    with pytest.raises(TemplateError, match="不符"):
        write_workbook(target, "2021", doc)
    assert target.read_bytes() == b"old"
    with pytest.raises(OutputError):
        write_workbook(tmp_path / "missing" / "x.xlsx", "2021")
    src = tmp_path / "in.xlsx"
    write_workbook(src, "2021")
    with pytest.raises(OutputError, match="输入文件"):
        write_workbook(src, "2021", inputs=[src])
    assert list(tmp_path.glob(".*.part")) == []


# ---------------------------------------------------------------------------------------
# The committed templates are current


def _fingerprint(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    out: dict = {"names": {n: v.attr_text for n, v in wb.defined_names.items()}, "structure": wb.security.lockStructure}
    for ws in wb.worksheets:
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": {c.coordinate: (c.value, c.protection.locked, c.fill.fgColor.rgb, c.number_format,
                                     c.comment.text if c.comment else None)
                      for row in ws.iter_rows() for c in row if hasattr(c, "protection")},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.prompt, dv.error)
                                  for dv in ws.data_validations.dataValidation),
            "formatting": sorted((str(r.sqref), tuple(f for rule in r.rules for f in rule.formula))
                                 for r in ws.conditional_formatting),
            "protected": ws.protection.sheet,
            "freeze": ws.freeze_panes,
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "print": (ws.print_area, ws.print_title_rows, ws.page_setup.orientation),
        }
    return out


def _build_script():
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "scripts" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("form", FORM_KEYS)
def test_committed_templates_are_current(tmp_path, form):
    build = _build_script()
    committed = ROOT / "templates" / build.filename(form)
    assert committed.exists(), f"{committed} missing: run python scripts/build_templates.py"
    assert build.main(["--out", str(tmp_path)]) == 0
    fresh = tmp_path / build.filename(form)
    assert _fingerprint(committed) == _fingerprint(fresh), "run python scripts/build_templates.py"


# ---------------------------------------------------------------------------------------
# nianbao template


def test_cli_template(tmp_path):
    runner = CliRunner()
    out = tmp_path / "模板.xlsx"
    result = runner.invoke(main, ["template", "--year", "2020", "--agency", "某某局", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert dict(wb[META_SHEET].iter_rows(values_only=True))["form"] == "2019"  # the year's form
    assert wb[COVER_SHEET][layout("2019").sheet(COVER_SHEET).inputs["/agency/name"]].value == "某某局"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--form", "2021", "--year", "2020"], "2019 年表式"),
        (["--form", "2021", "-o", "x.pdf"], ".xlsx"),
        (["-o", "x.xlsx"], "--form"),
    ],
)
def test_cli_template_refuses_bad_usage(tmp_path, args, message):
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "x.xlsx")]
    result = CliRunner().invoke(main, ["template", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_fill_refuses_a_field_the_form_does_not_have(tmp_path, report):
    doc = report("anyang-2020")  # a 2019-form report ...
    doc["active"]["rules"] = {"issued": 1, "repealed": 0, "in_force": 5}  # ... with a 2021-form field
    src = tmp_path / "卫健局.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "卫健局.xlsx"
    result = CliRunner().invoke(main, ["fill", str(src), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "多余的项目「issued」" in result.stderr and "/active/rules/issued" in result.stderr
    assert not out.exists()


def test_template_and_fill_never_overwrite_a_file_by_accident(tmp_path, report):
    filled = tmp_path / "卫健局.xlsx"
    write_workbook(filled, "2019", report("anyang-2020"))
    before = filled.read_bytes()
    runner = CliRunner()
    result = runner.invoke(main, ["template", "--form", "2019", "-o", str(filled)])
    assert result.exit_code == 2 and "已存在" in result.output and "--force" in result.output
    src = tmp_path / "r.json"
    src.write_text(json.dumps(report("arongqi-2020"), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(main, ["fill", str(src), "-o", str(filled)])
    assert result.exit_code == 2 and "已存在" in result.output
    assert filled.read_bytes() == before
    result = runner.invoke(main, ["fill", str(src), "-o", str(filled), "--force"])
    assert result.exit_code == 0
    assert read(filled).document["agency"]["name"] == "阿荣旗医疗保障局"
