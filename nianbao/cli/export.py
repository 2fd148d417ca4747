"""``nianbao export``: a filled workbook into the interchange format (JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.findings import Finding
from ..core.sanitize import json_text
from ..io.atomic import OutputError, check_output, write_text
from ..io.check import check_loaded
from ..io.oserror import os_error_text
from ..io.readers import ReadError, read
from .errors import Failure
from .output import say


def note_line(f: Finding) -> str:
    """A finding for stderr: errors as such, the reader's notes and warnings as 提示."""
    where = f"{f.where} " if f.sheet and f.cell else ""
    return f"{'错误' if f.is_error else '提示'}：{where}{f.message}"


@click.command("export")
@click.argument("workbook", metavar="工作簿.xlsx", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="输出的报告文件（交换格式 JSON）；省略时写到标准输出。")
def command(workbook: Path, output: Path | None) -> None:
    """把填好的模板（.xlsx 等）导出为交换格式 JSON。

    空白单元格导出为 null，绝不当作 0。导出的同时做与 nianbao validate 相同的校验：
    错误、读取时做过的转换（如「0件」按 0 读取）和公式缓存值不一致写到标准错误，
    JSON 照常导出，便于修改后再填回模板（nianbao fill）。

    \b
    示例：
      nianbao export 卫健局2023.xlsx -o 卫健局2023.json
      nianbao export 卫健局2023.xlsx | jq .applications.new

    \b
    退出状态：0 已导出，没有错误；1 已导出，但报告有错误；2 文件无法读取、不是完好的模板或无法写入。
    """
    try:
        if output is not None:
            check_output(output, [workbook])
        loaded = read(workbook)
    except (ReadError, OutputError) as e:
        raise Failure(str(e)) from None
    result = check_loaded(loaded, str(workbook))
    for f in result.findings:
        say(note_line(f), err=True)
    status = 1 if result.tally.errors else 0
    text = json_text(loaded.document) + "\n"
    if output is None:
        click.echo(text, nl=False)  # JSON: json_text escaped what it must
        sys.exit(status)
    try:
        write_text(output, text)
    except OSError as e:
        raise Failure(f"无法写入 {output}：{os_error_text(e)}") from None
    say(f"已导出：{output}" + (f"（{result.tally}）" if result.findings else ""), err=True)
    sys.exit(status)
