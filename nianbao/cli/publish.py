"""``nianbao publish``: the annual report's document, made from a report's numbers."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.atomic import OutputError, check_output
from ..io.check import Report, check_loaded
from ..io.oserror import os_error_text
from ..io.readers import ReadError, read
from .errors import Exit, Failure
from .output import finding_line, print_text


@click.command("publish")
@click.argument("report", metavar="报告文件", type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path), metavar="输出文件",
              help="生成的年度报告：.docx（Word）、.html（网页）或 .md（Markdown），按扩展名决定格式。")
@click.option("--force", is_flag=True,
              help="报告有错误时仍然生成；文档首页注明“本报告未通过校验”，不得作为正式报告公开。")
@click.option("--overwrite", is_flag=True,
              help="输出文件已存在时覆盖它（默认不覆盖，以免冲掉已在文档中写好的文字）。")
def command(report: Path, output: Path, force: bool, overwrite: bool) -> None:
    """由报告的数字生成政府信息公开工作年度报告文档（Word、网页或 Markdown）。

    报告文件为填好的模板（.xlsx 等）、交换格式 JSON 或汇总表。文档含标题、六个法定部分、
    与全国统一表式完全一致的表二、表三、表四（合并单元格与表三勾稽关系说明照印），
    陈述数字的标准语句，以及供本机关填写文字的标记位置（黄色底纹的【……】）。
    汇总表生成的文档注明汇总层级和所含单位数。

    报告有错误时不生成文档，列出问题（与 nianbao validate 相同）；加 --force 可仍然生成。

    \b
    示例：
      nianbao publish 卫健局2023.xlsx -o 卫健局2023年度报告.docx
      nianbao publish 卫健局2023.json -o 年度报告.html

    \b
    退出状态：0 已生成；1 报告有错误，未生成；2 文件无法读取、格式不支持、输出文件已存在
    （未加 --overwrite）或无法写入。
    """
    from ..publish import PublishError, output_format, publish

    try:
        output_format(output)
        check_output(output, [report])
        if output.exists() and not overwrite:
            raise OutputError(
                f"输出文件 {output} 已存在；为免冲掉已写入文档的文字，请另选文件名，或加 --overwrite 覆盖"
            )
        loaded = read(report)
    except (ReadError, OutputError, PublishError) as e:
        raise Failure(str(e)) from None
    result = check_loaded(loaded, str(report))
    if result.tally.errors and not force:
        print_text(Report((result,)))
        raise Failure("报告有错误，未生成文档；请更正后重试，或加 --force 生成注明“未通过校验”的文档。",
                      code=Exit.PROBLEMS, prefix="")
    for f in result.findings:
        click.echo(finding_line(f), err=True)
    try:
        publish(loaded.document, output, result.findings)
    except PublishError as e:
        raise Failure(str(e)) from None
    except OSError as e:
        raise Failure(f"无法写入 {output}：{os_error_text(e)}") from None
    note = "（未通过校验，文档首页已注明）" if result.tally.errors else ""
    click.echo(f"已生成：{output}{note}")
