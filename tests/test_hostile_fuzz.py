"""Hostile input found by fuzzing, and text from inputs that must never become a formula.

The fuzzer (``scripts/fuzz_reader.py``) mutates real workbooks and reports: every finding it
ever made is kept in ``tests/fixtures/hostile/`` and must now read cleanly; a bounded run here
must find nothing new. The cases are built by :mod:`hostile_cases`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hostile_cases as hc
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.cli import main
from nianbao.io.readers import ReadError


def nianbao(*args):  # noqa: ANN201 - a click Result
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def template() -> bytes:
    return hc.template_bytes()


# --- fuzzing --------------------------------------------------------------------------------------

def test_the_fuzzer_finds_nothing_in_a_bounded_run(tmp_path):
    out = tmp_path / "发现"
    proc = subprocess.run(
        [sys.executable, str(hc.FUZZ_SCRIPT), "--seconds", "20", "--seed", "20261123", "--timeout", "20",
         "--memory", "1536", "--out", str(out), "--corpus", str(hc.FIXTURES)],  # the .xls/.ods findings seed those too
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "发现 0 类问题" in proc.stdout
    runs = int(proc.stdout.split("运行 ")[1].split(" 例")[0])
    assert runs > 100
    assert not out.exists()


def test_every_committed_fuzz_finding_now_reads_cleanly():
    found = sorted(p for p in hc.FIXTURES.iterdir() if p.suffix != ".txt")
    assert found
    proc = subprocess.run(
        [sys.executable, str(hc.FUZZ_SCRIPT), "--replay", *map(str, found), "--timeout", "30"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    assert proc.stdout.count("：正常") == len(found)


def test_fuzz_findings_through_the_command_line_print_chinese_only(tmp_path):
    """Through a real process: python-calamine's panics print to file descriptor 2 from
    Rust; the user must see the Chinese message and nothing else."""
    found = sorted(p for p in hc.FIXTURES.iterdir() if p.suffix != ".txt")
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "validate", *map(str, found)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert proc.returncode == 2
    for p in found:
        assert f"{p}：无法读取" in proc.stdout
        assert f"READ {p.name}：" in proc.stdout
    assert "panicked" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr == ""


def test_read_turns_a_native_panic_into_a_chinese_read_error(tmp_path, monkeypatch):
    import nianbao.io.readers as readers

    class PanicException(BaseException):  # as pyo3 raises it: not an Exception
        pass

    def panicking(p, container=None):
        raise PanicException("range start index 18446744073709543466 out of range")

    path = tmp_path / "x.json"
    path.write_text("{}", encoding="utf-8")
    monkeypatch.setitem(readers.READERS, ".json", panicking)
    with pytest.raises(ReadError, match=r"x.json：文件无法解析（PanicException）.*请") as caught:
        readers.read(path)
    assert isinstance(caught.value.__cause__, PanicException)

    def interrupted(p, container=None):
        raise KeyboardInterrupt

    monkeypatch.setitem(readers.READERS, ".json", interrupted)
    with pytest.raises(KeyboardInterrupt):
        readers.read(path)


def test_the_fuzzer_reports_a_reader_that_raises_something_else(tmp_path, monkeypatch):
    fuzz = hc.fuzz_script()
    import nianbao.io.readers as readers

    path = tmp_path / "x.json"
    path.write_text("{}", encoding="utf-8")
    assert fuzz.run_target(str(path)) is None

    def broken(p, container=None):
        raise KeyError("boom")

    monkeypatch.setitem(readers.READERS, ".json", broken)
    why = fuzz.run_target(str(path))  # read() gives a ReadError, but the fuzzer still sees the bug
    assert why and "KeyError" in why and "safety net" in why


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1), mutator=st.sampled_from(sorted(hc.fuzz_script().MUTATORS)))
def test_mutated_templates_give_a_result_or_a_chinese_read_error(template, tmp_path, seed, mutator):
    import random

    from nianbao.io.check import check_file
    from nianbao.io.readers import read

    data = hc.mutated(template, mutator, random.Random(seed))
    path = tmp_path / f"m{seed}.xlsx"
    path.write_bytes(data)
    try:
        read(path)
    except ReadError as e:
        assert str(e).startswith(path.name)
        assert "：" in str(e)
    result = check_file(path)
    assert result.unreadable or result.document is not None
    path.unlink()


# --- text from inputs never becomes a formula in an output ----------------------------------------

INJECTED = {
    "name": '=HYPERLINK("http://example.invalid/","点我")',
    "contact": "@SUM(1+1)",
    "phone": "+1-2",
}


def _formula_cells(path: Path) -> list[str]:
    """Cells of a written workbook that Excel would evaluate and that carry injected text."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" and any(s.lstrip("=+@-") in str(c.value) for s in INJECTED.values()):
                    bad.append(f"{ws.title}!{c.coordinate}")
    return bad


def test_text_from_inputs_never_becomes_a_formula_in_any_output(tmp_path):
    import csv
    import json

    doc = hc.seed_document()
    doc["agency"].update(INJECTED)
    report = tmp_path / "报告.json"
    report.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    filled = tmp_path / "报告.xlsx"
    assert nianbao("fill", report, "-o", filled).exit_code == 0
    annotated = tmp_path / "标注.xlsx"
    assert nianbao("validate", filled, "--annotate", annotated).exit_code in (0, 1)
    total, table = tmp_path / "汇总.xlsx", tmp_path / "汇总.csv"
    result = nianbao("consolidate", filled, "-o", total, "--csv", table, "-q", "-j", "1")
    assert result.exit_code in (0, 1), result.output
    for book in (filled, annotated, total):
        assert _formula_cells(book) == [], book.name
    with open(table, encoding="utf-8-sig", newline="") as f:
        fields = [v for row in csv.reader(f) for v in row]
    assert any("HYPERLINK" in v for v in fields)
    assert not [v for v in fields if v.startswith(("=", "+", "@")) or (v.startswith("-") and not _number(v))]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_sheet_stored_under_a_non_xml_name_is_refused_before_parsing(tmp_path):
    """A worksheet part named sheet1.dat escapes every check that looks at XML parts by name,
    and a far cell in it makes python-calamine abort the process: refused up front."""
    out = []
    for name, data in hc.entries_of(hc.plain_workbook_bytes()):
        if name == "xl/worksheets/sheet1.xml":
            name = "xl/worksheets/sheet1.dat"
            data = data.replace(
                b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>', 1
            )
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
        out.append((name, data))
    path = tmp_path / "改名的工作表.xlsx"
    path.write_bytes(hc.rezip(out))
    result = nianbao("validate", path)
    assert result.exit_code == 2
    assert "改名的工作表.xlsx：工作簿结构异常" in result.output and "sheet1.dat" in result.output
