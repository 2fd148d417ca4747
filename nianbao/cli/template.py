"""``nianbao template``: a blank locked template of a form."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.forms import FORMS, form_for_year
from ..io.atomic import OutputError
from .errors import Failure
from .output import say

OUTPUT_SUFFIXES = (".xlsx",)


force_option = click.option(
    "--force", "-f", is_flag=True, help="输出文件已存在时覆盖它（默认不覆盖，以免误删已填好的报告）。"
)


def refuse_existing(path: Path, force: bool) -> None:
    """A filled report is never overwritten by accident: an existing output needs --force."""
    if path.is_file() and not force:
        raise Failure(f"输出文件 {path} 已存在；为免覆盖已填好的报告，请另选文件名，或加 --force 覆盖")


def output_suffix_problem(path: Path) -> str | None:
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        return f"输出文件应为 Excel 工作簿（.xlsx），实为「{path.suffix or '无扩展名'}」"
    return None


@click.command("template")
@click.option("--form", "form", type=click.Choice(sorted(FORMS)), default=None,
              help="表式：2021（国办公开办函〔2021〕30号，2021 年度起）或 2019（国办公开办函〔2019〕60号，"
                   "2019、2020 年度）；给出 --year 时可省略。")
@click.option("--year", type=click.IntRange(2019, 2100), default=None, help="报告年度，写入封面。")
@click.option("--agency", default=None, help="单位名称，写入封面。")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path), help="输出的模板文件（.xlsx）。")
@force_option
def command(form: str | None, year: int | None, agency: str | None, output: Path, force: bool) -> None:
    """生成锁定的空白年报模板（.xlsx）。

    表二、表三、表四与官方表式逐字一致；只有浅黄色单元格可填写，合计自动计算，
    勾稽关系在表旁实时显示 ✓/✗，不符的单元格标红。

    \b
    示例：
      nianbao template --form 2021 -o 年报模板.xlsx
      nianbao template --year 2023 --agency 某某县卫生健康局 -o 卫健局2023.xlsx

    \b
    退出状态：0 已生成；2 用法错误、输出文件已存在（未加 --force）或无法写入。
    """
    if form is None:
        if year is None:
            raise click.UsageError("请用 --form 指定表式（2021 或 2019），或用 --year 给出报告年度")
        found = form_for_year(year)
        assert found is not None  # years start at 2019
        form = found.key
    elif year is not None and not FORMS[form].applies_to(year):
        right = form_for_year(year)
        raise click.UsageError(f"{year} 年度应使用 {right.key if right else '?'} 年表式，与 --form {form} 不符")
    problem = output_suffix_problem(output)
    if problem:
        raise click.UsageError(problem)
    refuse_existing(output, force)
    from ..excel.template import TemplateError, write_workbook  # openpyxl: only when a workbook is written

    try:
        write_workbook(output, form, year=year, agency=agency)
    except (OutputError, TemplateError) as e:
        raise Failure(str(e)) from None
    say(f"已生成 {FORMS[form].document}表式模板：{output}")
