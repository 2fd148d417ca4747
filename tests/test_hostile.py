"""Hostile and broken workbooks: clear Chinese errors, nothing crashes, nothing is lost.

Every case is built at test time by :mod:`hostile_cases`. For each, the container check
(and through it every reader and command) refuses the file with a message naming the file
and the problem, reads nothing without bound, and leaves the file as it was.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import hostile_cases as hc
import pytest
from click.testing import CliRunner

from nianbao.cli import main
from nianbao.io.container import zipcheck, zipentries
from nianbao.io.container.safety import check_container
from nianbao.io.container.sniff import sniff_container
from nianbao.io.memory import Memory
from nianbao.io.readers import ReadError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def base() -> bytes:
    return hc.plain_workbook_bytes()


# --- the container cases ----------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(hc.CONTAINER_CASES))
def test_each_hostile_container_is_refused_in_chinese_naming_file_and_problem(case, base, tmp_path):
    build, words = hc.CONTAINER_CASES[case]
    path = build(tmp_path, base)
    before = digest(path)
    listing = sorted(os.listdir(tmp_path))
    started = time.monotonic()
    with pytest.raises(ReadError) as caught:
        check_container(path)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert message.startswith(path.name + "：")
    for word in words:
        assert word in message
    assert "请" in message  # says what to do
    assert digest(path) == before
    assert sorted(os.listdir(tmp_path)) == listing


def test_a_valid_workbook_passes_the_container_check(base, tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(base)
    assert check_container(path) is None
    assert sniff_container(path, True, Memory()).kind.key == "xlsx"


def test_a_zip_bomb_is_refused_from_the_directory_before_anything_is_inflated(base, tmp_path, monkeypatch):
    path = hc.zip_bomb(tmp_path, base)

    def no_inflating(*args, **kwargs):
        raise AssertionError("inflated before the directory limits were checked")

    monkeypatch.setattr(zipentries.zlib, "decompressobj", no_inflating)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    with pytest.raises(ReadError, match="1024.0 MB"):
        check_container(path)


def test_a_lying_directory_is_caught_after_at_most_its_declared_size(base, tmp_path, monkeypatch):
    path = hc.lying_bomb(tmp_path, base)
    produced = []
    real = zipentries.zlib.decompressobj

    class Counting:
        def __init__(self, *a):
            self.inner = real(*a)

        def decompress(self, data, limit=0):
            out = self.inner.decompress(data, limit)
            produced.append(len(out))
            return out

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr(zipentries.zlib, "decompressobj", Counting)
    with pytest.raises(ReadError, match="实际大小超过其声明"):
        check_container(path)
    assert sum(produced) < 1 << 20  # the entry would give 64 MB


def test_a_compression_ratio_no_workbook_has_is_refused(base, tmp_path):
    # 4 MB of one repeated byte in a media entry: under every size limit, not under the ratio
    data = hc.rezip(hc.entries_of(base) + [("xl/media/image1.bin", b"\x00" * (4 << 20))])
    path = tmp_path / "压缩比.xlsx"
    path.write_bytes(data)
    with pytest.raises(ReadError, match="压缩比异常"):
        check_container(path)


def test_the_total_inflated_size_is_limited_across_entries(base, tmp_path, monkeypatch):
    monkeypatch.setattr(zipcheck, "MAX_TOTAL_BYTES", 64 * 1024)
    entries = hc.entries_of(base) + [(f"xl/media/image{i}.bin", bytes(range(256)) * 64) for i in range(8)]
    path = tmp_path / "总量.xlsx"
    path.write_bytes(hc.rezip(entries))
    with pytest.raises(ReadError, match="总大小超过上限"):
        check_container(path)


def test_too_many_entries_are_refused_before_zipfile_reads_the_directory(base, tmp_path, monkeypatch):
    path = hc.many_entries(tmp_path, base)
    monkeypatch.setattr(zipfile, "ZipFile", None)  # must not be reached
    with pytest.raises(ReadError, match="5009 个"):
        check_container(path)


@pytest.mark.parametrize(
    "suffix, words",
    [
        (".xls", ("扩展名是 .xls", "内容其实是Excel 工作簿（.xlsx）")),
        (".et", ("扩展名是 .et",)),
        (".ods", ("扩展名是 .ods",)),
    ],
)
def test_an_xlsx_under_another_spreadsheet_suffix_is_named_for_what_it_is(base, tmp_path, suffix, words):
    path = tmp_path / f"报告{suffix}"
    path.write_bytes(base)
    with pytest.raises(ReadError) as caught:
        check_container(path)
    for w in words:
        assert w in str(caught.value)


def test_an_ods_renamed_xlsx_is_named_for_what_it_is(tmp_path):
    path = tmp_path / "其实是ods.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr(
            "content.xml",
            '<?xml version="1.0"?>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
    path.write_bytes(buf.getvalue())
    assert sniff_container(path, True, Memory()).kind.key == "ods"
    with pytest.raises(ReadError, match="OpenDocument 电子表格"):
        check_container(path)


def test_a_compound_file_with_a_workbook_stream_but_no_valid_structure_is_damaged(tmp_path):
    xls = tmp_path / "旧版.xls"
    xls.write_bytes(hc.ole_with(["Root Entry", "Workbook", "\x05SummaryInformation"]))
    with pytest.raises(ReadError, match="旧版 Excel/WPS 工作簿（.xls/.et）的内部结构无法读取"):
        check_container(xls)


def test_an_xlsm_passes_the_container_check_as_a_macro_workbook(base, tmp_path):
    path = hc.xlsm_with_macro(tmp_path, base)
    assert sniff_container(path, True, Memory()).kind.key == "xlsm"
    assert check_container(path) is None


def test_a_file_that_cannot_be_opened_says_so(tmp_path):
    path = tmp_path / "无权限.xlsx"
    path.write_bytes(b"PK\x03\x04")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # running as root: permissions do not apply
            with pytest.raises(ReadError, match="损坏或不完整"):
                check_container(path)
        else:
            with pytest.raises(ReadError, match="无法打开文件"):
                check_container(path)
    finally:
        path.chmod(0o600)


# --- XML parsing is defused -------------------------------------------------------------------


def test_openpyxl_parses_every_xml_part_with_defusedxml():
    import openpyxl
    from defusedxml import EntitiesForbidden
    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
    if not openpyxl.LXML:
        assert functions.fromstring.__module__.startswith("defusedxml")
    # even a part that slipped past the container check is refused, not expanded
    with pytest.raises(EntitiesForbidden):
        read_string_table(io.BytesIO(hc.LAUGHS.encode("utf-8")))


def test_python_calamine_does_not_expand_entities(base, tmp_path):
    from python_calamine import CalamineWorkbook

    path = hc.xml_bomb_shared_strings(tmp_path, base)
    with pytest.raises(Exception) as caught:
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert "entity" in str(caught.value).lower()


# --- outputs are atomic, even under SIGKILL -----------------------------------------------------

WRITER = r"""
import sys, time
from nianbao.io.atomic import atomic_output
target, size = sys.argv[1], int(sys.argv[2])
chunk = b"N" * (1 << 20)
with atomic_output(target) as tmp:
    with open(tmp, "wb") as f:
        for i in range(size):
            f.write(chunk)
            f.flush()
            if i == 1:
                print("writing", flush=True)
            time.sleep(0.002)
print("done", flush=True)
"""


def _writer(tmp_path: Path, target: Path, megabytes: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target), str(megabytes)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )


def _leftovers(folder: Path, target: Path) -> list[str]:
    """Files in the folder besides the target that a user could take for an output."""
    return [
        n
        for n in os.listdir(folder)
        if n != target.name and not (n.startswith(f".{target.name}.") and n.endswith(".part"))
    ]


@pytest.mark.parametrize("had_old", [True, False], ids=["old-file", "no-file"])
def test_sigkill_in_the_middle_of_a_large_output_leaves_the_old_file_or_none(tmp_path, had_old):
    target = tmp_path / "汇总.xlsx"
    old = b"old report " * 1000
    if had_old:
        target.write_bytes(old)
    proc = _writer(tmp_path, target, 200)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    if had_old:
        assert target.read_bytes() == old
    else:
        assert not target.exists()
    assert _leftovers(tmp_path, target) == []


def test_sigkill_at_any_moment_leaves_the_old_file_or_the_whole_new_one(tmp_path):
    target = tmp_path / "汇总.xlsx"
    old = b"old" * 100
    new = b"N" * (6 << 20)
    seen = set()
    for delay in (0.0, 0.05, 0.15, 0.3, 0.6, 1.5):  # (0: killed before it starts writing)
        target.write_bytes(old)
        proc = _writer(tmp_path, target, 6)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        data = target.read_bytes()
        assert data in (old, new)
        seen.add(data == new)
        assert _leftovers(tmp_path, target) == []
    assert False in seen  # at least one kill landed before the rename: the old file survived it


# --- through the commands: validate, export, consolidate --------------------------------------

UNREADABLE = {**hc.CONTAINER_CASES, **hc.LAYOUT_CASES}


def nianbao(*args):  # noqa: ANN201 - a click Result
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def template() -> bytes:
    return hc.template_bytes()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with its hash."""
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_validate_and_export_refuse_each_unreadable_workbook_with_status_2(case, template, tmp_path):
    build, words = UNREADABLE[case]
    path = build(tmp_path, template)
    before = snapshot(tmp_path)

    result = nianbao("validate", path)
    assert result.exit_code == 2
    assert f"{path}：无法读取" in result.output
    assert f"READ {path.name}" in result.output or f"{path.name} 工作表" in result.output
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output

    out = tmp_path / "导出.json"
    result = nianbao("export", path, "-o", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：{path.name}")
    for word in words:
        assert word in result.stderr
    assert result.stdout == ""
    assert not out.exists()
    assert snapshot(tmp_path) == before


def test_a_layout_error_names_the_sheet_and_the_cell(template, tmp_path):
    path = hc.rows_inserted(tmp_path, template)
    result = nianbao("validate", "--format", "json", path)
    assert result.exit_code == 2
    import json

    (f,) = json.loads(result.output)["files"][0]["findings"]
    assert (f["rule"], f["sheet"]) == ("READ", "表三")
    assert f["cell"] and "此处应为" in f["message"]


@pytest.mark.parametrize("case", sorted(hc.ACCEPTED_CASES))
def test_changes_that_keep_labels_and_values_in_place_read_as_the_original(case, template, tmp_path):
    """A hidden data sheet, protection removed, formulas saved without their results: every
    label is still at its anchor and every value in its cell, so the report reads as it was
    (totals are recomputed from their parts, never taken from a cached result)."""
    original = tmp_path / "原件.xlsx"
    original.write_bytes(template)
    path = hc.ACCEPTED_CASES[case](tmp_path, template)
    result = nianbao("validate", path)
    assert result.exit_code == 0, result.output
    assert result.output == f"{path}：校验通过\n"
    from nianbao.io.readers import read

    got, want = read(path).document, read(original).document
    got["meta"].pop("source_file"), want["meta"].pop("source_file")
    assert got == want


def test_an_xlsm_is_read_for_its_data_and_its_macros_are_never_run(template, tmp_path):
    """The VBA project is a part the readers never open: the .xlsm reads exactly as the
    .xlsx it was made from, and its Auto_Open (which would write pwned.txt) does nothing."""
    from nianbao.io.readers import read

    plain = tmp_path / "原件.xlsx"
    plain.write_bytes(template)
    path = hc.xlsm_with_macro(tmp_path, template)
    with zipfile.ZipFile(path) as zf:
        assert b"Auto_Open" in zf.read("xl/vbaProject.bin")
    before = snapshot(tmp_path)
    got, want = read(path).document, read(plain).document
    got["meta"].pop("source_file"), want["meta"].pop("source_file")
    assert got == want
    result = nianbao("validate", path)
    assert result.exit_code == 0, result.output
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.rglob("pwned*")) and not Path("pwned.txt").exists()


# value put into 表三 D5 (一、本年新收 × 自然人, 2 in the seed report) -> (status, rule at D5)
CELL_VALUES = {
    "text": ("abc", 1, "TYPE"),
    "full_width_same": ("２", 0, "CELL"),
    "full_width": ("１２", 1, "CELL"),
    "zero_with_unit": ("0件", 1, "CELL"),
    "dash": ("—", 1, "CELL"),
    "ref_error": ("#REF!", 1, None),
    "date": (__import__("datetime").datetime(2021, 1, 5), 1, "TYPE"),
    "huge": (1e20, 1, "CELL"),
    "decimal": (1.5, 1, "INTEGER"),
    "negative": (-3, 1, "RANGE"),
    "formula_without_cached_value": ("=D6*0+1", 1, None),
}


@pytest.mark.parametrize("case", sorted(CELL_VALUES))
def test_hostile_cell_contents_are_reported_at_their_sheet_and_cell(case, template, tmp_path):
    value, status, rule = CELL_VALUES[case]
    path = hc.with_cell(value)(tmp_path, template)
    before = snapshot(tmp_path)
    result = nianbao("validate", path)
    assert result.exit_code == status, result.output
    lines = [line for line in result.output.splitlines() if " 表三!D5 " in line]
    assert lines, result.output
    if rule:
        assert any(f"] {rule} 表三!D5 " in line for line in lines)
    if status:
        assert any("[错误]" in line for line in lines)
    assert "Traceback" not in result.output

    result = nianbao("export", path)  # export converts, and says so when the report has errors
    assert result.exit_code == status
    if status:
        assert "错误：表三!D5 " in result.stderr
    if rule == "CELL":
        assert "提示：表三!D5 " in result.stderr
    assert snapshot(tmp_path) == before


def test_the_same_file_twice_is_reported_twice(template, tmp_path):
    path = tmp_path / "报告.xlsx"
    path.write_bytes(template)
    bad = hc.truncated(tmp_path, template)
    result = nianbao("validate", path, path, bad, bad)
    assert result.exit_code == 2
    assert result.output.count(f"{path}：校验通过") == 2
    assert result.output.count(f"{bad}：无法读取") == 2
    assert "共 4 个文件" in result.output


# --- outputs: never over an input, never half-written ----------------------------------------------


def _same_file_spellings(path: Path) -> list[Path]:
    link = path.parent / "链接.xlsx"
    link.symlink_to(path.name)
    hard = path.parent / "硬链接.xlsx"
    os.link(path, hard)
    return [path, path.parent / "." / path.name, link, hard]


@pytest.mark.parametrize("command", ["export", "fill", "annotate"])
def test_an_output_that_is_an_input_is_refused_and_the_input_is_untouched(command, template, tmp_path):
    path = tmp_path / "报告.xlsx"
    path.write_bytes(template)
    for target in _same_file_spellings(path):
        before = snapshot(tmp_path)
        args = {
            "export": ("export", path, "-o", target),
            "fill": ("fill", path, "-o", target),
            "annotate": ("validate", path, "--annotate", target),
        }[command]
        result = nianbao(*args)
        assert result.exit_code == 2, (target, result.output)
        assert "就是输入文件之一" in result.output
        assert snapshot(tmp_path) == before


def test_consolidate_refuses_an_output_that_is_one_of_its_inputs(template, tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    (folder / "甲.xlsx").write_bytes(template)
    before = snapshot(tmp_path)
    result = nianbao("consolidate", folder / "甲.xlsx", "-o", folder / "甲.xlsx", "-q", "-j", "1")
    assert result.exit_code == 2
    assert "输入" in result.output
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "target, words",
    [("没有这个文件夹/导出", ("不存在", "请先建立这个文件夹", "已有的文件夹")), ("报告.xlsx/导出", ("不存在",)),
     ("文件夹", ("是一个文件夹",))],
)
def test_an_output_that_cannot_be_written_is_refused_before_any_work(template, tmp_path, target, words):
    path = tmp_path / "报告.xlsx"
    path.write_bytes(template)
    (tmp_path / "文件夹.json").mkdir()
    (tmp_path / "文件夹.xlsx").mkdir()
    before = snapshot(tmp_path)
    for args in (
        ("export", path, "-o", f"{tmp_path}/{target}.json"),
        ("fill", path, "-o", f"{tmp_path}/{target}.xlsx"),
        ("template", "--form", "2021", "-o", f"{tmp_path}/{target}.xlsx"),
        ("consolidate", path, "-o", f"{tmp_path}/{target}.xlsx", "-q", "-j", "1"),
    ):
        result = nianbao(*args)
        assert result.exit_code == 2, result.output
        for w in words:
            assert w in result.output
        assert "Traceback" not in result.output
        assert snapshot(tmp_path) == before


def test_an_output_folder_without_write_permission_is_refused(template, tmp_path):
    if os.geteuid() == 0:
        # root ignores permissions; a read-only file system refuses even root
        target = Path("/proc/nianbao-导出.json")
    else:
        ro = tmp_path / "只读"
        ro.mkdir()
        ro.chmod(0o555)
        target = ro / "导出.json"
    path = tmp_path / "报告.xlsx"
    path.write_bytes(template)
    result = nianbao("export", path, "-o", target)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not target.exists()


# --- inputs are never written: every command, every input, hashed before and after ----------------

ROSTER = "单位名称,统一社会信用代码\n安阳市卫生健康委员会,\n某某县不存在局,\n"


@pytest.fixture
def inputs(tmp_path, template) -> Path:
    """A folder of inputs: good workbooks and reports, hostile files, a roster."""
    import json

    folder = tmp_path / "输入"
    folder.mkdir()
    (folder / "安阳.xlsx").write_bytes(template)
    doc = hc.seed_document()
    (folder / "安阳.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    other = json.loads((hc.SEED.parent / "arongqi-2020.json").read_text(encoding="utf-8"))
    (folder / "阿荣旗.xlsx").write_bytes(hc.template_bytes(other))
    for build in (hc.truncated, hc.encrypted, hc.far_cell, hc.xml_bomb_shared_strings, hc.docx_renamed, hc.empty):
        build(folder, template)
    hc.xlsm_with_macro(folder, template)
    (folder / "名单.csv").write_text(ROSTER, encoding="utf-8-sig")
    return folder


def invocations(inputs: Path, out: Path) -> dict[str, list[tuple]]:
    """For each command, invocations reading the inputs (outputs go to ``out``)."""
    good, report, xlsm = inputs / "安阳.xlsx", inputs / "安阳.json", inputs / "带宏.xlsm"
    every = sorted(p for p in inputs.iterdir() if p.suffix != ".csv")
    return {
        "validate": [
            ("validate", *every),
            ("validate", "--format", "json", "--previous", report, good, xlsm),
            ("validate", "--previous", inputs / "加密.xlsx", good),
            ("validate", good, "--annotate", out / "标注.xlsx"),
            ("validate", inputs / "下载中断.xlsx", "--annotate", out / "标注2.xlsx"),
        ],
        "export": [("export", p, "-o", out / f"{p.stem}{p.suffix[1:]}.json") for p in every] + [("export", good)],
        "fill": [
            ("fill", report, "-o", out / "填好.xlsx"),
            ("fill", good, "-o", out / "重填.xlsx"),
            ("fill", inputs / "加密.xlsx", "-o", out / "x.xlsx"),
        ],
        "template": [("template", "--form", "2021", "-o", out / "模板.xlsx")],
        "consolidate": [
            (
                "consolidate", inputs, "-o", out / "汇总.xlsx", "--csv", out / "汇总.csv", "-r", inputs / "名单.csv",
                "-q", "-j", "1",
            ),
            ("consolidate", inputs, "-o", out / "汇总.json", "-q", "-j", "2"),
        ],
        "addin": [("addin", "build", "-o", out / "加载项")],
        "import": [("import", p, "-o", out / f"{p.stem}{p.suffix[1:]}-导入.json") for p in every],
        "clear": [("clear", p, "-o", out / f"{p.stem}-清除.xlsx") for p in every if p.suffix in (".xlsx", ".xlsm")],
        "publish": [("publish", p, "-o", out / f"{p.stem}{p.suffix[1:]}-年报.docx", "--force") for p in every]
        + [("publish", good, "-o", out / "年报.html"), ("publish", report, "-o", out / "年报.md")],
        # the web intake: serve reads no input file (it keeps running: tests/test_web_*.py start it);
        # users and backup are refused on a folder of reports, which they leave as it is
        "serve": [],
        "users": [("users", "add", "经办人", "--data", inputs), ("users", "token", "经办人", "--data", out / "数据")],
        "backup": [("backup", out / "备份", "--data", inputs), ("backup", "--restore", inputs, "--data", out / "恢复")],
    }


def test_no_command_ever_changes_an_input(inputs, tmp_path):
    out = tmp_path / "输出"
    out.mkdir()
    table = invocations(inputs, out)
    assert set(table) == set(main.list_commands(None)), "a new command needs its invocations here"
    before = snapshot(inputs)
    for calls in table.values():
        for args in calls:
            result = nianbao(*args)
            assert result.exit_code in (0, 1, 2), (args, result.output)
            assert "Traceback" not in result.output
            assert snapshot(inputs) == before, f"{args} changed an input"
    assert (out / "汇总.xlsx").exists() and (out / "填好.xlsx").exists()


# --- consolidate over a folder mixing good and hostile workbooks ----------------------------------


def test_consolidate_sums_the_good_workbooks_and_lists_each_bad_one_with_its_reason(tmp_path, template):
    import json

    folder = tmp_path / "各单位"
    folder.mkdir()
    good = []
    for seed in (hc.SEED, hc.SEED.parent / "arongqi-2020.json"):  # two valid reports
        doc = json.loads(seed.read_text(encoding="utf-8"))
        path = folder / f"{seed.stem}.xlsx"
        path.write_bytes(hc.template_bytes(doc))
        good.append(doc)
    bad = {}
    for case in ("empty", "truncated", "encrypted", "zip_bomb", "far_cell", "xml_bomb_shared_strings", "docx_renamed"):
        build, words = hc.CONTAINER_CASES[case]
        bad[build(folder, template).name] = words
    for case in ("sheet_renamed", "rows_inserted"):
        build, words = hc.LAYOUT_CASES[case]
        bad[build(folder, template).name] = words
    before = snapshot(folder)
    out = tmp_path / "汇总.xlsx"
    result = nianbao("consolidate", folder, "-o", out, "-q", "-j", "2")
    assert result.exit_code == 1, result.output  # written, but some reports were left out
    assert f"汇总 {len(good)} 个" in result.output and f"无法读取 {len(bad)} 个" in result.output
    assert snapshot(folder) == before
    from openpyxl import load_workbook

    from nianbao.io.readers import read

    summed = read(out).document  # the summary is itself a report in the same form
    natural = sum(d["applications"]["new"]["natural"] for d in good)
    assert summed["applications"]["new"]["natural"] == natural
    detail = load_workbook(out)["各单位明细"]
    rows = [[str(v) for v in row if v is not None] for row in detail.iter_rows(values_only=True)]
    for name, words in bad.items():
        row = next((r for r in rows if any(v.endswith(name) for v in r)), None)
        assert row is not None, (name, rows)
        assert "未汇总" in row
        reason = " ".join(row)
        for w in words:
            assert w in reason, (name, reason)


def test_consolidate_lists_the_same_file_given_twice_once_and_a_copy_as_a_duplicate(tmp_path, template):
    folder = tmp_path / "各单位"
    folder.mkdir()
    (folder / "甲.xlsx").write_bytes(template)
    (folder / "甲的副本.xlsx").write_bytes(template)
    out = tmp_path / "汇总.json"
    result = nianbao(
        "consolidate", folder / "甲.xlsx", folder / "甲.xlsx", folder / "甲的副本.xlsx", "-o", out, "-q", "-j", "1"
    )
    assert "共 2 个文件" in result.output
    assert "重复报送" in result.output
    assert result.output.count("甲的副本.xlsx") == 1


# --- .xls, .et and .ods saved by another program ---------------------------------------------------


@pytest.mark.libreoffice
def test_xls_et_and_ods_saved_by_another_program_read_like_the_xlsx(template, tmp_path, soffice):
    from nianbao.io.readers import read

    xlsx = tmp_path / "原件.xlsx"
    xlsx.write_bytes(template)
    xls = soffice(xlsx, "xls")
    ods = soffice(xlsx, "ods")
    et = tmp_path / "原件.et"  # WPS's own suffix for its BIFF workbooks
    et.write_bytes(xls.read_bytes())
    want = read(xlsx).document
    want["meta"].pop("source_file")
    for path in (xls, et, ods):
        before = digest(path)
        got = read(path).document
        got["meta"].pop("source_file")
        assert got == want, path.suffix
        result = nianbao("validate", path)
        assert result.exit_code == 0, result.output
        assert digest(path) == before
    # a binary workbook under the .xlsx suffix is named for what it is
    wrong = tmp_path / "其实是xls.xlsx"
    wrong.write_bytes(xls.read_bytes())
    result = nianbao("validate", wrong)
    assert result.exit_code == 2
    assert "旧版 Excel 97-2003" in result.output and "扩展名改为 .xls" in result.output
    # a sheet whose used range starts after it ends: python-calamine asks for terabytes and
    # aborts the process (found by the fuzzer); refused before it is opened
    bad = hc.xls_with_inverted_dimensions(xls, tmp_path / "范围颠倒.et")
    with pytest.raises(ReadError, match="已用范围记录自相矛盾"):
        check_container(bad)
    result = nianbao("validate", bad)
    assert result.exit_code == 2 and "范围颠倒.et" in result.output
