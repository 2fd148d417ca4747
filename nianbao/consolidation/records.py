"""Records: what a worker sends back for one input file.

:func:`examine` reads and validates one file into a compact :class:`Record` (agency, year,
form, status, the cell values as exact numbers, the findings, the file's hash, and whether
it is a summary) and nothing else of the file, so memory stays flat however many files
there are. A bad file gives a record saying why; it never raises.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.codes import Code, Status
from ..core.findings import UNREADABLE, Finding, Result, Tally, finding
from ..core.forms import (
    AMOUNT,
    AMOUNT_DECIMALS,
    DEFAULT_PROCUREMENT_UNIT,
    FORMS,
    KIND_BOUNDS,
    MAX_TEXT_LENGTH,
    PROCUREMENT_UNIT_KEY,
    TEXT_LENGTHS,
    YUAN,
    YUAN_PER_WAN,
)
from ..core.model import FormModel, model
from ..core.rules import bounded
from ..io.check import check_loaded
from ..io.readers import Loaded, ReadError, read
from .marker import DETAIL_SHEET, LEVEL_KEY, MEMBER_FIELDS, MEMBERS_KEY, MEMBERS_SHEET, SUMMARY_KEY, Part, SummaryInfo

_YUAN_PER_WAN = Decimal(YUAN_PER_WAN)
_QUANTUM = Decimal(1).scaleb(-AMOUNT_DECIMALS)


@dataclass(frozen=True, slots=True)
class Record:
    """One input file, reduced to what consolidation needs."""

    source: str
    status: Status
    form: str | None = None
    year: int | None = None
    name: str = ""
    uscc: str = ""
    region_code: str = ""
    # cell values in the form model's order: int for counts, Decimal for amounts (in 万元),
    # None where the cell is blank or not a number
    values: tuple[Any, ...] | None = None
    findings: tuple[Finding, ...] = ()
    problem: str = ""  # why the record cannot be summed whatever the options (e.g. its unit)
    sha256: str = ""  # of the file's bytes
    summary: SummaryInfo | None = None  # set when the file is a summary

    @property
    def readable(self) -> bool:
        return self.status != UNREADABLE

    @property
    def tally(self) -> Tally:
        return Tally.of(self.findings)

    @property
    def errors(self) -> int:
        return self.tally.errors

    @property
    def parts(self) -> tuple[Part, ...]:
        """The agencies this record holds: itself, or a summary's members (none known for a
        summary written before members were recorded)."""
        if self.summary is None:
            return (Part(self.uscc, self.name, self.sha256, self.sha256),)
        return tuple(Part(p.uscc, p.name, p.sha256, self.sha256) for p in self.summary.members or ())


def _whole(value: Any) -> int | None:
    t = type(value)
    if t is int or (t is float and value.is_integer()):
        return int(value)
    return None


def _exact(value: Any) -> Decimal | None:
    t = type(value)
    if t is int:
        return Decimal(value)
    if t is float and math.isfinite(value):
        return Decimal(repr(value))
    return None


def numbers(m: FormModel, document: dict[str, Any], raw: Sequence[Any] | None = None) -> tuple[tuple[Any, ...], str]:
    """The cell values of a report as exact numbers (amounts in 万元), and a problem that
    keeps it out of any sum ("" when none). ``raw`` are the document's cell values
    (:meth:`FormModel.values`), when the caller has them."""
    raw = m.values(document) if raw is None else raw
    out: list[Any] = bounded(m, [v if type(v) is int else _whole(v) for v in raw])  # counts: whole numbers only
    meta = document.get("meta")
    unit = meta.get(PROCUREMENT_UNIT_KEY) if isinstance(meta, dict) else None
    unit = unit or DEFAULT_PROCUREMENT_UNIT
    problem = ""
    for cell in m.amount_cells:
        index = cell.index
        v = raw[index]
        d = _exact(v)
        if d is not None and abs(d) > KIND_BOUNDS[AMOUNT][1]:
            d = None  # beyond its bound (RANGE): never added
        if d is not None and index in m.unit_cells and unit != DEFAULT_PROCUREMENT_UNIT:
            if unit != YUAN:
                problem = f"{cell.label}的单位「{unit}」无法识别，不能与其他单位的金额相加"
                d = None
            else:
                d = d / _YUAN_PER_WAN
                if d != d.quantize(_QUANTUM, rounding="ROUND_DOWN"):
                    problem = (
                        f"{cell.label}以元为单位（{v}），换算为万元超过 {AMOUNT_DECIMALS} 位小数，"
                        "无法精确相加；请以万元填报"
                    )
                    d = None
        out[index] = d
    return tuple(out), problem


def _text(value: Any, limit: int = MAX_TEXT_LENGTH) -> str:
    """A text field of a report as a record keeps it: at most ``limit`` characters (a longer
    one is an error of the report, TEXT, and must not be copied into every row of every
    output)."""
    if not isinstance(value, str):
        return ""
    text: str = value.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def file_hash(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return ""


def _members_sheet(path: str) -> tuple[Part, ...] | None:
    """The members of an xlsx summary, from its hidden sheet (only summaries are read twice)."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(path)
    try:
        if MEMBERS_SHEET not in wb.sheet_names:
            return None
        rows = wb.get_sheet_by_name(MEMBERS_SHEET).to_python()
    finally:
        wb.close()
    def texts(row: list[Any]) -> list[str]:
        return [str(c if c is not None else "").strip() for c in (list(row) + [""] * 4)[:4]]

    parts = (texts(r) for r in rows[1:] if any(r))
    return tuple(Part(uscc, name, sha, via or sha) for uscc, name, sha, via in parts)


def summary_info(path: str, document: dict[str, Any], sheets: Sequence[str]) -> SummaryInfo | None:
    """Whether a report is a summary, and which members it records."""
    meta = document.get("meta")
    mark = meta.get(SUMMARY_KEY) if isinstance(meta, dict) else None
    agency = document.get("agency")
    name = _text(agency.get("name")) if isinstance(agency, dict) else ""
    if isinstance(mark, dict):
        level = _text(mark.get(LEVEL_KEY)) or name
        members = mark.get(MEMBERS_KEY)
        if isinstance(members, list):
            parts = tuple(
                Part(*(_text(m.get(k)) for k in MEMBER_FIELDS)) for m in members if isinstance(m, dict)
            )
            return SummaryInfo(level, parts, len(parts))
        count = members if type(members) is int and members >= 0 else 1
        try:
            found = _members_sheet(path)
        except Exception:  # noqa: BLE001 - a members sheet that cannot be read: members unknown
            found = None
        return SummaryInfo(level, found, len(found) if found is not None else count)
    if DETAIL_SHEET in sheets:  # a summary written before members were recorded
        return SummaryInfo(name, None)
    return None


def _unreadable(path: str, f: Finding) -> Record:
    return Record(path, UNREADABLE, findings=(f,))


def examine(path: str) -> Record:
    """Read and validate one file into a :class:`Record`. Never raises for a bad file."""
    try:
        try:
            loaded: Loaded = read(path)
        except ReadError as e:
            f = finding(Code.READ, str(e))
            return _unreadable(path, f.located(e.sheet, e.cell) if e.sheet else f)
        result: Result = check_loaded(loaded, path)
        doc = result.document
        if not isinstance(doc, dict):
            return Record(path, UNREADABLE, findings=result.findings)
        form = doc.get("form")
        year = doc.get("year")
        agency = doc.get("agency")
        agency = agency if isinstance(agency, dict) else {}
        values = None
        problem = ""
        if form in FORMS:
            values, problem = numbers(model(form), doc, result.values)
        return Record(
            source=path,
            status=result.status,
            form=form if form in FORMS else None,
            year=year if type(year) is int else None,
            name=_text(agency.get("name"), TEXT_LENGTHS["name"]),
            uscc=_text(agency.get("uscc"), MAX_TEXT_LENGTH).upper(),
            region_code=_text(agency.get("region_code"), MAX_TEXT_LENGTH),
            values=values,
            findings=result.findings,
            problem=problem,
            sha256=loaded.sha256 or file_hash(path),  # the bytes the container check read, hashed
            summary=summary_info(path, doc, loaded.sheets),
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - a reader's bug (even a parser's panic) must not stop the batch
        why = f"读取时发生意外错误（{type(e).__name__}: {e}）"
        return _unreadable(path, finding(Code.READ, f"{Path(path).name}：{why}"))


def unreadable(path: str | os.PathLike[str], message: str) -> Record:
    """A record for an input that names nothing readable (a missing file, a folder that
    cannot be opened)."""
    return _unreadable(os.fspath(path), finding(Code.READ, message))


__all__ = ["Record", "examine", "file_hash", "numbers", "summary_info", "unreadable"]
