"""Installing the add-in into Excel's startup folder, and saying what is installed.

``nianbao addin install`` does what ``xlwings addin install`` does for one file: copy the
add-in into the user's XLSTART folder (``%APPDATA%\\Microsoft\\Excel\\XLSTART``, a trusted
location by default), where Excel opens it at start. It replaces an older ``nianbao.xlam``
and removes the three add-ins of earlier versions (``xlwings_addin.*.xlam``).

``nianbao addin status`` reads the installed file back (no Excel needed): the interpreter its
settings name, and whether the user-level file ``%USERPROFILE%\\.nianbao\\nianbao.conf``
overrides it; whether that interpreter can import the package (it is run); and which xlwings
version the VBA came from against the xlwings installed here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

from nianbao.io.atomic import write_bytes
from nianbao.io.oserror import os_error_text

from .build import ADDIN_NAME, BUTTONS, INTERPRETER_KEY, SETTINGS_SHEET, SHEET, TEMPLATE_VBA, addin_bytes
from .sources import PROJECT_NAME, xlwings_version

OLD_ADDINS = tuple(f"xlwings_addin.{b.module.rsplit('.', 1)[-1]}.xlam" for b in BUTTONS)
WINDOWS_XLSTART = r"%APPDATA%\Microsoft\Excel\XLSTART"
IMPORT_CHECK = "import xlwings, xlwings_addin, nianbao; print(xlwings.__version__)"


class InstallError(Exception):
    """``str(error)`` is the Chinese message."""


def startup_folder() -> Path | None:
    """The user's XLSTART folder on Windows; None elsewhere (no Excel to start the add-in)."""
    if sys.platform != "win32":
        return None
    appdata = os.environ.get("APPDATA")
    return Path(appdata) / "Microsoft" / "Excel" / "XLSTART" if appdata else None


def user_config_path() -> Path:
    """``%USERPROFILE%\\.nianbao\\nianbao.conf``, as xlwings' GetConfigFilePath has it."""
    home = os.environ.get("USERPROFILE") or str(Path.home())
    return Path(home) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"


def read_config_file(path: Path) -> dict[str, str]:
    """An xlwings settings file: lines ``"KEY","VALUE"`` (keys upper-cased), read as VBA's
    ``Input #`` reads it — in the system's ANSI code page on Windows."""
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="mbcs" if sys.platform == "win32" else "utf-8", errors="replace")
    except OSError:
        return out
    for line in text.splitlines():
        m = re.fullmatch(r'\s*"([^"]*)"\s*,\s*"([^"]*)"\s*', line)
        if m:
            out[m.group(1).upper()] = m.group(2)
    return out


@dataclass(frozen=True)
class Installed:
    path: Path
    replaced: bool  # an older nianbao.xlam was there
    removed: tuple[Path, ...]  # add-ins of earlier versions removed


def install(folder: Path, interpreter: str | None = None) -> Installed:
    """Build the add-in and put it into ``folder`` (Excel closed: an open add-in is locked)."""
    data = addin_bytes(interpreter)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ADDIN_NAME
    replaced = target.exists()
    try:
        write_bytes(target, data)
    except OSError as e:
        why = os_error_text(e)
        raise InstallError(f"无法写入 {target}：{why}。如果 Excel 正在运行，请先关闭 Excel 再安装") from None
    removed = []
    for name in OLD_ADDINS:
        old = folder / name
        if old.exists():
            try:
                old.unlink()
            except OSError as e:
                raise InstallError(f"无法删除旧版加载项 {old}：{os_error_text(e)}。请先关闭 Excel") from None
            removed.append(old)
    return Installed(target, replaced, tuple(removed))


@dataclass(frozen=True)
class AddinInfo:
    """What an add-in file holds."""

    sheet_interpreter: str | None  # Interpreter_Win on the sheet nianbao.conf
    vba_xlwings: str | None  # the xlwings version its VBA module came from
    project_name: str | None


def read_addin(path: Path) -> AddinInfo:
    from .vbaproject.project import ProjectError, read

    try:
        with zipfile.ZipFile(path) as z:
            sheet = ElementTree.fromstring(z.read(SHEET))
            vba = read(z.read(TEMPLATE_VBA))
    except (OSError, zipfile.BadZipFile, KeyError, ProjectError, ElementTree.ParseError) as e:
        raise InstallError(f"无法读取加载项 {path}：{e}") from None
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cells = {}
    for c in sheet.iter(f"{ns}c"):
        cells[c.get("r")] = "".join(t.text or "" for t in c.iter(f"{ns}t"))
    interpreter = None
    for ref, text in cells.items():
        if ref.startswith("A") and text.upper() == INTERPRETER_KEY.upper():
            interpreter = cells.get("B" + ref[1:])
    return AddinInfo(interpreter, xlwings_version(vba.sources.get("xlwings", "")), vba.dir.name)


@dataclass(frozen=True)
class ImportCheck:
    ok: bool
    detail: str  # the xlwings version it imported, or the last line of the error


def check_interpreter(interpreter: str, timeout: float = 60) -> ImportCheck:
    """Run the interpreter: can it import xlwings and the package (what a click needs)?"""
    try:
        proc = subprocess.run(
            [interpreter, "-c", IMPORT_CHECK], capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        return ImportCheck(False, "找不到这个解释器")
    except OSError as e:
        return ImportCheck(False, f"无法运行：{os_error_text(e)}")
    except subprocess.TimeoutExpired:
        return ImportCheck(False, f"{timeout:.0f} 秒内没有结束")
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        return ImportCheck(False, lines[-1] if lines else f"退出码 {proc.returncode}")
    return ImportCheck(True, proc.stdout.strip())


@dataclass(frozen=True)
class Status:
    path: Path
    installed: bool
    info: AddinInfo | None
    user_config: Path
    user_interpreter: str | None  # set in the user-level file
    interpreter: str | None  # what a click will use
    check: ImportCheck | None
    installed_xlwings: str
    old_addins: tuple[Path, ...]


def status(folder: Path) -> Status:
    from nianbao.extras import MissingExtra, need

    try:
        xlwings = need("xlwings")
    except MissingExtra as e:
        raise InstallError(str(e)) from None

    path = folder / ADDIN_NAME
    info = read_addin(path) if path.is_file() else None
    user = user_config_path()
    user_interpreter = read_config_file(user).get(INTERPRETER_KEY.upper()) or None
    interpreter = user_interpreter or (info.sheet_interpreter if info else None)
    check = check_interpreter(os.path.expandvars(interpreter)) if interpreter else None
    old = tuple(folder / n for n in OLD_ADDINS if (folder / n).exists())
    return Status(path, info is not None, info, user, user_interpreter, interpreter, check, xlwings.__version__, old)


__all__ = ["SETTINGS_SHEET", "InstallError", "Installed", "Status", "install", "startup_folder", "status"]
