"""Building the add-in ``nianbao.xlam`` (``nianbao addin build``).

One workbook add-in holds everything:

* ``customUI/customUI.xml`` — the tab 政务公开年报 with one button per entry of
  :data:`BUTTONS`, each ``onAction`` naming its own procedure of the module ``NianbaoRibbon``
  (``NianbaoRibbon.OnValidate`` …), names no other add-in uses;
* ``xl/vbaProject.bin`` — the VBA project ``nianbao``, written from source text
  (:mod:`xlwings_addin.sources`) by :mod:`xlwings_addin.vbaproject`, with the references of
  xlwings' ribbon add-in template (which Excel made);
* the sheet ``nianbao.conf`` — active settings that xlwings' ``GetConfig`` reads:
  ``Interpreter_Win`` is the interpreter the build runs in (column C keeps it for the ribbon
  module, which lets ``%USERPROFILE%\\.nianbao\\nianbao.conf`` override it), and
  ``ADD_WORKBOOK_TO_PYTHONPATH`` is off, so files beside a report never shadow the package;
* the theme and styles of xlwings' template, copied byte for byte.

Nothing here is committed as a binary: the add-in is made from the installed xlwings.
"""

from __future__ import annotations

import io
import os
import re
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from nianbao.io.atomic import write_bytes

from . import TAB
from .sources import PROJECT_NAME, RIBBON_MODULE, SETTINGS_SHEET_MODULE, SourceError, modules, xlwings_dir
from .vbaproject.project import ProjectError, read_template
from .vbaproject.project import build as build_project

ADDIN_NAME = f"{PROJECT_NAME}.xlam"
SETTINGS_SHEET = f"{PROJECT_NAME}.conf"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
TEMPLATE_VBA = "xl/vbaProject.bin"
COPIED = ("xl/theme/theme1.xml", "xl/styles.xml")
CUSTOM_UI = "customUI/customUI.xml"
SHEET = "xl/worksheets/sheet1.xml"
# The Office 2007 ribbon (customUI 2006/01) is found through the relationship type of its own
# version; ".../2007/relationships/ui/extensibility" belongs to Office 2010's customUI14 (2009/07),
# although xlwings' quickstart template pairs it with 2006/01.
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
EXTENSIBILITY = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CORE_PROPERTIES = f"{PKG_REL_NS}/metadata/core-properties"
GROUP = "年报校验"
# The VBA project's own ID (a fixed name-based UUID): not the one every xlwings quickstart add-in shares.
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:nianbao:excel-addin:vba-project")).upper() + "}"
INTERPRETER_KEY = "Interpreter_Win"
# (key, value) rows of the settings sheet besides the interpreter
SETTINGS = (("ADD_WORKBOOK_TO_PYTHONPATH", "false"),)


@dataclass(frozen=True)
class Button:
    key: str  # the control's id suffix
    callback: str  # procedure of NianbaoRibbon
    module: str  # the Python module whose main() the callback runs
    label: str
    image: str  # a built-in Office icon (imageMso)
    tip: str

    @property
    def on_action(self) -> str:
        return f"{RIBBON_MODULE}.{self.callback}"

    @property
    def python(self) -> str:
        """The command the callback passes to RunPython."""
        return f"import {self.module}; {self.module}.main()"


BUTTONS = (
    Button("Validate", "OnValidate", "xlwings_addin.validate", "校验", "MacroPlay",
           "校验当前工作簿：标出有问题的单元格，并列出全部问题（工作表「校验结果」）"),
    Button("Clear", "OnClear", "xlwings_addin.clear", "清除标记", "Delete",
           "清除「校验」留下的标记、批注和「校验结果」工作表，不影响您自己的格式"),
    Button("Export", "OnExport", "xlwings_addin.export", "导出 JSON", "FileSaveAs",
           "将当前工作簿中的报告导出为交换格式 JSON，保存在工作簿旁（同名 .json）"),
)


class BuildError(Exception):
    """The add-in cannot be built. ``str(error)`` is the Chinese message."""


def template_path(folder: Path | None = None) -> Path:
    try:
        path = (folder or xlwings_dir()) / TEMPLATE_NAME
    except SourceError as e:  # xlwings not installed: the message names the extra
        raise BuildError(str(e)) from None
    if not path.is_file():
        raise BuildError(f"找不到 xlwings 自带的功能区加载项模板 {path}；请安装 xlwings 0.30 或更高版本")
    return path


def callback_body(source: str, callback: str) -> str | None:
    """The body of ``Sub callback(control As IRibbonControl)`` in a module's source."""
    m = re.search(
        rf"^Public Sub {callback}\(control As IRibbonControl\)\r?\n(.*?)^End Sub", source, re.M | re.S
    )
    return m.group(1) if m else None


def check_callbacks(source: str) -> None:
    """Every button's callback exists in the ribbon module and runs that button's command."""
    for b in BUTTONS:
        body = callback_body(source, b.callback)
        if body is None or f'RunPython "{b.python}"' not in body:
            raise BuildError(
                f"VBA 模块 {RIBBON_MODULE} 中没有按钮「{b.label}」的回调 {b.callback}（应调用 {b.python}）"
            )


def custom_ui() -> bytes:
    a = quoteattr
    buttons = "".join(
        f"          <button id={a('nianbao' + b.key)} label={a(b.label)} size=\"large\" imageMso={a(b.image)}\n"
        f"                  screentip={a(b.label)} supertip={a(b.tip)} onAction={a(b.on_action)} />\n"
        for b in BUTTONS
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<customUI xmlns="{CUSTOM_UI_NS}">\n'
        "  <ribbon>\n"
        "    <tabs>\n"
        f"      <tab id=\"nianbaoTab\" label={a(TAB)}>\n"
        f"        <group id=\"nianbaoGroup\" label={a(GROUP)}>\n"
        f"{buttons}"
        "        </group>\n"
        "      </tab>\n"
        "    </tabs>\n"
        "  </ribbon>\n"
        "</customUI>\n"
    )
    return xml.encode("utf-8")


def _cell(ref: str, text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def settings_sheet(interpreter: str) -> bytes:
    """The sheet nianbao.conf: keys in column A from A1 down (what xlwings' GetConfigFromSheet
    reads, with the values of column B), the build's interpreter kept in column C, a note in D."""
    rows = [
        (INTERPRETER_KEY, interpreter, interpreter,
         f"由 nianbao addin build 写入；%USERPROFILE%\\.{PROJECT_NAME}\\{SETTINGS_SHEET} 中的 {INTERPRETER_KEY} 优先"),
        *[(k, v, v, "不把工作簿所在文件夹加入 Python 搜索路径") for k, v in SETTINGS],
    ]
    body = "".join(
        f'<row r="{i}">' + "".join(_cell(f"{col}{i}", text) for col, text in zip("ABCD", row, strict=True)) + "</row>"
        for i, row in enumerate(rows, 1)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<sheetPr codeName="{SETTINGS_SHEET_MODULE}"/><dimension ref="A1:D{len(rows)}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        '<cols><col min="1" max="1" width="30" customWidth="1"/><col min="2" max="3" width="60" customWidth="1"/>'
        '<col min="4" max="4" width="80" customWidth="1"/></cols>'
        f"<sheetData>{body}</sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
    return xml.encode("utf-8")


def _parts(interpreter: str, vba: bytes, copied: dict[str, bytes]) -> dict[str, bytes]:
    ct = "application/vnd.openxmlformats-officedocument"
    overrides = {
        "/xl/workbook.xml": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
        "/xl/worksheets/sheet1.xml": f"{ct}.spreadsheetml.worksheet+xml",
        "/xl/theme/theme1.xml": f"{ct}.theme+xml",
        "/xl/styles.xml": f"{ct}.spreadsheetml.styles+xml",
        "/xl/vbaProject.bin": "application/vnd.ms-office.vbaProject",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{ct}.extended-properties+xml",
    }
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
        + "</Types>"
    )

    def rels(items: list[tuple[str, str, str]]) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_REL_NS}">'
            + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in items)
            + "</Relationships>"
        ).encode("utf-8")

    od = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    root_rels = rels([
        ("rId1", f"{od}/officeDocument", "xl/workbook.xml"),
        ("rId2", CORE_PROPERTIES, "docProps/core.xml"),
        ("rId3", f"{od}/extended-properties", "docProps/app.xml"),
        ("rId4", EXTENSIBILITY, CUSTOM_UI),
    ])
    book_rels = rels([
        ("rId1", f"{od}/worksheet", "worksheets/sheet1.xml"),
        ("rId2", f"{od}/theme", "theme/theme1.xml"),
        ("rId3", f"{od}/styles", "styles.xml"),
        ("rId4", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin"),
    ])
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<fileVersion appName="xl"/><workbookPr codeName="ThisWorkbook"/>'
        '<bookViews><workbookView visibility="hidden"/></bookViews>'
        f'<sheets><sheet name={quoteattr(SETTINGS_SHEET)} sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(TAB)}（nianbao Excel 加载项）</dc:title><dc:creator>nianbao</dc:creator>"
        "</cp:coreProperties>"
    )
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>Microsoft Excel</Application></Properties>"
    )
    return {
        "[Content_Types].xml": types.encode("utf-8"),
        "_rels/.rels": root_rels,
        "docProps/core.xml": core.encode("utf-8"),
        "docProps/app.xml": app.encode("utf-8"),
        "xl/workbook.xml": workbook.encode("utf-8"),
        "xl/_rels/workbook.xml.rels": book_rels,
        SHEET: settings_sheet(interpreter),
        **copied,
        TEMPLATE_VBA: vba,
        CUSTOM_UI: custom_ui(),
    }


def addin_bytes(interpreter: str | None = None, xlwings_folder: Path | None = None) -> bytes:
    """``nianbao.xlam`` for ``interpreter`` (default: the one running this)."""
    interpreter = interpreter or sys.executable
    template = template_path(xlwings_folder)
    try:
        with zipfile.ZipFile(template) as z:
            vba_template = read_template(z.read(TEMPLATE_VBA))
            copied = {name: z.read(name) for name in COPIED}
    except (zipfile.BadZipFile, KeyError) as e:
        raise BuildError(f"xlwings 的模板 {template} 已损坏：{e}") from None
    except ProjectError as e:
        raise BuildError(f"xlwings 的模板 {template}：{e}") from None
    try:
        mods = modules(xlwings_folder)
        check_callbacks(next(m.source for m in mods if m.name == RIBBON_MODULE))
        vba = build_project(PROJECT_NAME, mods, vba_template, PROJECT_ID)
    except (SourceError, ProjectError) as e:
        raise BuildError(str(e)) from None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _parts(interpreter, vba, copied).items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build(out_dir: str | os.PathLike[str], interpreter: str | None = None) -> Path:
    """Write ``nianbao.xlam`` into ``out_dir`` (created if missing); its path."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise BuildError(f"{folder} 不是文件夹")
    data = addin_bytes(interpreter)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ADDIN_NAME
    write_bytes(target, data)
    return target
