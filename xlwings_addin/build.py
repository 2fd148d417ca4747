"""Building the add-in files from the ribbon add-in that xlwings ships.

xlwings' ``quickstart_addin_ribbon.xlam`` (BSD licence, inside the installed package) holds
the VBA that runs Python — its ribbon callback ``RibbonMyAddin.RunMain`` runs
``import <name>; <name>.main()`` where ``<name>`` is the add-in's file name without
``.xlam``. One add-in is built per button, named after the module it calls
(``xlwings_addin.validate.xlam``). Only the ribbon part ``customUI/customUI.xml`` is
rewritten: every add-in declares the same tab and group with ``idQ`` under one namespace,
so Excel merges them into one tab 政务公开年报, and each button's ``onAction`` is qualified
with its own add-in's file name, so that a click never runs another add-in's procedure of
the same name. Every other part of the zip (``vbaProject.bin`` above all) is copied byte
for byte.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from nianbao.io.atomic import write_bytes

from . import TAB

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
CUSTOM_UI = "customUI/customUI.xml"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
EXTENSIBILITY = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
# The VBA procedure of xlwings' template that runs the add-in's module.
CALLBACK = "RibbonMyAddin.RunMain"

PACKAGE = "xlwings_addin"
NAMESPACE = "urn:nianbao:addin"  # shared by every add-in of the tab
PREFIX = "nb"
GROUP = "年报校验"


@dataclass(frozen=True)
class Button:
    module: str  # the module whose main() the button runs: xlwings_addin.validate
    label: str
    image: str  # a built-in Office icon (imageMso)
    tip: str

    @property
    def key(self) -> str:
        return self.module.rsplit(".", 1)[-1]

    @property
    def filename(self) -> str:
        return f"{self.module}.xlam"

    @property
    def on_action(self) -> str:
        """The callback qualified with the add-in's own file, as Excel's Application.Run
        names it."""
        return f"'{self.filename}'!{CALLBACK}"


BUTTONS = (
    Button(f"{PACKAGE}.validate", "校验", "MacroPlay", "校验当前工作簿：标出有问题的单元格，并列出全部问题（工作表「校验结果」）"),
    Button(f"{PACKAGE}.clear", "清除标记", "Delete", "清除「校验」留下的标记、批注和「校验结果」工作表，不影响您自己的格式"),
    Button(f"{PACKAGE}.export", "导出 JSON", "FileSaveAs", "将当前工作簿中的报告导出为交换格式 JSON，保存在工作簿旁"),
)


class BuildError(Exception):
    """The add-in cannot be built. ``str(error)`` is the Chinese message."""


def template_path() -> Path:
    import xlwings

    path = Path(xlwings.__file__).parent / TEMPLATE_NAME
    if not path.is_file():
        raise BuildError(f"找不到 xlwings 自带的功能区加载项模板 {path}；请安装 xlwings 0.30 或更高版本")
    return path


def custom_ui(button: Button) -> bytes:
    """The ribbon of one add-in: the shared tab and group, with this add-in's button."""
    a = quoteattr
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<customUI xmlns="{CUSTOM_UI_NS}" xmlns:{PREFIX}="{NAMESPACE}">\n'
        "  <ribbon>\n"
        "    <tabs>\n"
        f"      <tab idQ={a(PREFIX + ':tab')} label={a(TAB)}>\n"
        f"        <group idQ={a(PREFIX + ':group')} label={a(GROUP)}>\n"
        f"          <button id={a(button.key)} label={a(button.label)} size=\"large\" imageMso={a(button.image)}\n"
        f"                  screentip={a(button.label)} supertip={a(button.tip)}\n"
        f"                  onAction={a(button.on_action)} />\n"
        "        </group>\n"
        "      </tab>\n"
        "    </tabs>\n"
        "  </ribbon>\n"
        "</customUI>\n"
    )
    return xml.encode("utf-8")


def addin_bytes(button: Button, template: Path) -> bytes:
    """The .xlam of one button: the template with its ribbon part replaced."""
    import io

    out = io.BytesIO()
    try:
        with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w") as dst:
            names = src.namelist()
            if CUSTOM_UI not in names:
                raise BuildError(f"模板 {template.name} 中没有功能区部件 {CUSTOM_UI}")
            for info in src.infolist():
                data = custom_ui(button) if info.filename == CUSTOM_UI else src.read(info.filename)
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                copy.create_system = info.create_system
                dst.writestr(copy, data)
    except zipfile.BadZipFile as e:
        raise BuildError(f"模板 {template} 不是有效的 zip 文件：{e}") from None
    return out.getvalue()


def build(out_dir: str | os.PathLike[str], template: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write one add-in per button into ``out_dir`` (created if missing); their paths."""
    src = Path(template) if template is not None else template_path()
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise BuildError(f"{folder} 不是文件夹")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for button in BUTTONS:
        target = folder / button.filename
        data = addin_bytes(button, src)
        write_bytes(target, data)
        written.append(target)
    return written
