"""``nianbao clear``: a marked copy (``validate --annotate``) without this tool's marks."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.oserror import os_error_text
from .errors import Failure
from .output import say


@click.command("clear")
@click.argument("workbook", metavar="标注副本.xlsx", type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="输出的工作簿（.xlsx）：去掉标记后的副本；原文件不会被修改。")
def command(workbook: Path, output: Path) -> None:
    """清除本工具加的标记：把标注副本（validate --annotate 生成，或加载项「校验」后保存的工作簿）
    还原为标记前的样子。

    填色和批注恢复为标记前的原样（经办人自己加的填色、批注保留），「校验结果」工作表删除。
    与 Excel 加载项的「清除标记」按钮做同样的事。

    \b
    示例：
      nianbao clear 卫健局2023-标注.xlsx -o 卫健局2023.xlsx

    \b
    退出状态：0 已写入；2 文件无法读取、不是 .xlsx 工作簿或无法写入。
    """
    from ..excel.annotate import SUFFIXES, AnnotateError, unmark  # openpyxl: only when a workbook is written
    from ..io.atomic import OutputError
    from ..io.readers import ReadError

    for path, what in ((workbook, "标注副本"), (output, "输出文件")):
        if path.suffix.lower() not in SUFFIXES:
            raise Failure(f"{what}应为 .xlsx 工作簿，「{path.name}」不是") from None
    try:
        cells = unmark(workbook, output)
    except (AnnotateError, OutputError, ReadError) as e:
        raise Failure(str(e)) from None
    except OSError as e:
        raise Failure(f"无法写入 {output}：{os_error_text(e)}") from None
    say(f"已清除 {cells} 个单元格的标记：{output}")
