"""``annotate`` and ``nianbao validate --annotate``: openpyxl round trips, no LibreOffice."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from xlwings_standin import clean_report, faulty_report

from nianbao.cli import main
from nianbao.excel.annotate import AnnotateError, annotate, unmark
from nianbao.excel.marks import FILLS, LIGHT_FILLS, MARKER, REGISTRY_SHEET, RESULT_HEADER, RESULT_SHEET
from nianbao.excel.template import INPUT_FILL, write_workbook
from nianbao.io.check import check_file


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_of(ws, cell: str) -> str:
    f = ws[cell].fill
    return str(f.fgColor.rgb)[-6:].upper() if f.patternType == "solid" else ""


@pytest.fixture
def faulty(tmp_path):
    path = tmp_path / "报告.xlsx"
    write_workbook(path, "2021", faulty_report())
    return path


def result_rows(ws):
    """(rule, link text, link target) of every finding row of 校验结果."""
    rows = list(ws.iter_rows(min_row=4))
    return [(r[2].value, r[4].value, r[4].hyperlink.location if r[4].hyperlink else None) for r in rows]


def test_marked_copy_and_untouched_input(faulty, tmp_path):
    before = digest(faulty)
    result = check_file(faulty)
    assert result.tally.errors == 2 and result.tally.warnings == 1
    out = tmp_path / "标注.xlsx"
    p = annotate(faulty, result.findings, out)
    assert digest(faulty) == before

    wb = load_workbook(out)
    # fills by severity, at the findings' own cells
    for f in result.findings:
        ws = wb[f.sheet]
        assert fill_of(ws, f.cell) == FILLS[f.severity]
        note = ws[f.cell].comment.text
        assert note.startswith(MARKER) and f.message in note and f.rule in note
    i1 = next(f for f in result.findings if f.rule == "I1")
    for ref in i1.cells:
        sheet, cell = ref.split("!")
        assert fill_of(wb[sheet], cell) in (FILLS["error"], LIGHT_FILLS["error"])
    # one row per finding, each a hyperlink to its sheet!cell
    ws = wb[RESULT_SHEET]
    assert ws["A1"].value == f"{RESULT_SHEET}：发现 2 个错误、1 个警告"
    assert [c.value for c in ws[3]] == list(RESULT_HEADER)
    assert ws["A1"].font.b and all(c.font.b for c in ws[3]) and not ws["A4"].font.b
    assert ws.freeze_panes == "A4"  # the header stays in view
    rows = result_rows(ws)
    assert len(rows) == len(result.findings) == len(p.rows)
    assert sorted((rule, text) for rule, text, _ in rows) == sorted((f.rule, f.where) for f in result.findings)
    for _, text, target in rows:
        sheet, cell = text.split("!")
        assert target == f"'{sheet}'!{cell}"
        assert sheet in wb.sheetnames
    # the registry is hidden; the first error is selected
    assert wb[REGISTRY_SHEET].sheet_state == "hidden"
    assert wb.active.title == p.first[0]
    view = wb.active.sheet_view
    (selected,) = [sel for sel in view.selection if sel.pane == view.pane.activePane]  # frozen panes
    assert selected.activeCell == selected.sqref == p.first[1]


def test_protection_is_kept_in_the_copy(faulty, tmp_path):
    out = tmp_path / "标注.xlsx"
    annotate(faulty, check_file(faulty).findings, out)
    src, dst = load_workbook(faulty), load_workbook(out)
    assert dst.security.lockStructure == src.security.lockStructure is True
    for name in src.sheetnames:
        assert dst[name].protection.sheet == src[name].protection.sheet
        assert dst[name].protection.formatCells == src[name].protection.formatCells


def test_annotating_again_does_not_pile_up(faulty, tmp_path):
    once, twice = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    findings = check_file(faulty).findings
    annotate(faulty, findings, once)
    again = check_file(once)
    assert again.findings == findings  # the marked copy reads and validates as the original
    annotate(once, again.findings, twice)
    a, b = load_workbook(once), load_workbook(twice)
    assert b.sheetnames.count(RESULT_SHEET) == 1 and b.sheetnames.count(REGISTRY_SHEET) == 1
    assert b.sheetnames == a.sheetnames
    for name in a.sheetnames:
        if name in (RESULT_SHEET, REGISTRY_SHEET):
            continue
        for row_a, row_b in zip(a[name].iter_rows(), b[name].iter_rows(), strict=True):
            for ca, cb in zip(row_a, row_b, strict=True):
                assert fill_of(a[name], ca.coordinate) == fill_of(b[name], cb.coordinate)
                ta = ca.comment.text if ca.comment else None
                tb = cb.comment.text if cb.comment else None
                assert ta == tb
                if tb:
                    assert tb.count(MARKER) == 1
    assert [list(r) for r in a[RESULT_SHEET].values] == [list(r) for r in b[RESULT_SHEET].values]
    assert [list(r) for r in a[REGISTRY_SHEET].values] == [list(r) for r in b[REGISTRY_SHEET].values]


def test_fixed_findings_lose_their_marks(faulty, tmp_path):
    marked = tmp_path / "marked.xlsx"
    annotate(faulty, check_file(faulty).findings, marked)
    w1 = next(f for f in check_file(faulty).findings if f.rule == "W1")
    out = tmp_path / "out.xlsx"
    annotate(marked, [f for f in check_file(faulty).findings if f.rule != "W1"], out)
    ws = load_workbook(out)[w1.sheet]
    assert fill_of(ws, w1.cell) == INPUT_FILL.fgColor.rgb[-6:].upper()
    assert ws[w1.cell].comment is None


def test_marks_read_in_grey_print_and_say_where_the_explanations_are(faulty, tmp_path):
    """Not by hue alone: the cell a finding points at has a thick border and ✗ (error) or ⚠
    (warning) before its value; the cells it involves a dashed border; the printed header of
    the first sheet and each marked sheet says where the explanations are. Clearing restores
    the number format, border and header."""
    from nianbao.excel.annotate import PRINTED_NOTE

    template = load_workbook(faulty)
    result = check_file(faulty)
    out = tmp_path / "标注.xlsx"
    annotate(faulty, result.findings, out)
    wb = load_workbook(out)
    signs = {"error": "✗", "warning": "⚠"}
    for f in result.findings:
        cell = wb[f.sheet][f.cell]
        assert cell.border.left.style == cell.border.bottom.style == "thick"
        assert cell.number_format.startswith(f'"{signs[f.severity]} "')
    i1 = next(f for f in result.findings if f.rule == "I1")
    involved = [ref.split("!") for ref in i1.cells if ref != i1.where and ref not in {f.where for f in result.findings}]
    assert involved and all(wb[s][c].border.top.style == "mediumDashed" for s, c in involved)
    marked = {f.sheet for f in result.findings}
    for ws in wb.worksheets:
        printed = ws.oddHeader.center.text
        assert (printed == PRINTED_NOTE) == (ws is wb.worksheets[0] or ws.title in marked), ws.title
    assert check_file(out).findings == result.findings  # the values read as before

    restored = tmp_path / "restored.xlsx"
    unmark(out, restored)
    again = load_workbook(restored)
    for f in result.findings:
        before, after = template[f.sheet][f.cell], again[f.sheet][f.cell]
        assert after.number_format == before.number_format
        for side in ("left", "right", "top", "bottom"):
            was, now = getattr(before.border, side), getattr(after.border, side)
            assert (now.style, now.color and now.color.rgb) == (was.style, was.color and was.color.rgb)
    assert not any(ws.oddHeader.center.text for ws in again.worksheets)


def test_clerks_formatting_is_never_touched(tmp_path):
    src = tmp_path / "in.xlsx"
    write_workbook(src, "2021", faulty_report())
    finding = next(f for f in check_file(src).findings if f.rule == "I1")
    wb = load_workbook(src)
    ws = wb[finding.sheet]
    ws[finding.cell].comment = Comment("已与办公室核对", "张三")
    ws["D7"].fill = PatternFill("solid", fgColor="FF00B050")  # the clerk's own green
    wb.save(src)

    marked = tmp_path / "marked.xlsx"
    annotate(src, check_file(src).findings, marked)
    ws = load_workbook(marked)[finding.sheet]
    assert fill_of(ws, "D7") == "00B050"
    assert ws[finding.cell].comment.text.startswith(MARKER)

    restored = tmp_path / "restored.xlsx"
    assert unmark(marked, restored) > 0
    wb = load_workbook(restored)
    ws = wb[finding.sheet]
    assert ws[finding.cell].comment.text == "已与办公室核对"
    assert fill_of(ws, finding.cell) == INPUT_FILL.fgColor.rgb[-6:].upper()
    assert fill_of(ws, "D7") == "00B050"
    assert RESULT_SHEET not in wb.sheetnames and REGISTRY_SHEET not in wb.sheetnames


def test_clean_workbook_gets_a_passing_result_sheet(tmp_path):
    src = tmp_path / "ok.xlsx"
    write_workbook(src, "2021", clean_report())
    result = check_file(src)
    assert result.findings == ()
    p = annotate(src, result.findings, tmp_path / "out.xlsx")
    wb = load_workbook(tmp_path / "out.xlsx")
    assert wb[RESULT_SHEET]["A1"].value == f"{RESULT_SHEET}：校验通过"
    assert REGISTRY_SHEET not in wb.sheetnames
    assert p.marks == ()


def test_refuses_overwriting_the_input_and_other_formats(faulty, tmp_path):
    from nianbao.io.atomic import OutputError

    with pytest.raises(OutputError):
        annotate(faulty, (), faulty)
    with pytest.raises(AnnotateError):
        annotate(faulty, (), tmp_path / "out.json")
    js = tmp_path / "r.json"
    js.write_text("{}", encoding="utf-8")
    with pytest.raises(AnnotateError):
        annotate(js, (), tmp_path / "out.xlsx")


# --- the CLI ---------------------------------------------------------------------------


def test_cli_annotate(faulty, tmp_path):
    out = tmp_path / "标注.xlsx"
    before = digest(faulty)
    r = CliRunner().invoke(main, ["validate", str(faulty), "--annotate", str(out)])
    assert r.exit_code == 1, r.output
    assert out.exists() and digest(faulty) == before
    assert "标注副本" in r.output
    wb = load_workbook(out)
    assert len(result_rows(wb[RESULT_SHEET])) == 3


def test_cli_annotate_json_output_stays_clean(faulty, tmp_path):
    import json

    out = tmp_path / "标注.xlsx"
    r = CliRunner().invoke(main, ["validate", str(faulty), "-f", "json", "-a", str(out)])
    assert r.exit_code == 1
    assert json.loads(r.stdout)["summary"]["errors"] == 2
    assert out.exists()


@pytest.mark.parametrize(
    "args",
    [
        lambda d: [str(d / "a.xlsx"), str(d / "b.xlsx"), "-a", str(d / "o.xlsx")],  # two inputs
        lambda d: [str(d / "r.json"), "-a", str(d / "o.xlsx")],  # not a workbook
        lambda d: [str(d / "a.xlsx"), "-a", str(d / "o.json")],  # not an .xlsx copy
        lambda d: [str(d / "a.xlsx"), "-a", str(d / "a.xlsx")],  # the input itself
    ],
)
def test_cli_annotate_refusals(tmp_path, args):
    write_workbook(tmp_path / "a.xlsx", "2021", faulty_report())
    write_workbook(tmp_path / "b.xlsx", "2021", faulty_report())
    (tmp_path / "r.json").write_text("{}", encoding="utf-8")
    before = digest(tmp_path / "a.xlsx")
    r = CliRunner().invoke(main, ["validate", *args(tmp_path)])
    assert r.exit_code == 2
    assert "无法标注" in r.stderr
    assert not (tmp_path / "o.xlsx").exists() and not (tmp_path / "o.json").exists()
    assert digest(tmp_path / "a.xlsx") == before


def test_cli_annotate_of_a_json_report_prints_its_findings_then_explains(tmp_path):
    import json

    from nianbao.core.report import new_report

    doc = new_report("2021")
    doc["applications"]["new"]["natural"] = 3  # 总计 left 0: I3
    src = tmp_path / "r.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(src), "-a", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 2
    assert "错误" in r.stdout
    assert "只能在 .xlsx 工作簿上生成" in r.stderr and "nianbao fill" in r.stderr
    assert not (tmp_path / "o.xlsx").exists()


def test_hostile_file_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (4 * 1024 * 1024))  # 1000:1
    with pytest.raises(AnnotateError, match="压缩"):
        annotate(bomb, (), tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_clerks_own_result_sheet_is_refused(faulty, tmp_path):
    wb = load_workbook(faulty)
    wb.create_sheet(RESULT_SHEET)["A1"] = "我的笔记"
    wb.save(faulty)
    out = tmp_path / "out.xlsx"
    with pytest.raises(AnnotateError, match="改名"):
        annotate(faulty, check_file(faulty).findings, out)
    assert not out.exists()


def test_clear_command_restores_a_marked_copy_and_leaves_it_alone(tmp_path):
    from click.testing import CliRunner

    from nianbao.cli import main

    src = tmp_path / "in.xlsx"
    write_workbook(src, "2021", faulty_report())
    marked = tmp_path / "marked.xlsx"
    annotate(src, check_file(src).findings, marked)
    before = marked.read_bytes()
    restored = tmp_path / "restored.xlsx"
    run = CliRunner().invoke(main, ["clear", str(marked), "-o", str(restored)])
    assert run.exit_code == 0, run.output
    assert "已清除" in run.output
    assert marked.read_bytes() == before
    assert RESULT_SHEET not in load_workbook(restored).sheetnames
    assert not [f for f in check_file(restored).findings if f.rule == "LAYOUT"]

    bad = CliRunner().invoke(main, ["clear", str(marked), "-o", str(tmp_path / "x.json")])
    assert bad.exit_code == 2 and "应为 .xlsx 工作簿" in bad.output
