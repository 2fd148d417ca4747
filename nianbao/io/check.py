"""Checking files: read, validate, and place each finding at its sheet and cell."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from ..core.codes import Code
from ..core.findings import Finding, Result, finding
from ..core.validate import validate
from . import published as _published  # noqa: F401  (registers web pages, Word, PDF, text)
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
