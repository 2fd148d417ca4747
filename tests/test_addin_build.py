"""The built add-ins, checked statically: Excel cannot run here."""

from __future__ import annotations

import importlib
import re
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

with warnings.catch_warnings():  # oletools' own deprecation warnings from pyparsing
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

from nianbao.cli import main
from xlwings_addin.build import BUTTONS, CUSTOM_UI, EXTENSIBILITY, BuildError, build, template_path

UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list[Path]:
    return build(tmp_path_factory.mktemp("addin"))


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {PurePosixPath(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def procedures(code: str) -> set[str]:
    return set(re.findall(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(", code, re.M))


def ribbon(path: Path):
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read(CUSTOM_UI))


def test_one_addin_per_button_named_after_its_module(built):
    assert [p.name for p in built] == ["xlwings_addin.validate.xlam", "xlwings_addin.clear.xlam", "xlwings_addin.export.xlam"]
    assert [b.filename for b in BUTTONS] == [p.name for p in built]


def test_every_other_part_byte_for_byte(built):
    with zipfile.ZipFile(template_path()) as t:
        original = {i.filename: t.read(i.filename) for i in t.infolist()}
        order = t.namelist()
    for path in built:
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
            assert z.namelist() == order
            for name in order:
                if name != CUSTOM_UI:
                    assert z.read(name) == original[name], name
            assert z.read(CUSTOM_UI) != original[CUSTOM_UI]


def test_rels_reference_the_ribbon_part(built):
    for path in built:
        with zipfile.ZipFile(path) as z:
            rels = ElementTree.fromstring(z.read("_rels/.rels"))
            targets = [r.get("Target").lstrip("/") for r in rels.iter(f"{RELS}Relationship") if r.get("Type") == EXTENSIBILITY]
            assert targets == [CUSTOM_UI]
            assert CUSTOM_UI in z.namelist()


def test_content_types_cover_every_part(built):
    for path in built:
        with zipfile.ZipFile(path) as z:
            types = ElementTree.fromstring(z.read("[Content_Types].xml"))
            defaults = {d.get("Extension").lower() for d in types.iter(f"{TYPES}Default")}
            overrides = {o.get("PartName") for o in types.iter(f"{TYPES}Override")}
            parts = [n for n in z.namelist() if n != "[Content_Types].xml" and not n.endswith("/")]
            for name in parts:
                assert "/" + name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
            for part in overrides:
                assert part.lstrip("/") in parts, part


def test_ribbon_is_one_shared_tab_with_chinese_labels(built):
    tabs, groups, labels = set(), set(), []
    for path in built:
        root = ribbon(path)  # well-formed, or this raises
        assert root.tag == f"{UI}customUI"
        (tab,) = list(root.iter(f"{UI}tab"))
        (group,) = list(tab.iter(f"{UI}group"))
        assert tab.get("id") is None and group.get("id") is None  # idQ, or each add-in makes its own tab
        tabs.add((tab.get("idQ"), tab.get("label")))
        groups.add((group.get("idQ"), group.get("label")))
        (button,) = list(group.iter(f"{UI}button"))
        labels.append(button.get("label"))
        # only attributes the customUI schema defines for these elements
        assert set(tab.attrib) <= {"idQ", "label"} and set(group.attrib) <= {"idQ", "label"}
        assert set(button.attrib) <= {"id", "label", "size", "imageMso", "screentip", "supertip", "onAction"}
    assert tabs == {("nb:tab", "政务公开年报")}
    assert len(groups) == 1
    assert labels == ["校验", "清除标记", "导出 JSON"]


def test_shared_namespace_is_declared_in_every_addin(built):
    decls = set()
    for path in built:
        with zipfile.ZipFile(path) as z:
            text = z.read(CUSTOM_UI).decode("utf-8")
        m = re.search(r'xmlns:nb="([^"]+)"', text)
        assert m
        decls.add(m.group(1))
    assert len(decls) == 1


def test_on_action_is_qualified_and_names_an_existing_procedure(built):
    for path in built:
        (button,) = list(ribbon(path).iter(f"{UI}button"))
        m = re.fullmatch(r"'([^']+)'!(\w+)\.(\w+)", button.get("onAction"))
        assert m, button.get("onAction")
        book, module, proc = m.groups()
        assert book == path.name  # its own add-in, never another one's procedure of that name
        modules = vba_modules(path)
        assert module in modules
        assert proc in procedures(modules[module])
        assert re.search(rf"Sub\s+{proc}\s*\(\s*control\s+As\s+IRibbonControl\s*\)", modules[module])


def test_the_called_python_module_exists_and_imports_without_excel(built):
    for path in built:
        code = vba_modules(path)["RibbonMyAddin"]
        # The callback imports the module named like the add-in file, and calls its main().
        assert 'Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, "."' in code
        assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code
        name = path.name[: path.name.rindex(".")]
        module = importlib.import_module(name)
        assert callable(module.main)
        assert re.search(r"^Public Function RunPython\(", vba_modules(path)["xlwings"], re.M)


def test_vba_project_is_xlwings_own(built):
    with zipfile.ZipFile(template_path()) as t:
        vba = t.read("xl/vbaProject.bin")
    for path in built:
        with zipfile.ZipFile(path) as z:
            assert z.read("xl/vbaProject.bin") == vba


def test_cli_build(tmp_path):
    out = tmp_path / "加载项"
    r = CliRunner().invoke(main, ["addin", "build", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == sorted(b.filename for b in BUTTONS)
    assert r.stdout.splitlines() == [str(out / b.filename) for b in BUTTONS]
    assert "xlwings addin install --dir" in r.stderr


def test_cli_build_refuses_a_file_as_folder(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = CliRunner().invoke(main, ["addin", "build", "-o", str(f)])
    assert r.exit_code == 2
    assert f.read_text() == "x"


def test_bad_template_is_refused(tmp_path):
    bad = tmp_path / "bad.xlam"
    bad.write_bytes(b"not a zip")
    with pytest.raises(BuildError):
        build(tmp_path / "out", template=bad)
    assert not any((tmp_path / "out").glob("*.xlam"))
