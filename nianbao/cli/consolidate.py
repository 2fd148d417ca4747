"""``nianbao consolidate``: many agencies' reports into one summary workbook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click

from ..consolidation import (
    DEFAULT_NAME,
    TIME_LIMIT,
    OutputError,
    Record,
    RosterError,
    consolidate,
    outputs_held,
)
from ..consolidation.summary.workbook import OUTPUT_SUFFIXES, WRONG_SUFFIX
from ..core.forms import FORMS, TEXT_LENGTHS
from .errors import Exit, Failure
from .output import say

BAR_FORMAT = (
    "{desc}：{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} 个文件 [已用 {elapsed}，剩余 {remaining}，{rate_fmt}]"
)


class Progress:
    """A progress bar on stderr (files done, rate, time left); silent when not a terminal."""

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.bar: Any = None  # a tqdm.tqdm once started (tqdm is imported only then)

    def start(self, total: int) -> None:
        if self.enabled and total:
            import shutil

            import tqdm

            tqdm.tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
            width = shutil.get_terminal_size((100, 24)).columns
            self.bar = tqdm.tqdm(total=total, file=self.stream, desc="读取与校验", unit="个", bar_format=BAR_FORMAT,
                                 ncols=width, mininterval=0.2)

    def step(self, _record: Record) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@click.command("consolidate")
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path), metavar="汇总表.xlsx",
              help="汇总表（.xlsx；给 .json 时只写汇总报告本身的交换格式）。")
@click.option("--roster", "-r", type=click.Path(path_type=Path), metavar="名单.csv",
              help="应报送单位名单（CSV 或 xlsx，含「单位名称」列，可含「统一社会信用代码」列），"
                   "用于列出未报送的单位。")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), metavar="长表.csv",
              help="另存长表 CSV（单位、表、行、列、数值；UTF-8 带 BOM），便于 pandas 等分析。")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, metavar="N",
              help="并行读取的进程数，默认为本机可用的处理器核数。")
@click.option("--year", type=click.IntRange(2019, 2100), default=None, metavar="年度",
              help="只汇总该年度的报告（默认：报告最多的年度）。")
@click.option("--form", "form", type=click.Choice(sorted(FORMS)), default=None, metavar="表式",
              help=f"只汇总该表式（{'、'.join(sorted(FORMS))}）的报告（默认：报告最多的表式）。")
@click.option("--include-errors", is_flag=True,
              help="有错误的报告也计入汇总（默认不计入，只列出）；汇总表封面会注明。")
@click.option("--previous", "-p", "previous", multiple=True, type=click.Path(path_type=Path), metavar="上年路径",
              help="上年度的报告（文件、文件夹或上年汇总表，可多次给出）：逐单位核对跨年度勾稽关系，"
                   "并生成「上年对比」工作表。")
@click.option("--name", default=DEFAULT_NAME, show_default=True, metavar="名称",
              help="汇总表的单位名称，如「某某县人民政府」。")
@click.option("--time-limit", type=float, default=TIME_LIMIT, show_default=True, metavar="秒",
              callback=lambda ctx, param, v: v if v > 0 else _positive(),
              help="单个文件读取与校验的时限；超时的文件停止读取、列为无法读取，其余文件照常汇总。")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条。")
def command(paths: tuple[str, ...], output: Path, roster: Path | None, csv_path: Path | None, jobs: int | None,
            year: int | None, form: str | None, include_errors: bool, previous: tuple[Path, ...], name: str,
            time_limit: float, quiet: bool) -> None:
    """汇总多个单位的报告：逐格相加，生成同一表式的汇总报告及各单位明细、问题清单、未报送与重复报送清单。

    路径为报告文件、文件夹（递归查找）或通配符（如 "各单位/**/*.xlsx"），可混合给出。

    只汇总同一年度、同一表式的报告；有错误、重复报送、年度或表式不同、无法读取的报告不计入，
    并在「各单位明细」中注明原因。下级汇总表可与其他汇总表一同再汇总（区→市→省）；
    汇总表所含单位与其他输入重复时均不计入，并列入「重复报送」。读取与校验在多个进程中并行进行，
    个别文件损坏不影响其他文件。

    \b
    退出状态：0 全部报告均已汇总；1 已生成汇总表，但有报告未汇总或名单中有单位未报送；
              2 未生成汇总表（用法错误、输出路径不可用、名单无法读取或没有可汇总的报告）。
    """
    name = name.strip()
    if not name:
        raise click.BadParameter("汇总表的单位名称不能为空", param_hint="--name")
    if len(name) > TEXT_LENGTHS["name"]:
        raise click.BadParameter(f"汇总表的单位名称不能超过 {TEXT_LENGTHS['name']} 个字符", param_hint="--name")
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise click.BadParameter(WRONG_SUFFIX.format(name=output.name), param_hint="-o/--output")
    progress = Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        with outputs_held(paths, output, csv_path, roster) as inputs:
            _say_skipped(inputs.skipped)
            try:
                c = consolidate(inputs, roster=roster, jobs=jobs, year=year, form=form, include_errors=include_errors,
                                name=name, exclude=[output, *([csv_path] if csv_path else [])],
                                previous=list(previous) if previous else None, progress=progress,
                                time_limit=time_limit)
            finally:
                progress.close()
            if not c.summed:
                say(c.line(), err=True)
                for entry in c.entries:
                    say(f"  {entry.record.source}：{entry.reason}", err=True)
                raise Failure("没有可以汇总的报告，未生成汇总表")
            c.write(output, csv_path)  # both or neither
    except (OutputError, RosterError) as e:
        raise Failure(str(e)) from None
    written = f"；已写入 {output}" + (f" 和 {csv_path}" if csv_path else "")
    say(c.line() + written)
    sys.exit(Exit.OK if c.complete else Exit.PROBLEMS)


def _positive() -> float:
    raise click.BadParameter("时限应大于 0 秒", param_hint="--time-limit")


def _say_skipped(links: tuple[str, ...]) -> None:
    if links:
        links = tuple(dict.fromkeys(links))
        shown = "、".join(links[:5]) + (f" 等 {len(links)} 个" if len(links) > 5 else "")
        say(f"提示：查找文件夹时未进入其中指向文件夹的链接（以免循环查找）：{shown}；"
            "需要时请直接给出链接所指的文件夹", err=True)
