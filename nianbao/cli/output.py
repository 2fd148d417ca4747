"""Printing results: text for people, JSON for programs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..core.codes import SEVERITY_WORDS
from ..core.findings import Finding
from ..core.sanitize import json_text, printable

if TYPE_CHECKING:  # (imported by every command: validation's modules load only when validating)
    from ..io.check import Report


def say(text: str, err: bool = False) -> None:
    """Print one line: whatever came from an input (file names, cell contents) is shown with
    its control characters and surrogates escaped, never as raw terminal escapes."""
    click.echo(printable(text), err=err)


def finding_line(f: Finding) -> str:
    where = f"{f.where} " if f.sheet else ""
    return f"  [{SEVERITY_WORDS.get(f.severity, f.severity)}] {f.rule} {where}{f.message}"


def print_text(report: Report) -> None:
    for r in report.results:
        if r.unreadable:
            say(f"{r.source}：无法读取")
        elif not r.findings:
            say(f"{r.source}：校验通过")
        else:
            say(f"{r.source}：{r.tally}")
        for f in r.findings:
            say(finding_line(f))
    if len(report.results) > 1 or (report.results and report.results[0].findings):
        say(report.line())


def print_json(report: Report) -> None:
    click.echo(json_text(report.to_dict()))
