"""The templates in a real spreadsheet engine: LibreOffice headless recalculates the
formulas, saves other formats and prints to PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest
from test_workbook import without_provenance

from nianbao.core.cleaning import recompute
from nianbao.core.layout import layout
from nianbao.excel.template import FAIL, PASS, WARN
from nianbao.io.check import check_file
from nianbao.io.readers import read

pytestmark = pytest.mark.libreoffice

VIOLATED = {"2019": "anyang-2020", "2021": "shangzhi-2021"}


def _break_i1(doc: dict) -> None:
    """一 + 二 ≠ 三(七) + 四 in the 自然人 column, with row totals kept consistent (I3)."""
    doc["applications"]["new"]["natural"] += 3
    doc["applications"]["new"]["total"] += 3


@pytest.mark.parametrize("form", sorted(VIOLATED))
def test_recalculated_template_shows_the_failing_identity_and_right_totals(form, report, workbook_of, soffice):
    doc = report(VIOLATED[form])
    _break_i1(doc)
    if form == "2019":
        doc["active"]["fees"]["prev_items"] = 0
        doc["active"]["fees"]["change"] = -2  # W3: 上一年项目数量 + 本年增/减 < 0
    recalculated = soffice(workbook_of(doc), "xlsx")
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    lay = layout(form)
    m = lay.model
    marks = {}
    for s in lay.sheets:
        for c in s.checks:
            marks[(c.check.rule, c.check.context)] = wb[s.name][c.address].value
    assert marks[("I1", "表三 自然人列")] == FAIL
    assert marks[("I1", "表三 总计列")] == FAIL
    assert marks[("I1", "表三 商业企业列")] == PASS
    if form == "2019":
        assert marks[("W3", "表二 行政事业性收费")] == WARN
        assert marks[("W3", "表二 行政许可")] == PASS
    assert set(marks.values()) <= {PASS, FAIL, WARN}
    # totals cached by LibreOffice are the sums of their parts
    expected = recompute(m, m.values(doc))
    for index in m.derived:
        sheet, a = lay.where[m.cells[index].pointer]
        assert wb[sheet][a].value == expected[index], f"{sheet}!{a}"
    # read back: same report, no cache disagreement, the identity found at its cell
    assert without_provenance(read(recalculated).document) == without_provenance(doc)
    result = check_file(recalculated)
    assert "CACHE" not in {f.rule for f in result.findings}
    assert [f.where for f in result.findings if f.rule == "I1"][0] == "!".join(lay.where["/applications/new/natural"])


@pytest.mark.parametrize("form", sorted(VIOLATED))
def test_the_printed_template_carries_every_official_label(form, workbook_of, soffice, tmp_path):
    pdf = soffice(workbook_of(form=form), "pdf")
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    labels = [lb.text for s in layout(form).sheets for lb in s.labels]
    assert len(labels) > 80
    missing = [t for t in labels if re.sub(r"\s+", "", t) not in flat]
    assert missing == []
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    assert re.search(r"CJK|Song|Hei|WenQuanYi|Droid", fonts, re.I), fonts  # a CJK font was used


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_templates_saved_as_ods_or_xls_read_back(fmt, report, workbook_of, soffice):
    doc = report("anyang-2020")
    converted = soffice(workbook_of(doc), fmt)
    assert converted.suffix == f".{fmt}"
    copies = [converted]
    if fmt == "xls":  # WPS's .et: the same binary format under WPS's own suffix
        copies.append(converted.with_suffix(".et"))
        shutil.copy(converted, copies[-1])
    for path in copies:
        loaded = read(path)
        assert without_provenance(loaded.document) == without_provenance(doc), path.suffix
        assert loaded.locations["/applications/new/natural"] == ("表三", "D5")


def test_annotating_an_xls_still_prints_its_findings_then_says_how_to_save_an_xlsx(
        report, workbook_of, soffice, tmp_path):
    from click.testing import CliRunner

    from nianbao.cli import main

    doc = report("anyang-2020")
    _break_i1(doc)
    xls = soffice(workbook_of(doc), "xls")
    out = tmp_path / "标注.xlsx"
    r = CliRunner().invoke(main, ["validate", str(xls), "--annotate", str(out)])
    assert r.exit_code == 2
    assert "I1" in r.stdout and "表三" in r.stdout  # the findings, as without --annotate
    assert "只能在 .xlsx 工作簿上生成" in r.stderr and "另存为" in r.stderr
    assert not out.exists()


def test_a_formula_error_typed_into_an_input_is_reported_at_its_cell(report, workbook_of, soffice, tmp_path):
    doc = report("anyang-2020")
    path = workbook_of(doc)
    sheet, a = layout("2019").where["/active/penalty/decisions"]
    wb = openpyxl.load_workbook(path)
    wb[sheet][a] = "=1/0"
    other_sheet, other = layout("2019").where["/active/penalty/prev_items"]
    wb[other_sheet][other] = "=40+1"  # a formula with a result is read as that number
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    recalculated = soffice(edited, "xlsx")
    result = check_file(recalculated)
    errors = [f for f in result.findings if f.is_error]
    assert [(f.rule, f.where) for f in errors] == [("TYPE", f"{sheet}!{a}")]
    assert "#DIV/0!" in errors[0].message
    # a formula whose result was read is a warning at its cell (the error says enough)
    assert [(f.rule, f.where) for f in result.findings if not f.is_error] == [("FORMULA", f"{other_sheet}!{other}")]
    assert result.document["active"]["penalty"]["prev_items"] == 41


def test_a_filled_template_keeps_its_protection_through_libreoffice(report, workbook_of, soffice):
    recalculated = soffice(workbook_of(report("anyang-2020")), "xlsx")
    wb = openpyxl.load_workbook(recalculated)
    assert all(ws.protection.sheet for ws in wb.worksheets)
    sheet, a = layout("2019").where["/applications/new/natural"]
    assert wb[sheet][a].protection.locked is False
    assert wb[sheet]["A5"].protection.locked is not False



def _pixels(ppm: bytes) -> set[tuple[int, int, int]]:
    """The distinct colours of a binary PPM (P6) image, as pdftoppm writes it."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6" and parts[3] == b"255"
    data = parts[4]
    return {tuple(data[i:i + 3]) for i in range(0, len(data) - 2, 3)}


def test_failing_identity_paints_its_cells_red_in_libreoffice(report, workbook_of, soffice, tmp_path):
    """Conditional formatting, rendered: the I1 cells of a broken report print red, a clean
    report's do not."""
    from nianbao.excel.template import ERROR_FILL

    red = tuple(bytes.fromhex(ERROR_FILL.fgColor.rgb[-6:]))
    table3 = [s.name for s in layout("2019").sheets].index("表三") + 1  # its page: one per sheet

    def colours(doc: dict, name: str) -> set:
        pdf = soffice(workbook_of(doc, name=name), "pdf")
        out = tmp_path / f"{name}-page"
        subprocess.run(["pdftoppm", "-r", "40", "-f", str(table3), "-l", str(table3), str(pdf), str(out)],
                       check=True, timeout=60)
        (page,) = tmp_path.glob(f"{name}-page*.ppm")
        return _pixels(page.read_bytes())

    broken = report("anyang-2020")
    _break_i1(broken)
    assert red in colours(broken, "broken")
    assert red not in colours(report("anyang-2020"), "clean")


def test_the_annotated_copy_prints_its_signs_and_says_where_the_explanations_are(report, workbook_of, soffice,
                                                                                  tmp_path):
    """In grey print the marks are more than a hue: ✗ before the value of each cell an error
    points at, and the header of the first page says where the explanations are."""
    from nianbao.excel.annotate import PRINTED_NOTE, annotate

    doc = report("anyang-2020")
    _break_i1(doc)
    src = workbook_of(doc)
    result = check_file(src)
    out = tmp_path / "标注.xlsx"
    annotate(src, result.findings, out)
    pdf = soffice(out, "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert re.sub(r"\s+", "", PRINTED_NOTE) in re.sub(r"\s+", "", pages[0])
    table3 = next(p for p in pages if "三、收到和处理政府信息公开申请情况" in p)
    errors = [f for f in result.findings if f.is_error and f.sheet == "表三"]
    assert errors and len(re.findall(r"✗ ?\d", table3)) >= len(errors)  # the sign before the number
