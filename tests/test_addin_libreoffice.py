"""A second, independent reader of the built VBA project: LibreOffice imports VBA with its
own MS-OVBA reader. Through UNO (Debian's python3-uno, run by /usr/bin/python3; see
tests/uno_vba.py) the add-in, renamed .xlsm, is loaded hidden and its Basic libraries listed:
the project, each module with its kind and source, and each button's callback."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree

from xlwings_addin.build import BUTTONS, CUSTOM_UI, SETTINGS_SHEET, build, callback_body
from xlwings_addin.sources import PROJECT_NAME, RIBBON_MODULE, modules
from xlwings_addin.vbaproject.project import CLASS, DOCUMENT, PROCEDURAL

pytestmark = pytest.mark.libreoffice

SYSTEM_PYTHON = Path("/usr/bin/python3")
READER = Path(__file__).parent / "uno_vba.py"
LO_KIND = {PROCEDURAL: "VBAModule", CLASS: "VBAClassModule", DOCUMENT: "VBADocumentModule"}
UI = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def libreoffice_view(tmp_path_factory) -> dict:
    assert shutil.which("soffice"), "LibreOffice (soffice) is required: run scripts/setup.sh --test"
    probe = subprocess.run([str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True)
    assert probe.returncode == 0, "python3-uno is required: run scripts/setup.sh --test"
    tmp = tmp_path_factory.mktemp("lo-vba")
    addin = build(tmp / "out")
    copy = tmp / "nianbao.xlsm"
    shutil.copyfile(addin, copy)
    proc = subprocess.run(
        [str(SYSTEM_PYTHON), str(READER), str(copy), str(tmp / "profile")],
        capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr
    view = json.loads(proc.stdout)
    view["addin"] = addin
    return view


def split(lo_source: str) -> tuple[str, list[str]]:
    """LibreOffice's module: its kind (from the line it adds) and the lines of VBA."""
    lines = lo_source.rstrip("\n").split("\n")
    kind = re.fullmatch(r"Rem Attribute VBA_ModuleType=(\w+)", lines[0]).group(1)
    body = [ln for ln in lines[1:] if ln not in ("Option VBASupport 1", "Option ClassModule")]
    return kind, body


def test_libreoffice_reads_the_project_and_every_module(libreoffice_view):
    libs = libreoffice_view["libraries"]
    assert PROJECT_NAME in libs
    ours = {m.name: m for m in modules()}
    assert set(libs[PROJECT_NAME]) == set(ours)
    for name, lo_source in libs[PROJECT_NAME].items():
        kind, body = split(lo_source)
        assert kind == LO_KIND[ours[name].kind], name
        # LibreOffice drops the Attribute lines and keeps every other line as written
        expected = [ln for ln in ours[name].source.rstrip("\r\n").split("\r\n") if not ln.startswith("Attribute ")]
        assert body == expected, name


def test_libreoffice_finds_each_buttons_callback(libreoffice_view):
    with zipfile.ZipFile(libreoffice_view["addin"]) as z:
        ui = ElementTree.fromstring(z.read(CUSTOM_UI))
    source = "\r\n".join(split(libreoffice_view["libraries"][PROJECT_NAME][RIBBON_MODULE])[1]) + "\r\n"
    actions = [b.get("onAction") for b in ui.iter(f"{UI}button")]
    assert actions == [f"{RIBBON_MODULE}.{b.callback}" for b in BUTTONS]
    for b in BUTTONS:
        body = callback_body(source, b.callback)
        assert body is not None and f'RunPython "{b.python}"' in body


def test_libreoffice_sees_the_settings_sheet(libreoffice_view):
    assert libreoffice_view["sheets"] == [SETTINGS_SHEET]
