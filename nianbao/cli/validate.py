"""``nianbao validate``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..io.readers import ReadError
from .errors import Failure
from .output import print_json, print_text


@click.command("validate")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="报告文件...")
@click.option(
    "--previous",
    "-p",
    type=click.Path(path_type=Path),
    help="同一单位上一年度的报告，用于跨年度核对（X1–X3）。",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式：text 供阅读，json 供程序处理。",
)
@click.option(
    "--annotate",
    "-a",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="副本.xlsx",
    help="另存一份标注副本：问题单元格按级别填色（错误红、警告黄）并加批注，另附工作表「校验结果」。"
    "只用于单个 .xlsx 工作簿；原文件不会被修改。",
)
def command(reports: tuple[Path, ...], previous: Path | None, fmt: str, annotate: Path | None) -> None:
    """校验报告：表式结构、必填项、勾稽关系（I1–I4 错误，W1–W3 警告）与代码校验位。

    报告文件为一个或多个（交换格式 JSON 或填好的模板 .xlsx）。

    \b
    退出状态：0 无错误（可有警告）；1 有错误；2 有文件无法读取或用法错误。
    """
    from ..io.check import validate_files  # (here: `nianbao --help` loads this module, not the validator)

    refusal = None
    if annotate is not None:
        from .annotate import annotate_or_exit, check_annotate, refuse_after_findings

        refusal = check_annotate(reports, annotate)
    try:
        report = validate_files(reports, previous=previous)
    except ReadError as e:  # last year's report: nothing could be checked against it
        raise Failure(str(e), prefix="上年报告无法读取：") from None
    (print_json if fmt == "json" else print_text)(report)
    if refusal is not None:
        refuse_after_findings(refusal)
    if annotate is not None:
        annotate_or_exit(report.results[0], annotate)
    sys.exit(report.exit_code)
