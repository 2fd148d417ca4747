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


def check_annotate(reports: Sequence[Path], out: Path) -> None:
    """Refuse, before any work, what --annotate cannot do."""
    if len(reports) != 1:
        _fail(f"--annotate 只用于单个工作簿，这里给出了 {len(reports)} 个文件")
    source = reports[0]
    if source.suffix.lower() not in SUFFIXES:
        _fail(f"--annotate 只用于 .xlsx 工作簿，「{source.name}」不是")
    if out.suffix.lower() not in SUFFIXES:
        _fail(f"标注副本应保存为 .xlsx 文件，「{out.name}」不是")
    try:
        check_output(out, [source])
    except OutputError as e:
        _fail(error_text(e))


def annotate_or_exit(result: Result, out: Path) -> None:
    """Write the marked copy of a validated workbook; say where, on stderr."""
    if result.unreadable:
        _fail("工作簿无法读取，未生成标注副本")
    try:
        p = annotate(result.source, result.findings, out)
    except (AnnotateError, OutputError, OSError) as e:
        _fail(error_text(e))
    say(f"标注副本：{out}（{p.summary}）", err=True)
