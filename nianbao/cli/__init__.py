"""The ``nianbao`` command: a thin layer over the library. Every word it prints is Chinese."""

from __future__ import annotations

import click

from .. import __version__
from . import i18n  # noqa: F401  (Chinese for click's own words)

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT, subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, "-V", "--version", prog_name="nianbao", message="%(prog)s %(version)s")
def main() -> None:
    """nianbao（年报）：政府信息公开工作年度报告的模板、校验与汇总工具。

    \b
    常用命令：
      nianbao validate 报告.xlsx           校验一份或多份报告
      nianbao template --form 2021 -o 模板.xlsx
      nianbao consolidate 文件夹/ -o 汇总.xlsx
    """


def _register() -> None:
    from . import addin, consolidate, export, fill, template, validate

    for module in (validate, template, export, fill, addin, consolidate):
        main.add_command(module.command)


_register()
