"""Checking files: read, validate, and place each finding at its sheet and cell.

:func:`check_file` checks one file into a :class:`~nianbao.core.findings.Result`;
:func:`validate_files` checks a batch into a :class:`Report` (as frictionless' ``Report``):
the per-file results, the tally, the status, the exit status and the JSON that
``nianbao validate --format json`` prints. Neither raises for a bad file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..core.codes import Code, Exit, Status
from ..core.findings import Finding, Result, Tally, finding
from ..core.validate import validate
from .readers import Loaded, ReadError, read


def locate(findings: Iterable[Finding], locations: Mapping[str, tuple[str, str]]) -> tuple[Finding, ...]:
    """Findings with their sheet and cell filled in from a reader's locations."""
    if not locations:
        return tuple(findings)
    out = []
    for f in findings:
        where = locations.get(f.pointer or "")
        cells = tuple("!".join(locations[p]) for p in f.pointers if p in locations)
        out.append(f.located(where[0], where[1], cells) if where else f.located(None, None, cells))
    return tuple(out)


def check_loaded(loaded: Loaded, source: str, previous: Any = None) -> Result:
    checked = validate(loaded.document, previous, values=loaded.values)
    # a row the reader left blank because its printed numbers could not be placed is said so
    # (AMBIGUOUS); the validator's "整行未填写" for it would name the wrong cause
    rows = {f.pointer.rsplit("/", 1)[0] for f in loaded.findings if f.rule == Code.AMBIGUOUS and f.pointer}
    if rows:
        checked = tuple(
            f for f in checked
            if not (f.rule == Code.BLANK and all(p.rsplit("/", 1)[0] in rows for p in f.pointers or (f.pointer or "",)))
        )
    found = loaded.findings + checked
    return Result(source, locate(found, loaded.locations), loaded.document, values=loaded.values)


def check_file(path: str | os.PathLike[str], previous: Any = None) -> Result:
    """Read and validate one file. Never raises for a bad file: an unreadable one gives a
    result with a single READ finding."""
    source = os.fspath(path)
    try:
        loaded = read(path)
    except ReadError as e:
        f = finding(Code.READ, str(e))
        if e.sheet:
            f = f.located(e.sheet, e.cell)
        return Result(source, (f,), None, unreadable=True)
    return check_loaded(loaded, source, previous)


@dataclass(frozen=True)
class Report:
    """The outcome of checking a batch of files: one :class:`Result` per file, in order."""

    results: tuple[Result, ...]

    @property
    def tally(self) -> Tally:
        """Errors and warnings over every file."""
        tallies = [r.tally for r in self.results]
        return Tally(sum(t.errors for t in tallies), sum(t.warnings for t in tallies))

    @property
    def counts(self) -> dict[Status, int]:
        """How many files ended in each status, in the order first met."""
        counts: dict[Status, int] = {}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        return counts

    @property
    def status(self) -> Status:
        """The worst of the files' statuses (an empty batch passes)."""
        counts = self.counts
        for status in (Status.UNREADABLE, Status.ERRORS, Status.WARNINGS):
            if status in counts:
                return status
        return Status.PASSED

    @property
    def exit_code(self) -> Exit:
        """2 when a file could not be read, 1 when any has an error, else 0."""
        return self.status.exit_code

    def line(self) -> str:
        """The batch in one line (Chinese): files by status, errors and warnings."""
        parts = [f"{n} 个{status.display}" for status, n in self.counts.items()]
        t = self.tally
        return f"共 {len(self.results)} 个文件：" + "，".join(parts) + f"；错误 {t.errors} 个，警告 {t.warnings} 个"

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``nianbao validate --format json``."""
        return batch_json([r.to_dict() for r in self.results])


def batch_json(files: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``nianbao validate --format json`` of these files' entries (each a ``Result.to_dict()``,
    as the CLI prints them or as a program stored them)."""
    return {
        "tool": "nianbao",
        "version": __version__,
        "files": list(files),
        "summary": {
            "files": len(files),
            "unreadable": sum(not f["readable"] for f in files),
            "with_errors": sum(1 for f in files if f["errors"] and f["readable"]),
            "errors": sum(f["errors"] for f in files),
            "warnings": sum(f["warnings"] for f in files),
        },
    }


def validate_files(
    paths: Iterable[str | os.PathLike[str]], previous: dict[str, Any] | str | os.PathLike[str] | None = None
) -> Report:
    """Read and validate each file (any format :data:`~nianbao.io.readers.READERS` reads).
    ``previous`` is last year's report of the same agency, a document or a file, for the
    cross-year checks (X1–X3); a file that cannot be read raises :class:`ReadError`, as
    nothing could be checked against it. A bad file in ``paths`` never raises: its result
    is unreadable."""
    if isinstance(previous, (str, os.PathLike)):
        previous = read(previous).document
    return Report(tuple(check_file(p, previous) for p in paths))


__all__ = ["Report", "batch_json", "check_file", "check_loaded", "locate", "validate_files"]
