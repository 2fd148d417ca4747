"""``nianbao fill``: a report written into a fresh template."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.codes import Code
from ..core.forms import FORMS
from ..core.validate import validate
from ..io.atomic import OutputError, check_output
from ..io.check import locate
from ..io.readers import ReadError, read
from .errors import Failure
from .export import note_line
from .output import say
from .template import force_option, output_suffix_problem, refuse_existing


@click.command("fill")
@click.argument("report", metavar="报告.json", type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path), help="输出的模板文件（.xlsx）。")
@force_option
def command(report: Path, output: Path, force: bool) -> None:
    """把报告（交换格式 JSON，或旧模板 .xlsx）填入一份新模板。

    报告原样写入，不做校验：空值留空，勾稽关系不符的在模板中显示 ✗。
    合计与各项之和不符时，合计格保留报告中的数字，以便原样导出。

    \b
    示例：
      nianbao fill 卫健局2023.json -o 卫健局2023.xlsx

    报告含有表式中没有的项目（如 2019 年表式的报告中有 2021 年表式的项目）时不填写，以免丢失数据。

    \b
    退出状态：0 已生成；2 报告无法读取、表式无法识别、含表式中没有的项目、输出文件已存在（未加 --force）或无法写入。
    """
    problem = output_suffix_problem(output)
    if problem:
        raise click.UsageError(problem)
    try:
        check_output(output, [report])
    except OutputError as e:
        raise Failure(str(e)) from None
    refuse_existing(output, force)
    try:
        loaded = read(report)
    except ReadError as e:
        raise Failure(str(e)) from None
    for f in locate(loaded.findings, loaded.locations):  # conversions made reading a workbook
        say(note_line(f), err=True)
    document = loaded.document
    form = document.get("form")
    if form not in FORMS:
        known = " 或 ".join(f'"{k}"' for k in sorted(FORMS))
        raise Failure(f"{report.name}：表式「{form}」无法识别，应为 {known}") from None
    unknown = [f.message for f in validate(document) if f.rule == Code.UNKNOWN]
    if unknown:  # a field the template has no cell for would be lost without a word
        raise Failure(f"{report.name}：" + "；".join(unknown) + "。模板中没有这些项目，填入会丢失其数据，"
                      "未生成模板；请删去或改正这些项目（或核对表式年份）后再填")
    from ..excel.template import TemplateError, write_workbook  # openpyxl: only when a workbook is written

    try:
        write_workbook(output, form, document, inputs=[report])
    except (OutputError, TemplateError) as e:
        raise Failure(str(e)) from None
    say(f"已填入 {FORMS[form].document}表式模板：{output}")
