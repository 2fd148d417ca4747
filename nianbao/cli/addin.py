"""``nianbao addin build``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .output import say


@click.group("addin")
def command() -> None:
    """Excel 加载项（功能区选项卡「政务公开年报」：校验、清除标记、导出 JSON）。"""


@command.command("build")
@click.option(
    "--output",
    "-o",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    metavar="文件夹",
    help="加载项（.xlam）写入的文件夹，不存在时自动创建。",
)
def build(out_dir: Path) -> None:
    """生成 Excel 加载项：每个按钮一个 .xlam 文件，共用一个选项卡。

    \b
    安装：xlwings addin install --dir 文件夹
    请勿重命名生成的文件：文件名决定按钮调用的 Python 模块。
    """
    from xlwings_addin.build import BuildError
    from xlwings_addin.build import build as build_addins

    from ..io.atomic import OutputError

    try:
        paths = build_addins(out_dir)
    except (BuildError, OutputError, OSError) as e:
        say(f"无法生成加载项：{e}", err=True)
        sys.exit(2)
    for p in paths:
        say(str(p))
    say(
        f"安装：关闭 Excel 后运行 xlwings addin install --dir \"{out_dir}\"；"
        "再用安装了 nianbao 的 Python 运行 xlwings config create --force 设置解释器。请勿重命名这些文件。",
        err=True,
    )
