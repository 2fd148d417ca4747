"""``nianbao publish``: a filled template, a JSON report or a summary workbook in, the annual
report's document out; a report with errors refused unless --force."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from published_tables import html_tables, same_number, table_values

from nianbao.cli import main
from nianbao.core.forms import REPORT_TITLE
from nianbao.publish.compose import UNVALIDATED


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _json(tmp_path: Path, doc: dict, name: str = "report.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md"])
def test_a_valid_report_is_published_in_the_format_its_name_asks_for(suffix, report, tmp_path):
    src = _json(tmp_path, report("shangzhi-2021"))
    out = tmp_path / f"年度报告{suffix}"
    result = run("publish", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"已生成：{out}" in result.output
    if suffix == ".docx":
        assert out.read_bytes()[:4] == b"PK\x03\x04"
    else:
        assert f"尚志市卫生健康局2021年{REPORT_TITLE}" in out.read_text("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_report_with_errors_is_refused_with_its_findings_as_validate_prints_them(report, tmp_path):
    doc = report("shangzhi-2021")
    doc["applications"]["new"]["natural"] += 3
    src = _json(tmp_path, doc)
    before = _digest(src)
    out = tmp_path / "r.docx"
    result = run("publish", str(src), "-o", str(out))
    assert result.exit_code == 1
    validated = run("validate", str(src))
    assert validated.exit_code == 1
    for line in validated.output.splitlines():
        assert line in result.output  # the same findings, the same words
    assert "[错误] I1" in result.output and "--force" in result.output
    assert not out.exists()
    assert _digest(src) == before


def test_force_publishes_a_report_with_errors_and_says_so_first(report, tmp_path):
    doc = report("shangzhi-2021")
    doc["applications"]["new"]["natural"] += 3
    src = _json(tmp_path, doc)
    out = tmp_path / "r.html"
    result = run("publish", str(src), "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert "未通过校验" in result.output
    page = out.read_text("utf-8")
    assert page.index(UNVALIDATED) < page.index("一、总体情况")


def test_a_filled_template_is_published_with_its_numbers(report, workbook_of, tmp_path):
    doc = report("anyang-2020")
    xlsx = workbook_of(doc)
    before = _digest(xlsx)
    out = tmp_path / "r.html"
    result = run("publish", str(xlsx), "-o", str(out))
    assert result.exit_code == 0, result.output
    found = table_values("2019", html_tables(out))
    assert same_number(found["/active/procurement/amount"], doc["active"]["procurement"]["amount"])
    assert same_number(found["/applications/outcomes/total/total"], doc["applications"]["outcomes"]["total"]["total"])
    assert _digest(xlsx) == before


def test_a_summary_workbook_is_published_as_its_levels_report(report, workbook_of, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    docs = []
    for n, name in enumerate(["尚志市卫生健康局", "尚志市民政局", "尚志市教育局"]):
        doc = report("shangzhi-2021")
        doc["agency"] = {"name": name}
        doc["applications"]["new"]["natural"] += n
        doc["applications"]["new"]["total"] += n
        doc["applications"]["carried_forward"]["natural"] += n
        doc["applications"]["carried_forward"]["total"] += n
        docs.append(doc)
        workbook_of(doc, name=f"reports/{n}.xlsx")
    summary = tmp_path / "汇总.xlsx"
    made = run("consolidate", str(folder), "-o", str(summary), "--name", "尚志市")
    assert made.exit_code == 0, made.output
    out = tmp_path / "尚志市.html"
    result = run("publish", str(summary), "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert f"尚志市2021年{REPORT_TITLE}" in page
    assert "本报告为尚志市的汇总报告，汇总了 3 个单位的报告。" in page
    found = table_values("2021", html_tables(out))
    assert found["/applications/new/total"] == str(sum(d["applications"]["new"]["total"] for d in docs))


def test_an_existing_document_is_kept_unless_overwrite(report, tmp_path):
    src = _json(tmp_path, report("shangzhi-2021"))
    out = tmp_path / "r.md"
    out.write_text("本机关已写好的文字", encoding="utf-8")
    result = run("publish", str(src), "-o", str(out))
    assert result.exit_code == 2 and "已存在" in result.output and "--overwrite" in result.output
    assert out.read_text("utf-8") == "本机关已写好的文字"
    assert run("publish", str(src), "-o", str(out), "--overwrite").exit_code == 0
    assert out.read_text("utf-8").startswith("# 尚志市卫生健康局")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json", "-o", "r.docx"], "文件不存在"),
        (["report.json", "-o", "r.pdf"], "不支持的输出格式「.pdf」"),
        (["published.html", "-o", "published.html"], "就是输入文件"),
        (["report.json", "-o", "no-such-folder/r.docx"], "不存在"),
    ],
)
def test_bad_usage_is_refused_in_chinese_with_status_2(args, message, report, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _json(tmp_path, report("shangzhi-2021"))
    (tmp_path / "published.html").write_text("<p>某局2021年政府信息公开工作年度报告</p>", encoding="utf-8")
    before = {p.name: _digest(p) for p in tmp_path.iterdir()}
    result = run("publish", *args)
    assert {p.name: _digest(p) for p in tmp_path.iterdir()} == before
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_report_of_unknown_form_is_refused_in_chinese(tmp_path):
    src = _json(tmp_path, {"form": "2018", "year": 2018, "agency": {"name": "某局"}})
    result = run("publish", str(src), "-o", str(tmp_path / "r.docx"), "--force")
    assert result.exit_code == 2
    assert "无法识别报告的表式" in result.output
    assert not (tmp_path / "r.docx").exists()
