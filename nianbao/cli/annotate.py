"""``nianbao validate --annotate``: the marked copy of a validated workbook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ..core.findings import Result
from ..excel.annotate import SUFFIXES, AnnotateError, annotate
from ..io.atomic import OutputError, check_output
from ..io.oserror import error_text
from .errors import Failure
from .output import say


def _fail(message: str) -> NoReturn:
    raise Failure(message, prefix="无法标注：")


def check_annotate(reports: Sequence[Path], out: Path) -> str | None:
    """Refuse, before any work, what --annotate cannot do. A report that is no .xlsx is still
    validated: the returned refusal (why no copy, and how to get one) is said after its findings."""
    if len(reports) != 1:
        _fail(f"--annotate 只用于单个工作簿，这里给出了 {len(reports)} 个文件")
    source = reports[0]
    if out.suffix.lower() not in SUFFIXES:
        _fail(f"标注副本应保存为 .xlsx 文件，「{out.name}」不是")
    try:
        check_output(out, [source])
    except OutputError as e:
        _fail(error_text(e))
    if source.suffix.lower() in SUFFIXES:
        return None
    if source.suffix.lower() == ".json":
        how = "交换格式 JSON 没有单元格可标注；可先用 nianbao fill 填入模板（.xlsx），再对该工作簿加 --annotate"
    else:
        how = f"请用 Excel 或 WPS 打开「{source.name}」，“另存为” Excel 工作簿（.xlsx），再对 .xlsx 加 --annotate"
    return f"标注副本只能在 .xlsx 工作簿上生成，「{source.name}」不是（以上校验结果不受影响）；{how}"


def refuse_after_findings(refusal: str) -> NoReturn:
    _fail(refusal)


def annotate_or_exit(result: Result, out: Path) -> None:
    """Write the marked copy of a validated workbook; say where, on stderr."""
    if result.unreadable:
        _fail("工作簿无法读取，未生成标注副本")
    try:
        p = annotate(result.source, result.findings, out)
    except (AnnotateError, OutputError, OSError) as e:
        _fail(error_text(e))
    say(f"标注副本：{out}（{p.summary}）", err=True)
