"""Every call the web layer makes into the library, in this one module.

The pages, the API and the worker process only ever call these functions: reading and
validating a file (as ``nianbao validate``), the annotated copy (``--annotate``), the blank
and the filled template (``nianbao template`` / ``fill``), the roster (``consolidate
--roster``), consolidation and its summary workbook (``nianbao consolidate``), the published
report (``nianbao publish``) and the tables drawn as the national form (the grids
``publish`` lays out). No rule, label or message is written again here: each comes from the
library. When the library's entry points change, this is the module to adapt.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.codes import SEVERITY_WORDS, STATUS_WORDS, Severity, Status
from ..core.findings import Finding, Result
from ..core.forms import FORMS, form_for_year
from ..core.sanitize import json_text


# What a clerk may upload: the readers' suffixes (workbooks, JSON, published reports).
def upload_suffixes() -> str:
    """What an upload may be, for the file chooser's ``accept``: every suffix the reader table
    reads (the same table ``nianbao validate`` reads through)."""
    from ..io.readers import READERS

    return ",".join(sorted(READERS))


def forms() -> dict[str, str]:
    """Form key -> the document that set it (for the collection's 表式 choice)."""
    return {k: f.document for k, f in sorted(FORMS.items(), reverse=True)}


def form_of_year(year: int) -> str | None:
    f = form_for_year(year)
    return f.key if f else None


def os_error(e: OSError) -> str:
    """An operating-system error in Chinese, as every command says it."""
    from ..io.oserror import os_error_text

    return os_error_text(e)


def status_word(status: str) -> str:
    return STATUS_WORDS[Status(status)]


def severity_word(severity: str) -> str:
    return SEVERITY_WORDS[Severity(severity)]


# ---------------------------------------------------------------------------------------
# Reading and validating one upload (in a worker process)


def check(path: str | os.PathLike[str], shown: str) -> dict[str, Any]:
    """Read and validate one file as ``nianbao validate`` does. ``shown`` is the name the
    findings give the file (the uploader's, made safe). Returns plain data: the file's entry
    of ``validate --format json``, the report document and the headline numbers."""
    from ..io.check import check_file

    result = check_file(path)
    file = result.to_dict()
    file["source"] = shown
    document = result.document if isinstance(result.document, dict) else None
    return {
        "file": json.loads(json_text(file, indent=None)),
        "status": result.status.value,
        "document": json.loads(json_text(document, indent=None)) if document is not None else None,
        "headlines": headlines(document),
    }


def validate_json(files: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The document ``nianbao validate --format json`` prints for these files' entries."""
    from ..io.check import batch_json

    return batch_json(files)


def findings_of(file: Mapping[str, Any]) -> list[Finding]:
    """The findings of a stored ``validate --format json`` entry, as library values."""
    from ..core.codes import Code

    out = []
    for d in file.get("findings", ()):
        out.append(Finding(Code(d["rule"]), Severity(d["severity"]), d["message"], d.get("pointer"),
                           tuple(d.get("pointers", ())), d.get("difference"), d.get("sheet"), d.get("cell"),
                           tuple(d.get("cells", ()))))
    return out


def headlines(document: Mapping[str, Any] | None) -> list[tuple[str, Any]]:
    """The headline numbers consolidation lists for each agency: (header, value)."""
    if not document or document.get("form") not in FORMS:
        return []
    from ..consolidation.summary.lists import headlines as heads
    from ..core.model import model

    values = model(document["form"]).values(document)
    out = []
    for header, indexes in heads(document["form"]):
        got = [values[i] for i in indexes]
        out.append((header, sum(got) if all(type(v) in (int, float) for v in got) else None))
    return out


def agency_of(document: Mapping[str, Any] | None) -> tuple[str, str]:
    """The agency's name and 统一社会信用代码 as the report gives them."""
    agency = (document or {}).get("agency")
    if not isinstance(agency, dict):
        return "", ""
    name, uscc = agency.get("name"), agency.get("uscc")
    return (name if isinstance(name, str) else ""), (uscc if isinstance(uscc, str) else "")


def year_and_form(document: Mapping[str, Any] | None) -> tuple[int | None, str]:
    """The year and form a report says it is."""
    year, form = (document or {}).get("year"), (document or {}).get("form")
    return (year if type(year) is int else None), (form if isinstance(form, str) else "")


def name_key(name: str) -> str:
    """An agency's name as consolidation compares names."""
    from ..consolidation.names import fold

    return fold(name or "")


def uscc_key(uscc: str) -> str:
    return (uscc or "").strip().upper()


def same_agency(name_a: str, uscc_a: str, name_b: str, uscc_b: str) -> bool:
    """Whether two agencies are one, as consolidation decides (USCC first, else the folded name)."""
    if uscc_a and uscc_b:
        return uscc_key(uscc_a) == uscc_key(uscc_b)
    return bool(name_a) and name_key(name_a) == name_key(name_b)


# ---------------------------------------------------------------------------------------
# The three tables drawn as the national form


@dataclass(frozen=True)
class Mark:
    severity: str  # "error" / "warning"
    word: str  # 错误 / 警告
    rule: str
    message: str


@dataclass(frozen=True)
class Box:
    text: str
    role: str  # head / label / number / note
    rowspan: int
    colspan: int
    pointer: str
    computed: bool
    marks: tuple[Mark, ...]
    label: str = ""  # the cell by its official labels (for screen readers)

    @property
    def worst(self) -> str:
        if any(m.severity == Severity.ERROR for m in self.marks):
            return "error"
        return "warning" if self.marks else ""


@dataclass(frozen=True)
class Table:
    key: str
    sheet: str  # 表二
    title: str
    rows: tuple[tuple[Box, ...], ...]
    header_rows: int
    widths: tuple[float, ...]


def tables(form: str, document: Mapping[str, Any] | None, findings: Iterable[Finding] = (),
           typed: Mapping[str, str] | None = None) -> list[Table]:
    """Tables 2–4 of ``form`` laid out as the national form (``publish``'s grids), each number
    cell with the findings that name it (its first cell, or any cell it involves).
    ``typed``: what was typed into each cell (the 填报 page), shown instead of the value."""
    from ..core.model import model
    from ..publish.grids import grids

    m = model(form)
    values = m.values(document) if document else [None] * len(m.cells)
    if typed is not None:
        values = [typed.get(c.pointer, "") for c in m.cells]
    by_pointer: dict[str, list[Mark]] = {}
    for f in findings:
        mark = Mark(f.severity.value, f.severity.display, f.rule.value, f.message)
        targets = [f.pointer] if f.pointer in m.by_pointer else [p for p in f.pointers if p in m.by_pointer][:1]
        for p in targets:
            by_pointer.setdefault(p, []).append(mark)
    derived = {m.cells[i].pointer for i in m.derived}
    out = []
    for key, grid in grids(m, values).items():
        table = m.form.table(key)
        rows = tuple(
            tuple(Box(c.text, c.role, c.rowspan, c.colspan, c.pointer, c.pointer in derived,
                      tuple(by_pointer.get(c.pointer, ())), m.by_pointer[c.pointer].label if c.pointer else "")
                  for c in row)
            for row in grid.rows
        )
        out.append(Table(key, table.sheet, table.title, rows, grid.header_rows, grid.widths))
    return out


def unplaced(form: str | None, findings: Iterable[Finding]) -> list[Finding]:
    """Findings that name no cell of the tables (the cover, the file as a whole)."""
    from ..core.model import model

    cells = model(form).by_pointer if form in FORMS else {}
    return [f for f in findings if not (f.pointer in cells or any(p in cells for p in f.pointers))]


# ---------------------------------------------------------------------------------------
# 填报: the tables typed on the page


def typed_report(form: str, year: int, agency: Mapping[str, str], typed: Mapping[str, str]) -> dict[str, Any]:
    """The report of what was typed into each cell, each text read as the template reader
    reads a cell's text, the totals computed as the template computes them."""
    from ..core.cleaning import clean_text, recompute
    from ..core.model import model
    from ..core.report import new_report

    m = model(form)
    values = recompute(m, [clean_text(typed.get(c.pointer, "")).value for c in m.cells])
    doc = new_report(form, year, {k: v.strip() for k, v in agency.items() if v and v.strip()})
    doc.update(m.document(values))
    return doc


def check_document(document: dict[str, Any], shown: str) -> dict[str, Any]:
    """Validate a report document as ``nianbao validate`` validates its JSON file."""
    from ..core.validate import validate

    result = Result(shown, validate(document), document)
    return {
        "file": json.loads(json_text(result.to_dict(), indent=None)),
        "status": result.status.value,
        "document": document,
        "headlines": headlines(document),
    }


def document_bytes(document: Mapping[str, Any]) -> bytes:
    """A report in the interchange format (JSON), as ``nianbao export`` writes it."""
    return (json_text(document) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------
# Files: templates, annotated copies, the roster, the summary, the published report


def template_bytes(form: str, year: int | None, agency: Mapping[str, str] | None = None,
                   document: dict[str, Any] | None = None) -> bytes:
    """The locked template (blank, carrying the agency's name, year and code; or filled)."""
    from ..excel.template import build_workbook, workbook_bytes

    if document is None and agency is not None:
        from ..core.report import new_report

        document = new_report(form, year, {k: v for k, v in agency.items() if v})
    return workbook_bytes(build_workbook(form, document, year=year))


def can_annotate(suffix: str) -> bool:
    from ..excel.annotate import SUFFIXES

    return suffix.lower() in SUFFIXES


def annotated(source: Path, file: Mapping[str, Any], out: Path) -> str:
    """The marked copy of a validated workbook (``validate --annotate``); its summary line."""
    from ..excel.annotate import annotate

    return str(annotate(source, findings_of(file), out).summary)


class RosterProblem(Exception):
    """The roster could not be read: ``str()`` is the library's Chinese message."""


def roster(path: Path) -> list[tuple[str, str, str]]:
    """(name, 统一社会信用代码, 行政区划代码) of each agency, by the reader of ``consolidate --roster``."""
    from ..consolidation.roster import RosterError, read_roster

    try:
        return [(m.name, m.uscc, m.region_code) for m in read_roster(path)]
    except RosterError as e:
        raise RosterProblem(str(e)) from None


class SummaryProblem(Exception):
    """No summary could be written: ``str()`` says why, in Chinese."""


@dataclass(frozen=True)
class Summary:
    data: bytes  # the summary workbook
    line: str  # consolidation's one-line outcome
    members: tuple[tuple[str, str], ...]  # (name, USCC) of the agencies summed
    reasons: tuple[tuple[str, str], ...]  # (file, why it was not summed)


def summarise(files: Sequence[Path], roster_rows: Sequence[tuple[str, str, str]], name: str,
              year: int | None, form: str | None, jobs: int | None = None) -> Summary:
    """``nianbao consolidate FILES --roster … --name NAME``: the summary workbook's bytes."""
    from ..consolidation import consolidate
    from ..consolidation.roster import Member
    from ..consolidation.summary.workbook import summary_data

    members = [Member(n, u, r, i + 2) for i, (n, u, r) in enumerate(roster_rows)] if roster_rows else None
    c = consolidate([os.fspath(f) for f in files], roster=members, jobs=jobs, year=year, form=form, name=name)
    if not c.summed:
        raise SummaryProblem(c.line() + "；没有可以汇总的报告，未生成汇总表")
    data = summary_data(c, Path("汇总表.xlsx"))
    summed = tuple((p.name, p.uscc) for p in c.members)
    reasons = tuple((Path(e.record.source).name, e.reason) for e in c.entries if not e.summed)
    return Summary(data, c.line(), summed, reasons)


class PublishProblem(Exception):
    pass


def published(document: dict[str, Any], file: Mapping[str, Any]) -> bytes:
    """The annual report's Word document, as ``nianbao publish`` writes it."""
    from ..publish import PublishError, compose, render

    try:
        return render(compose(document, findings_of(file)), document, ".docx")
    except PublishError as e:
        raise PublishProblem(str(e)) from None


def read_summary_document(data: bytes, workdir: Path) -> dict[str, Any] | None:
    """The summary report inside a summary workbook (to publish it)."""
    from ..io.readers import ReadError, read

    path = workdir / "汇总表.xlsx"
    path.write_bytes(data)
    try:
        return read(path).document
    except ReadError:
        return None
    finally:
        path.unlink(missing_ok=True)


def failed_check(shown: str, message: str) -> dict[str, Any]:
    """The check of a file that could not be read at all (a READ finding with ``message``)."""
    from ..core.codes import Code
    from ..core.findings import finding

    result = Result(shown, (finding(Code.READ, message),), None, unreadable=True)
    return {"file": result.to_dict(), "status": result.status.value, "document": None, "headlines": []}


def agency_fields() -> tuple[tuple[str, str], ...]:
    """The cover's agency fields: (key, label)."""
    from ..core.forms import AGENCY_FIELDS

    return AGENCY_FIELDS


def cell_pointers(form: str) -> list[str]:
    """The pointer of each cell the clerk types (the totals are computed)."""
    from ..core.model import model

    m = model(form)
    return [c.pointer for c in m.cells if c.index not in m.derived]


def typed_of_document(document: Mapping[str, Any]) -> dict[str, str]:
    """A report's cells as the 填报 page shows them in its inputs."""
    from ..core.model import model
    from ..publish.document import number_text

    m = model(document["form"])
    return {c.pointer: number_text(v) for c, v in zip(m.cells, m.values(document), strict=True) if v is not None}


def report_title(name: str, year: int) -> str:
    from ..core.forms import report_title as title

    return title(name, year)


def diff(first: Mapping[str, Any] | None, second: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """The cells that differ between two reports of one form: (the cell's label, before, after)."""
    from ..core.model import model
    from ..publish.document import number_text

    if not first or not second or first.get("form") != second.get("form") or first.get("form") not in FORMS:
        return []
    m = model(first["form"])
    out = []
    for cell, a, b in zip(m.cells, m.values(first), m.values(second), strict=True):
        if a != b or type(a) is not type(b):
            out.append((cell.label, number_text(a), number_text(b)))
    return out


def warm() -> None:
    """Fill the library's caches (form models, the compiled schema, the readers' plans) by
    checking a filled template and a published page of each form once: the worker processes are forked from a
    process that did this, so each starts warm."""
    import tempfile

    from ..core.report import new_report
    from ..io.check import check_file
    from ..publish import compose, render

    with tempfile.TemporaryDirectory(prefix="nianbao-warm-") as folder:
        for form in FORMS:
            document = new_report(form, FORMS[form].years[0], {"name": "单位"}, fill=0)
            path = Path(folder) / f"{form}.xlsx"
            path.write_bytes(template_bytes(form, None, document=document))
            check_file(path)
            page = Path(folder) / f"{form}.html"  # the published reports' readers and recogniser
            page.write_bytes(render(compose(document), document, ".html"))
            check_file(page)
            check_document(document, "warm")
