"""The VBA modules of the add-in, as source text: ours from ``xlwings_addin/vba/``, xlwings'
from the xlwings installed beside this package (read at build time, never copied into the
repository: ``RunPython`` calls into the Python side of the same xlwings version).

* ``ThisWorkbook``, ``Sheet1`` — document modules (attributes only), ``vba/*.cls``;
* ``Dictionary`` — class module, xlwings' ``addin/Dictionary.cls`` (MIT, Tim Hall);
* ``xlwings`` — xlwings' ``xlwings_custom_addin.bas`` (BSD 3-clause, notice kept) with
  ``PROJECT_NAME = "nianbao"``, so its ``GetConfig`` reads the sheet ``nianbao.conf`` and the
  file ``%USERPROFILE%\\.nianbao\\nianbao.conf``;
* ``NianbaoRibbon`` — our ribbon callbacks, ``vba/NianbaoRibbon.bas``.

Module source is held as the module stream holds it: ``Attribute`` lines first (an exported
class's ``VERSION``/``BEGIN``…``END`` header becomes the attributes Excel writes on import),
CRLF line ends.
"""

from __future__ import annotations

import re
from pathlib import Path

from .vbaproject.project import CLASS, DOCUMENT, PROCEDURAL, Module

VBA_DIR = Path(__file__).parent / "vba"
PROJECT_NAME = "nianbao"  # VBA project name, xlwings' PROJECT_NAME, the settings sheet and file
CUSTOM_ADDIN = "xlwings_custom_addin.bas"
DICTIONARY = "addin/Dictionary.cls"
RIBBON_MODULE = "NianbaoRibbon"
SETTINGS_SHEET_MODULE = "Sheet1"  # the code name of the sheet nianbao.conf
PROJECT_NAME_LINE = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', re.M)
VERSION_LINE = re.compile(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', re.M)
CLASS_HEADER = re.compile(r"\AVERSION 1\.0 CLASS\r\nBEGIN\r\n(?:.*\r\n)*?END\r\n")
CLASS_BASE = 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'


class SourceError(Exception):
    """The VBA source cannot be assembled. ``str(error)`` is the Chinese message."""


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def xlwings_dir() -> Path:
    from nianbao.extras import MissingExtra, need

    try:
        xlwings = need("xlwings")
    except MissingExtra as e:
        raise SourceError(str(e)) from None
    return Path(xlwings.__file__).parent


def _read(path: Path) -> str:
    try:
        return crlf(path.read_bytes().decode("cp1252"))
    except FileNotFoundError:
        raise SourceError(f"找不到 VBA 源文件 {path}；xlwings 安装不完整或版本过旧（需要 0.30 或更高版本）") from None


def own_module(filename: str, kind: str) -> Module:
    path = VBA_DIR / filename
    return Module(path.stem, kind, _read(path))


def xlwings_module(folder: Path | None = None) -> Module:
    """xlwings' custom add-in module with our PROJECT_NAME."""
    text = _read((folder or xlwings_dir()) / CUSTOM_ADDIN)
    text, n = PROJECT_NAME_LINE.subn(rf'\1"{PROJECT_NAME}"', text)
    if n != 1:
        raise SourceError(f"xlwings 的 {CUSTOM_ADDIN} 中没有唯一的 PROJECT_NAME 声明，无法生成加载项")
    return Module("xlwings", PROCEDURAL, text)


def class_module(path: Path) -> Module:
    """An exported class (.cls) as its module stream holds it."""
    text = _read(path)
    body, n = CLASS_HEADER.subn("", text)
    if n != 1:
        raise SourceError(f"{path.name} 不是导出的 VBA 类模块")
    lines = body.split("\r\n")
    out = []
    for line in lines:
        out.append(line)
        if line.startswith("Attribute VB_Name ="):
            out.append(CLASS_BASE)
        elif line.startswith("Attribute VB_Exposed ="):
            out += ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
    return Module(path.stem, CLASS, "\r\n".join(out))


def xlwings_version(source: str) -> str | None:
    m = VERSION_LINE.search(source)
    return m.group(1) if m else None


def modules(folder: Path | None = None) -> list[Module]:
    """Every module of the add-in's VBA project, in the order the project lists them."""
    folder = folder or xlwings_dir()
    return [
        own_module("ThisWorkbook.cls", DOCUMENT),
        own_module(f"{SETTINGS_SHEET_MODULE}.cls", DOCUMENT),
        class_module(folder / DICTIONARY),
        xlwings_module(folder),
        own_module(f"{RIBBON_MODULE}.bas", PROCEDURAL),
    ]
