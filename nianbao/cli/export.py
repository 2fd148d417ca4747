"""``nianbao export``: a filled workbook into the interchange format (JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..atomic import OutputError, atomic_output, check_output
from ..check import locate
from ..findings import Finding
from ..readers import ReadError, read


def note_line(f: Finding) -> str:
    """A reader's note (a converted cell, a stale cached result) for stderr."""
    where = f"{f.sheet}!{f.cell} " if f.sheet and f.cell else ""
    return f"提示：{where}{f.message}"


@click.command("export")
@click.argument("workbook", metavar="工作簿.xlsx", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="输出的报告文件（交换格式 JSON）；省略时写到标准输出。")
def command(workbook: Path, output: Path | None) -> None:
    """把填好的模板（.xlsx 等）导出为交换格式 JSON。

    导出只做转换，不做校验（校验请用 nianbao validate）：空白单元格导出为 null；
    读取时做过的转换（如「0件」按 0 读取）和公式缓存值不一致，作为提示写到标准错误。

    \b
    示例：
      nianbao export 卫健局2023.xlsx -o 卫健局2023.json
      nianbao export 卫健局2023.xlsx | jq .applications.new

    \b
    退出状态：0 已导出（报告本身可能仍有错误）；2 文件无法读取、不是完好的模板或无法写入。
    """
    try:
        if output is not None:
            check_output(output, [workbook])
        loaded = read(workbook)
    except (ReadError, OutputError) as e:
        click.echo(f"错误：{e}", err=True)
        sys.exit(2)
    for f in locate(loaded.findings, loaded.locations):
        click.echo(note_line(f), err=True)
    text = json.dumps(loaded.document, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with atomic_output(output) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as e:
        click.echo(f"错误：无法写入 {output}：{e.strerror or e}", err=True)
        sys.exit(2)
    click.echo(f"已导出：{output}", err=True)
