"""Printing results: text for people, JSON for programs."""

from __future__ import annotations

from collections.abc import Sequence

import click

from .. import __version__
from ..core.codes import SEVERITY_WORDS, Status
from ..core.findings import Finding, Result
from ..core.sanitize import json_text, printable


def say(text: str, err: bool = False) -> None:
    """Print one line: whatever came from an input (file names, cell contents) is shown with
    its control characters and surrogates escaped, never as raw terminal escapes."""
    click.echo(printable(text), err=err)


def finding_line(f: Finding) -> str:
    where = f"{f.where} " if f.sheet else ""
    return f"  [{SEVERITY_WORDS.get(f.severity, f.severity)}] {f.rule} {where}{f.message}"


def summary_line(results: Sequence[Result]) -> str:
    counts: dict[Status, int] = {}
    errors = warnings = 0
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
        t = r.tally
        errors += t.errors
        warnings += t.warnings
    parts = [f"{n} 个{status.display}" for status, n in counts.items()]
    return f"共 {len(results)} 个文件：" + "，".join(parts) + f"；错误 {errors} 个，警告 {warnings} 个"


def print_text(results: Sequence[Result]) -> None:
    for r in results:
        if r.unreadable:
            say(f"{r.source}：无法读取")
        elif not r.findings:
            say(f"{r.source}：校验通过")
        else:
            say(f"{r.source}：{r.tally}")
        for f in r.findings:
            say(finding_line(f))
    if len(results) > 1 or (results and results[0].findings):
        say(summary_line(results))


def print_json(results: Sequence[Result]) -> None:
    doc = {
        "tool": "nianbao",
        "version": __version__,
        "files": [r.to_dict() for r in results],
        "summary": {
            "files": len(results),
            "unreadable": sum(r.unreadable for r in results),
            "with_errors": sum(1 for r in results if r.tally.errors and not r.unreadable),
            "errors": sum(r.tally.errors for r in results),
            "warnings": sum(r.tally.warnings for r in results),
        },
    }
    click.echo(json_text(doc))


def exit_status(results: Sequence[Result]) -> int:
    """2 when an input could not be read, 1 when any has an error, else 0."""
    if any(r.unreadable for r in results):
        return 2
    if any(r.tally.errors for r in results):
        return 1
    return 0
