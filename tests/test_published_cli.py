"""``nianbao import``, and ``validate``/``consolidate`` taking published reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from publications import to_html

from nianbao.cli import main
from nianbao.io.readers import read

PUBLISHED = Path(__file__).parent / "fixtures" / "published"
ANYANG, ZHANGDIAN, ARONGQI = (PUBLISHED / f"{n}-2020.txt" for n in ("anyang", "zhangdian", "arongqi"))
TABLES = ("form", "year", "active", "applications", "appeals")


def invoke(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def test_import_writes_the_interchange_json_with_locations(tmp_path):
    out = tmp_path / "anyang.json"
    result = invoke("import", ANYANG, "-o", out)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["agency"]["name"] == "安阳市卫生健康委员会" and doc["form"] == "2019" and doc["year"] == 2020
    assert doc["active"]["procurement"] == {"items": 36, "amount": 117186}
    assert doc["meta"]["source_file"] == ANYANG.name
    assert doc["meta"]["source_locations"]["/active/procurement/amount"].startswith("正文 第 ")
    assert "已导入" in result.output and "校验通过" in result.output


def test_import_of_a_report_with_errors_still_writes_it_and_says_so(tmp_path):
    out = tmp_path / "zhangdian.json"
    result = invoke("import", ZHANGDIAN, "-o", out)
    assert result.exit_code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["applications"]["new"]["total"] is None and doc["applications"]["new"]["other"] == 0
    assert "POSITION" not in result.output  # Chinese words only
    assert "各数字按其所在列标题的位置读取" in result.output and "正文!第 95 行" in result.output


def test_import_into_a_filled_template_reads_back_the_same(tmp_path):
    out = tmp_path / "arongqi.xlsx"
    result = invoke("import", ARONGQI, "-o", out, "--agency", "阿荣旗医保局")
    assert result.exit_code == 0, result.output
    back = read(out).document
    want = read(ARONGQI).document
    for k in TABLES:
        assert back[k] == want[k]
    assert back["agency"]["name"] == "阿荣旗医保局"


def test_import_of_several_reports_into_a_folder_and_overrides(tmp_path):
    out = tmp_path / "导入结果"
    result = invoke("import", ANYANG, ARONGQI, "-o", out, "--year", "2020")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["anyang-2020.json", "arongqi-2020.json"]
    again = invoke("import", ANYANG, ARONGQI, "-o", out)
    assert again.exit_code == 2 and "已存在" in again.output
    assert invoke("import", ANYANG, ARONGQI, "-o", out, "--force").exit_code == 0


def test_import_refuses_a_wrong_output_and_an_unreadable_source(tmp_path):
    bad = invoke("import", ANYANG, "-o", tmp_path / "x.csv")
    assert bad.exit_code == 2 and ".json 或 .xlsx" in bad.output
    scan = tmp_path / "扫描.pdf"
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(str(scan))
    result = invoke("import", scan, "-o", tmp_path / "x.json")
    assert result.exit_code == 2 and "扫描件" in result.output and "扫描.pdf" in result.output
    assert not (tmp_path / "x.json").exists()


def test_validate_a_web_page_prints_findings_with_their_place_in_the_page(tmp_path, report):
    doc = report("shangzhi-2021")
    doc["agency"] = {"name": doc["agency"]["name"]}
    doc["applications"]["new"]["natural"] += 1  # I1 and I3 break
    page = tmp_path / "尚志2021.html"
    page.write_bytes(to_html(doc))
    result = invoke("validate", page)
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if " I3 " in ln)
    assert "表格 3!第 " in line and "列" in line


def test_consolidate_takes_a_folder_of_published_reports(tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    for src in (ANYANG, ARONGQI):
        (folder / src.name).write_bytes(src.read_bytes())
    out = tmp_path / "汇总.json"
    result = invoke("consolidate", folder, "-o", out, "-j", "1", "-q")
    assert result.exit_code == 0, result.output
    total = json.loads(out.read_text(encoding="utf-8"))
    a, b = read(ANYANG).document, read(ARONGQI).document
    assert (
        total["active"]["other_services"]["prev_items"]
        == a["active"]["other_services"]["prev_items"] + b["active"]["other_services"]["prev_items"]
    )


def loaded_after(*args: str, modules: tuple[str, ...]) -> list[str]:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from nianbao.cli import main\n"
        f"CliRunner().invoke(main, {list(args)!r})\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.replace("'", '"'))


def test_the_help_and_a_text_validation_import_no_parser_they_do_not_need(tmp_path, report):
    parsers = ("selectolax", "pypdfium2", "docx", "pdfplumber")
    assert loaded_after("--help", modules=parsers) == []
    heavy = ("pandas", "numpy", "xlwings", "openpyxl", "lxml", *parsers)
    assert loaded_after("validate", str(ANYANG), modules=heavy) == []
    page = tmp_path / "r.html"
    page.write_bytes(to_html(report("shangzhi-2021")))
    assert loaded_after("validate", str(page), modules=("pypdfium2", "docx", "lxml", "selectolax")) == ["selectolax"]
