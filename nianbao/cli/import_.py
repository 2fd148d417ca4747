"""``nianbao import``: published reports (web pages, Word, PDF, text) into the report format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.forms import FORMS
from ..core.sanitize import json_text
from ..io.atomic import OutputError, check_output, write_text
from ..io.check import check_loaded
from ..io.oserror import error_text, os_error_text
from ..io.readers import ReadError
from .errors import Failure
from .export import note_line
from .output import say
from .template import force_option, refuse_existing

OUTPUTS = (".json", ".xlsx")


@click.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="发布稿...")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    help="输出：一份发布稿时为 .json（交换格式）或 .xlsx（填好的模板）；多份时为文件夹。",
)
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["json", "xlsx"]),
    default="json",
    show_default=True,
    help="输出为文件夹时，每份报告写成的格式。",
)
@click.option("--agency", default=None, metavar="名称", help="单位名称（代替从标题读出的名称）。")
@click.option("--year", type=int, default=None, metavar="年度", help="报告年度（代替从标题读出的年度）。")
@force_option
def command(
    sources: tuple[Path, ...], output: Path, fmt: str, agency: str | None, year: int | None, force: bool
) -> None:
    """把发布的年度报告（网页、Word、PDF、文本）读成交换格式 JSON 或填好的模板。

    可读：网页 .html/.htm、Word .docx、带文字层的 PDF、文本 .txt/.md；装有 LibreOffice 时还有 .doc/.wps。

    表式由表格中的标签判断，并与报告年度核对；单位名称和年度从标题读出（如“某某局2020年……年度报告”）。

    绝不猜数：每个数字都来自认出了行标签的一行，按标签之后的顺序对应各列；JSON 记下它在原文中的位置。

    原文缺少的行留空并写明；无法确定所属列的数字不采用。读出的问题与校验结果写到标准错误。

    \b
    示例：
      nianbao import 某局2020年报.html -o 某局2020.json
      nianbao import 某局2020年报.pdf -o 某局2020.xlsx
      nianbao import 年报/*.html -o 导入结果/ --to xlsx

    \b
    退出状态：0 已导入，无错误；1 已导入，有错误（含缺行、数字无法对应）；2 无法读取、输出已存在或无法写入。
    """
    if len(sources) > 1 or output.is_dir():
        if output.suffix.lower() in OUTPUTS and not output.is_dir():
            raise click.UsageError(f"有 {len(sources)} 份发布稿，--output 应为文件夹，不是 {output.name}")
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise Failure(f"无法建立输出文件夹 {output}：{os_error_text(e)}") from None
        targets = [output / f"{s.stem}.{fmt}" for s in sources]
    else:
        if output.suffix.lower() not in OUTPUTS:
            raise click.UsageError(f"输出文件应为 .json 或 .xlsx，实为「{output.suffix or '无扩展名'}」")
        targets = [output]
    worst = 0
    for source, target in zip(sources, targets, strict=True):
        worst = max(worst, _one(source, target, agency, year, force))
    sys.exit(worst)


def _one(source: Path, target: Path, agency: str | None, year: int | None, force: bool) -> int:
    from ..io.published import read_published

    try:
        check_output(target, [source])
    except OutputError as e:
        say(f"错误：{e}", err=True)
        return 2
    if target.is_file() and not force:
        refuse_existing(target, force)
    try:
        loaded = read_published(source, agency=agency, year=year)
    except ReadError as e:
        say(f"错误：{e}", err=True)
        return 2
    result = check_loaded(loaded, str(source))
    for f in result.findings:
        say(f"{source.name}：{note_line(f)}", err=True)
    document = loaded.document
    try:
        if target.suffix.lower() == ".xlsx":
            from ..excel.template import TemplateError, write_workbook

            try:
                write_workbook(target, document["form"], document, inputs=[source])
            except TemplateError as e:
                say(f"错误：{e}", err=True)
                return 2
        else:
            write_text(target, json_text(document) + "\n")
    except (OSError, OutputError) as e:
        say(f"错误：无法写入 {target}：{error_text(e)}", err=True)
        return 2
    form = FORMS[document["form"]]
    say(f"已导入 {source.name}（{form.document}表式）→ {target}（{result.tally}）", err=True)
    return 1 if result.tally.errors else 0
