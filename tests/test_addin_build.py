"""The built add-in nianbao.xlam, checked statically (Excel cannot run here): the ribbon, the
chain button → VBA procedure → Python function read back with olevba, the settings sheet, and
the VBA project's records against the project Excel made in xlwings' template."""

from __future__ import annotations

import importlib
import io
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import olefile
import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

with warnings.catch_warnings():  # oletools' own deprecation warnings from pyparsing
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

from nianbao.cli import main
from xlwings_addin import TAB
from xlwings_addin.build import (
    ADDIN_NAME,
    BUTTONS,
    CUSTOM_UI,
    EXTENSIBILITY,
    SETTINGS_SHEET,
    SHEET,
    TEMPLATE_VBA,
    BuildError,
    addin_bytes,
    build,
    callback_body,
    template_path,
)
from xlwings_addin.sources import CUSTOM_ADDIN, PROJECT_NAME, RIBBON_MODULE, modules, xlwings_dir
from xlwings_addin.vbaproject import dirstream
from xlwings_addin.vbaproject.compression import decompress

UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("addin"))


def olevba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {PurePosixPath(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def vba_dir(data: bytes) -> dirstream.Project:
    ole = olefile.OleFileIO(io.BytesIO(data))
    return dirstream.read(decompress(ole.openstream("VBA/dir").read()))


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def buttons(path: Path):
    return list(ElementTree.fromstring(part(path, CUSTOM_UI)).iter(f"{UI}button"))


def xlwings_callbacks() -> set[str]:
    """Every ribbon callback name xlwings' own templates and add-in use."""
    names = set()
    folder = xlwings_dir()
    for xlam in folder.glob("*.xlam"):
        with zipfile.ZipFile(xlam) as z:
            for n in z.namelist():
                if n.startswith("customUI/") and n.endswith(".xml"):
                    names |= set(re.findall(r'on\w+="([^"]+)"', z.read(n).decode("utf-8", "replace")))
    for bas in (folder / "addin").glob("Ribbon*.bas"):
        module = bas.stem
        text = bas.read_text(encoding="cp1252")
        names |= {f"{module}.{p}" for p in re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)", text, re.M)}
    return names


def test_one_addin(built):
    assert built.name == ADDIN_NAME == "nianbao.xlam"
    assert [p.name for p in built.parent.iterdir()] == [ADDIN_NAME]


def test_parts_rels_and_content_types_agree(built):
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None
        names = z.namelist()
        types = ElementTree.fromstring(z.read("[Content_Types].xml"))
        rels = ElementTree.fromstring(z.read("_rels/.rels"))
        book_rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    defaults = {d.get("Extension") for d in types.iter(f"{TYPES}Default")}
    overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{TYPES}Override")}
    for name in names:
        if name != "[Content_Types].xml":
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, name
    assert set(overrides) <= set(names)
    assert overrides["xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    ui = [r.get("Target") for r in rels.iter(f"{RELS}Relationship") if r.get("Type") == EXTENSIBILITY]
    assert ui == [CUSTOM_UI]
    for r in book_rels.iter(f"{RELS}Relationship"):
        assert "xl/" + r.get("Target") in names
    with zipfile.ZipFile(template_path()) as t:
        for copied in ("xl/theme/theme1.xml", "xl/styles.xml"):
            assert part(built, copied) == t.read(copied)


# [MS-CUSTOMUI] 2.1 / [MS-CUSTOMUI2] 2.1: each customUI namespace with the package relationship
# type by which Office finds a part of that version (Office ignores a part reached by the other).
UI_RELATIONSHIP_OF_NAMESPACE = {
    "http://schemas.microsoft.com/office/2006/01/customui":
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2009/07/customui":
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
}


def test_the_ribbon_part_is_reached_by_the_relationship_type_of_its_namespace(built):
    rels = ElementTree.fromstring(part(built, "_rels/.rels"))
    ui_types = set(UI_RELATIONSHIP_OF_NAMESPACE.values())
    reached = [(r.get("Type"), r.get("Target")) for r in rels.iter(f"{RELS}Relationship") if r.get("Type") in ui_types]
    assert len(reached) == 1
    (rel_type, target), = reached
    namespace = ElementTree.fromstring(part(built, target)).tag[1:].split("}")[0]
    assert UI_RELATIONSHIP_OF_NAMESPACE[namespace] == rel_type


def test_ribbon_one_tab_with_chinese_buttons(built):
    root = ElementTree.fromstring(part(built, CUSTOM_UI))
    (tab,) = list(root.iter(f"{UI}tab"))
    assert tab.get("label") == TAB == "政务公开年报"
    assert [b.get("label") for b in buttons(built)] == ["校验", "清除标记", "导出 JSON"]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(b.get("supertip") for b in buttons(built))


def test_each_button_has_its_own_callback_no_other_addin_uses(built):
    actions = [b.get("onAction") for b in buttons(built)]
    assert len(set(actions)) == len(actions) == len(BUTTONS)
    taken = xlwings_callbacks()
    assert "RibbonMyAddin.RunMain" in taken  # the name every quickstart add-in holds
    for action in actions:
        assert re.fullmatch(rf"{RIBBON_MODULE}\.On\w+", action), action  # module-qualified, no workbook name
        assert action not in taken
        assert action.split(".")[1] not in {t.split(".")[-1] for t in taken}


def test_chain_button_to_vba_procedure_to_python_function(built):
    """Read back with olevba: each onAction names a procedure taking the IRibbonControl that
    runs RunPython on a function of the installed package, defined once in the project."""
    mods = olevba_modules(built)
    for button in buttons(built):
        module, proc = button.get("onAction").split(".")
        body = callback_body(mods[module], proc)
        assert body is not None, proc
        (command,) = re.findall(r'RunPython "([^"]+)"', body)
        m = re.fullmatch(r"import ([\w.]+); ([\w.]+)\.(\w+)\(\)", command)
        assert m and m.group(1) == m.group(2), command
        assert re.search(r"^\s*If Ready\(\) Then RunPython ", body, re.M)  # nothing runs before the checks
        function = getattr(importlib.import_module(m.group(1)), m.group(3))
        assert callable(function)
        declares = re.compile(rf"^\s*(Public |Private )?(Sub|Function) {proc}\b", re.M)
        defined = [n for n, code in mods.items() if declares.search(code)]
        assert defined == [module]
    assert re.search(r"^Public Function RunPython\(", mods["xlwings"], re.M)


def test_olevba_reads_every_module_as_our_text(built):
    assert olevba_modules(built) == {m.name: m.source for m in modules()}


def test_xlwings_module_is_the_installed_one_with_our_project_name(built):
    mods = olevba_modules(built)
    installed = (xlwings_dir() / CUSTOM_ADDIN).read_bytes().decode("cp1252").replace("\r\n", "\n").split("\n")
    ours = mods["xlwings"].split("\r\n")
    assert len(installed) == len(ours)
    diff = [(a, b) for a, b in zip(installed, ours, strict=True) if a != b]
    line = 'Public Const PROJECT_NAME As String = "{}"'
    assert diff == [(line.format("myaddin"), line.format("nianbao"))]
    assert "BSD 3-clause" in mods["xlwings"]  # the licence notice is kept


def test_dictionary_class_is_what_excel_makes_of_xlwings_cls(built):
    with zipfile.ZipFile(template_path()) as t:
        data = t.read(TEMPLATE_VBA)
    project = vba_dir(data)
    ole = olefile.OleFileIO(io.BytesIO(data))
    (m,) = [m for m in project.modules if m.name == "Dictionary"]
    excel = decompress(ole.openstream(f"VBA/{m.stream}").read()[m.offset :]).decode("cp1252")
    ours = olevba_modules(built)["Dictionary"]
    # the same lines; the VBA editor only recased identifiers (err.Raise / Err.Raise)
    assert excel.rstrip("\r\n").lower().split("\r\n") == ours.rstrip("\r\n").lower().split("\r\n")


def test_project_name_references_and_module_records_match_excels(built):
    with zipfile.ZipFile(template_path()) as t:
        excel = vba_dir(t.read(TEMPLATE_VBA))
    ours = vba_dir(part(built, TEMPLATE_VBA))
    assert ours.name == PROJECT_NAME == "nianbao"
    assert ours.references == excel.references  # carried over byte for byte
    assert "Office" in ours.reference_names()
    assert [r for r in ours.information if r.id != dirstream.NAME] == [
        r for r in excel.information if r.id != dirstream.NAME
    ]
    by_kind = {m.kind: m.records for m in excel.modules}
    for m in ours.modules:
        assert m.records == by_kind[m.kind], m.name  # the records Excel writes for a module of that kind
        assert m.offset == 0  # source only, no p-code
    kinds = {m.name: m.kind for m in ours.modules}
    excel_kinds = {m.name: m.kind for m in excel.modules}
    assert kinds["Dictionary"] == excel_kinds["Dictionary"] == dirstream.MODULE_DOCUMENT
    assert kinds["xlwings"] == excel_kinds["xlwings"] == dirstream.MODULE_PROCEDURAL
    assert kinds["ThisWorkbook"] == excel_kinds["ThisWorkbook"]
    assert kinds[RIBBON_MODULE] == dirstream.MODULE_PROCEDURAL


def test_vba_project_stream_has_version_ffff_and_no_cache(built):
    ole = olefile.OleFileIO(io.BytesIO(part(built, TEMPLATE_VBA)))
    head = ole.openstream("VBA/_VBA_PROJECT").read()
    assert head[:2] == b"\xcc\x61" and head[2:4] == b"\xff\xff" and head[4] == 0 and len(head) == 7
    with zipfile.ZipFile(template_path()) as t:
        excel = olefile.OleFileIO(io.BytesIO(t.read(TEMPLATE_VBA))).openstream("VBA/_VBA_PROJECT").read()
    assert head == excel  # the same seven bytes, no cache
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert 'Name="nianbao"' in text.split("\r\n")


def sheet_cells(path: Path) -> dict[str, str]:
    root = ElementTree.fromstring(part(path, SHEET))
    return {c.get("r"): "".join(t.text or "" for t in c.iter(f"{MAIN}t")) for c in root.iter(f"{MAIN}c")}


def test_settings_sheet_is_active_and_names_the_build_interpreter(built):
    book = ElementTree.fromstring(part(built, "xl/workbook.xml"))
    assert [s.get("name") for s in book.iter(f"{MAIN}sheet")] == [SETTINGS_SHEET] == ["nianbao.conf"]
    cells = sheet_cells(built)
    keys = [cells[f"A{i}"] for i in range(1, 10) if f"A{i}" in cells]
    assert keys[0] == "Interpreter_Win" and cells["B1"] == sys.executable == cells["C1"]
    # GetConfigFromSheet reads column A from A1 down to the first blank
    assert [f"A{i}" for i in range(1, len(keys) + 1)] == sorted(k for k in cells if k.startswith("A"))
    values = dict(zip(keys, (cells[f"B{i}"] for i in range(1, len(keys) + 1)), strict=True))
    assert values["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    code_name = ElementTree.fromstring(part(built, SHEET)).find(f"{MAIN}sheetPr").get("codeName")
    assert code_name in olevba_modules(built)  # the sheet's document module


def test_interpreter_can_be_chosen(tmp_path):
    path = tmp_path / "x.xlam"
    path.write_bytes(addin_bytes(r"C:\Python312\python.exe"))
    assert sheet_cells(path)["B1"] == r"C:\Python312\python.exe"


def test_messages_are_chinese_and_the_source_is_ascii():
    source = next(m.source for m in modules() if m.name == RIBBON_MODULE)
    source.encode("ascii")  # the project's code page holds no Chinese: escapes are decoded at run time
    consts = {}
    for name, body in re.findall(r'^Private Const (\w+) As String = ((?:"[^"]*"(?: & _\r\n\s*)?)+)', source, re.M):
        escaped = "".join(re.findall(r'"([^"]*)"', body))
        consts[name] = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), escaped)
    assert consts["TITLE"] == TAB
    assert "工作簿" in consts["NO_BOOK"]
    assert "解释器" in consts["NO_INTERPRETER"] and "无法导入" in consts["NO_IMPORT"]
    assert "nianbao addin install" in consts["HOW_TO_FIX"] and r"\.nianbao\nianbao.conf" in consts["HOW_TO_FIX"]
    # no workbook: answered before RunPython reads ActiveWorkbook.FullName
    ready = re.search(r"Private Function Ready\(\).*?End Function", source, re.S).group(0)
    assert ready.index("ActiveWorkbook Is Nothing") < ready.index("PackageImports")
    # the interpreter message names the interpreter it tried
    assert re.search(r"Tell Zh\(NO_IMPORT\) & vbLf & interpreter", source)


def test_build_is_reproducible():
    assert addin_bytes("python") == addin_bytes("python")


def test_no_built_addin_is_committed():
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert files
    assert not [f for f in files if f.endswith((".xlam", ".xlsm", "vbaProject.bin"))]


def test_cli_build(tmp_path):
    out = tmp_path / "加载项"
    r = CliRunner().invoke(main, ["addin", "build", "-o", str(out), "--interpreter", r"D:\py\python.exe"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [str(out / ADDIN_NAME)]
    assert "nianbao addin install" in r.stderr
    assert sheet_cells(out / ADDIN_NAME)["B1"] == r"D:\py\python.exe"


def test_cli_build_refuses_a_file_as_folder(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = CliRunner().invoke(main, ["addin", "build", "-o", str(f)])
    assert r.exit_code == 2
    assert "是文件" in r.stderr
    assert f.read_text() == "x"


def test_broken_xlwings_is_refused(tmp_path, monkeypatch):
    import xlwings_addin.build as b
    import xlwings_addin.sources as s

    fake = tmp_path / "xlwings"
    fake.mkdir()
    (fake / "quickstart_addin_ribbon.xlam").write_bytes(b"not a zip")
    monkeypatch.setattr(b, "xlwings_dir", lambda: fake)
    monkeypatch.setattr(s, "xlwings_dir", lambda: fake)
    with pytest.raises(BuildError, match="模板"):
        build(tmp_path / "out")
    r = CliRunner().invoke(main, ["addin", "build", "-o", str(tmp_path / "out")])
    assert r.exit_code == 2 and "无法生成加载项" in r.stderr
    assert not (tmp_path / "out" / ADDIN_NAME).exists()


def test_vba_project_has_its_own_id(built):
    from xlwings_addin.build import PROJECT_ID

    ole = olefile.OleFileIO(io.BytesIO(part(built, TEMPLATE_VBA)))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    with zipfile.ZipFile(template_path()) as t:
        excel = olefile.OleFileIO(io.BytesIO(t.read(TEMPLATE_VBA))).openstream("PROJECT").read().decode("cp1252")
    assert f'ID="{PROJECT_ID}"' in text.split("\r\n")
    assert text.split("\r\n")[0] != excel.split("\r\n")[0]  # not the ID every quickstart add-in shares
