"""``nianbao addin build | install | status``: the Excel add-in nianbao.xlam."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from .errors import Exit, Failure
from .output import say

FOLDER = click.Path(path_type=Path, file_okay=False)
INTERPRETER_HELP = "加载项使用的 Python 解释器（默认：运行本命令的这个 Python，它装有 nianbao）。"


def _fail(what: str, e: Exception) -> NoReturn:
    raise Failure(f"{what}：{e}", prefix="")


@click.group("addin")
def command() -> None:
    """Excel 加载项 nianbao.xlam（功能区选项卡「政务公开年报」：校验、清除标记、导出 JSON）。

    \b
    安装（Windows，先关闭 Excel）：nianbao addin install
    查看安装情况：nianbao addin status
    """


@command.command("build")
@click.option("--output", "-o", "out_dir", required=True, type=FOLDER, metavar="文件夹",
              help="nianbao.xlam 写入的文件夹，不存在时自动创建。")
@click.option("--interpreter", metavar="python.exe", help=INTERPRETER_HELP)
def build(out_dir: Path, interpreter: str | None) -> None:
    """生成加载项 nianbao.xlam（不安装）。

    加载项中的工作表 nianbao.conf 记下 Python 解释器（Interpreter_Win）；
    %USERPROFILE%\\.nianbao\\nianbao.conf 中的 Interpreter_Win 优先。

    \b
    退出状态：0 已生成；2 无法生成（xlwings 缺失或损坏、输出文件夹不可用）。
    """
    from xlwings_addin.build import BuildError
    from xlwings_addin.build import build as build_addin

    from ..io.atomic import OutputError

    try:
        path = build_addin(out_dir, interpreter)
    except (BuildError, OutputError, OSError) as e:
        _fail("无法生成加载项", e)
    say(str(path))
    say("安装：关闭 Excel 后运行 nianbao addin install（或把该文件复制到 Excel 的 XLSTART 文件夹）。", err=True)


def _folder(folder: Path | None, verb: str) -> Path:
    from xlwings_addin.build import ADDIN_NAME
    from xlwings_addin.install import WINDOWS_XLSTART, startup_folder

    if folder is not None:
        return folder
    found = startup_folder()
    if found is None:
        raise Failure(
            f"本机不是 Windows，没有 Excel 的启动文件夹。在 Windows 上会{verb} {WINDOWS_XLSTART}\\{ADDIN_NAME}；"
            "在本机请用 --dir 指定文件夹。",
            code=Exit.PROBLEMS,
            prefix="",
        )
    return found


DIR_OPTION = click.option(
    "--dir", "folder", type=FOLDER, metavar="文件夹",
    help="加载项所在的文件夹（默认：Excel 的启动文件夹 %APPDATA%\\Microsoft\\Excel\\XLSTART）。",
)


@command.command("install")
@DIR_OPTION
@click.option("--interpreter", metavar="python.exe", help=INTERPRETER_HELP)
def install(folder: Path | None, interpreter: str | None) -> None:
    """生成并安装加载项：放进 Excel 的启动文件夹，替换旧版本。

    请先关闭 Excel。同时删除旧版的三个加载项 xlwings_addin.*.xlam。
    安装后打开 Excel，功能区出现选项卡「政务公开年报」。

    \b
    退出状态：0 已安装；1 本机不是 Windows 且未给出 --dir；2 无法生成或写入（Excel 未关闭等）。
    """
    from xlwings_addin.build import BuildError
    from xlwings_addin.install import InstallError
    from xlwings_addin.install import install as install_addin

    target = _folder(folder, "安装到")
    try:
        done = install_addin(target, interpreter)
    except (BuildError, InstallError, OSError) as e:
        _fail("无法安装加载项", e)
    say(f"{'已更新' if done.replaced else '已安装'}：{done.path}")
    for old in done.removed:
        say(f"已删除旧版加载项：{old}")
    say(f"解释器：{interpreter or sys.executable}")
    say("请重新打开 Excel；用 nianbao addin status 查看安装情况。")


@command.command("status")
@DIR_OPTION
def status(folder: Path | None) -> None:
    """查看加载项：是否已安装、使用哪个 Python 解释器、该解释器能否导入 nianbao、xlwings 版本是否一致。

    \b
    退出状态：0 一切正常；1 未安装或有问题（解释器不能导入、版本不一致、旧版仍在）；2 无法读取。
    """
    from xlwings_addin.install import InstallError
    from xlwings_addin.install import status as addin_status

    target = _folder(folder, "查看")
    try:
        s = addin_status(target)
    except InstallError as e:
        _fail("无法查看加载项", e)
    problems = 0
    if s.info is None:
        say(f"加载项：未安装（{s.path} 不存在）；运行 nianbao addin install 安装")
        problems += 1
    else:
        say(f"加载项：{s.path}（VBA 工程 {s.info.project_name}）")
        say(f"加载项中的解释器（工作表 nianbao.conf）：{s.info.sheet_interpreter or '未设置'}")
    if s.user_interpreter:
        say(f"用户设置 {s.user_config}：Interpreter_Win = {s.user_interpreter}（优先）")
    else:
        say(f"用户设置 {s.user_config}：无")
    if s.interpreter:
        say(f"点击按钮时使用：{s.interpreter}")
        if s.check and s.check.ok:
            say(f"  能导入 nianbao 和 xlwings（xlwings {s.check.detail}）")
        elif s.check:
            say(f"  不能导入 nianbao：{s.check.detail}")
            say("  处理：用装了 nianbao 的 Python 运行 nianbao addin install，或在用户设置中改 Interpreter_Win")
            problems += 1
    if s.info:
        built = s.info.vba_xlwings or "未知"
        same = "一致" if built == s.installed_xlwings else "不一致：请运行 nianbao addin install 重新生成"
        say(f"xlwings：加载项的 VBA 来自 {built}，本机安装的是 {s.installed_xlwings}（{same}）")
        problems += built != s.installed_xlwings
        if s.check and s.check.ok and s.check.detail != built:
            say(f"  注意：解释器中的 xlwings 是 {s.check.detail}，与加载项的 VBA（{built}）不一致")
            problems += 1
    for old in s.old_addins:
        say(f"旧版加载项仍在：{old}（nianbao addin install 会删除）")
        problems += 1
    sys.exit(Exit.PROBLEMS if problems else Exit.OK)
