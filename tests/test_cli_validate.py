"""`nianbao validate` on interchange JSON: what a person and a program see."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from nianbao.cli import main

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
ANYANG = SEEDS / "anyang-2020.json"
ZHANGDIAN = SEEDS / "zhangdian-2020.json"
ARONGQI = SEEDS / "arongqi-2020.json"


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *map(str, args)])


def broken(tmp_path: Path) -> Path:
    doc = json.loads(ANYANG.read_text(encoding="utf-8"))
    doc["applications"]["carried_over"]["natural"] = 1
    doc["applications"]["carried_over"]["total"] = 1
    doc["active"]["fees"]["change"] = -2
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_clean_report_passes_with_status_0():
    result = run(ANYANG)
    assert result.exit_code == 0
    assert result.output == f"{ANYANG}：校验通过\n"


def test_errors_are_listed_in_chinese_with_a_tally_and_status_1(tmp_path):
    result = run(broken(tmp_path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith("：发现 2 个错误、1 个警告")
    assert "  [错误] I1 表三 自然人列：一(2)+二(1)=3，三(七)总计(2)+四(0)=2，相差1" in lines
    assert any(line.startswith("  [警告] W3 表二 行政事业性收费") for line in lines)
    assert lines[-1] == "共 1 个文件：1 个有错误；错误 2 个，警告 1 个"


def test_warnings_alone_exit_0(tmp_path):
    doc = json.loads(ANYANG.read_text(encoding="utf-8"))
    doc["active"]["fees"]["change"] = -2
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run(path)
    assert result.exit_code == 0
    assert "1 个有警告" in result.output


def test_blank_table_3_of_zhangdian_is_reported_as_blank_not_zero():
    result = run(ZHANGDIAN, "--format", "json")
    assert result.exit_code == 1
    (file,) = json.loads(result.output)["files"]
    rules = {f["rule"] for f in file["findings"]}
    assert rules == {"BLANK"}
    # 7 columns x 23 rows of table 3, less the one stray 0 the agency did publish: every
    # blank cell is said, once — a row left entirely blank as one finding, a total whose
    # parts are blank not again
    from nianbao.core.model import model

    m = model("2019")
    blank = [c for c in m.cells if m.values(json.loads(ZHANGDIAN.read_text(encoding="utf-8")))[c.index] is None]
    assert len(blank) == 7 * 23 - 1
    totals = {c.pointer for c in blank if c.index in m.derived}
    said = {p for f in file["findings"] for p in f["pointers"]}
    assert said - totals == {c.pointer for c in blank} - totals
    cells = [f for f in file["findings"] if not f["message"].endswith("整行未填写")]
    assert not totals & {f["pointer"] for f in cells}
    rows = [f for f in file["findings"] if f["message"].endswith("整行未填写")]
    assert len(rows) == 21 and file["errors"] == 27  # 21 rows, and 6 cells of the row with the stray 0
    assert all(f["message"].endswith("未填写") for f in file["findings"])
    assert all(f["pointer"].startswith("/applications/") for f in file["findings"])


def test_json_output_lists_findings_per_file(tmp_path):
    result = run(ANYANG, broken(tmp_path), "--format", "json")
    doc = json.loads(result.output)
    assert [f["status"] for f in doc["files"]] == ["通过", "有错误"]
    i1 = doc["files"][1]["findings"][0]
    assert i1["rule"] == "I1" and i1["severity"] == "error" and i1["difference"] == 1
    assert i1["pointer"] == "/applications/new/natural"
    assert doc["summary"] == {"files": 2, "unreadable": 0, "with_errors": 1, "errors": 2, "warnings": 1}


def test_previous_year_enables_cross_year_checks(tmp_path):
    prev = json.loads(ANYANG.read_text(encoding="utf-8"))
    prev["year"] = 2019
    prev["applications"]["carried_forward"]["natural"] = 5
    path = tmp_path / "2019.json"
    path.write_text(json.dumps(prev), encoding="utf-8")
    result = run(ANYANG, "--previous", path)
    assert result.exit_code == 1
    assert "X1 表三 自然人列：二(0)，上年报告的四(5)，相差5" in result.output


def test_unreadable_input_exits_2_and_the_rest_are_still_checked(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"form": "2019", "year": 2020,', encoding="utf-8")
    result = run(bad, ANYANG, tmp_path / "missing.json")
    assert result.exit_code == 2
    assert "bad.json：JSON 格式错误：第 1 行第 31 列，属性名应使用双引号" in result.output
    assert "missing.json：文件不存在" in result.output
    assert f"{ANYANG}：校验通过" in result.output


def test_an_office_lock_file_is_named_as_the_lock_file_of_its_workbook(tmp_path):
    # what Excel leaves beside 报告.xlsx while it has it open: 165 bytes, the user's name twice
    lock = tmp_path / "~$报告.xlsx"
    name = b"clerk"
    lock.write_bytes(bytes([len(name)]) + name.ljust(53, b" ") + bytes([len(name), 0]) + "clerk".encode("utf-16-le")
                     + b"\x20\x00" * 50)
    result = run(lock)
    assert result.exit_code == 2
    assert "锁定文件" in result.output and "「报告.xlsx」" in result.output
    assert "损坏" not in result.output.replace("没有损坏", "")


def test_misuse_exits_2_with_a_chinese_message():
    result = run()
    assert result.exit_code == 2
    assert "缺少参数" in result.output
    result = CliRunner().invoke(main, ["validate", "--format", "xml", str(ANYANG)])
    assert result.exit_code == 2
    assert "值无效" in result.output


def test_unsupported_file_type(tmp_path):
    doc = tmp_path / "report.pages"
    doc.write_bytes(b"PK\x03\x04")
    result = run(doc)
    assert result.exit_code == 2
    assert "不支持的文件类型「.pages」" in result.output


def test_the_console_command_never_prints_a_traceback(tmp_path):
    weird = tmp_path / "weird.json"
    weird.write_text("[" * 100000, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "nianbao", "validate", str(weird), str(ARONGQI)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "weird.json：JSON 嵌套层次过深" in proc.stdout


def test_every_command_is_listed_and_loads_when_used():
    """Commands are imported only when used (a run of one does not pay for the others'
    imports); each listed name still gives its command, and the help lists them all."""
    names = main.list_commands(None)
    assert set(names) == {
        "validate", "template", "export", "fill", "import", "clear", "addin", "consolidate", "publish",
        "serve", "users", "backup",
    }
    for name in names:
        assert main.get_command(None, name).name == name
    assert main.get_command(None, "不存在") is None
    out = CliRunner().invoke(main, ["--help"]).output
    assert all(name in out for name in names)
