"""``validate(document, previous=None) -> findings``: the whole check of one report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .codes import Code
from .findings import Finding, finding
from .forms import FORMS, NAME_LABEL, PROCUREMENT_UNIT_KEY, USCC_LABEL, YEAR_POINTER, agency_pointer, form_for_year
from .model import Cell, FormModel, model
from .rules import bounded, check_codes, check_decimals, check_identities, number
from .schema import schema_findings


def _form_problem(document: Any) -> Finding | None:
    if not isinstance(document, dict):
        return finding(Code.FORM, f"报告应为 JSON 对象，实为 {type(document).__name__}")
    form = document.get("form")
    if form in FORMS:
        return None
    year = document.get("year")
    guess = form_for_year(year) if type(year) is int else None
    extra = f"；{year} 年度应使用 {guess.key} 年表式（{guess.document}）" if guess else ""
    return finding(Code.FORM, f"表式「{form}」无法识别，应为 \"2019\" 或 \"2021\"{extra}", "/form")


def validate(document: Any, previous: Any = None, *, values: Sequence[Any] | None = None) -> tuple[Finding, ...]:
    """Every finding of a report in the interchange format.

    ``previous`` is last year's report of the same agency; when given, the cross-year
    identities (X1–X3) are checked too. ``values`` are the document's cell values as
    :meth:`nianbao.core.model.FormModel.values` gives them, when the caller has them already
    (a workbook reader does).
    """
    problem = _form_problem(document)
    if problem:
        return (problem,)
    form = document["form"]
    m = model(form)
    out = _readable(m, schema_findings(document, form))
    raw = m.values(document) if values is None else values
    numbers = bounded(m, [v if type(v) is int else number(v) for v in raw])  # (ints, the common case, as they are)
    out.extend(check_codes(document))
    meta = document.get("meta")
    out.extend(check_decimals(m, numbers, meta.get(PROCUREMENT_UNIT_KEY) if isinstance(meta, dict) else None))
    out.extend(check_identities(m, m.checks, numbers))
    if previous is not None:
        out.extend(_cross_year(document, previous, numbers))
    return tuple(out)


def _readable(m: FormModel, findings: list[Finding]) -> list[Finding]:
    """Blank cells said once: a table left entirely blank is one finding (表三 整表未填写),
    a row left entirely blank one finding (…：整行未填写), not one per cell; a total whose
    parts are blank is not reported again. Each such finding still points at every cell."""
    blank = {f.pointer for f in findings if f.rule == Code.BLANK}
    if len(blank) < 2:
        return findings
    again = {
        m.cells[index].pointer for index, check in m.derived.items()
        if m.cells[index].pointer in blank and any(m.cells[t.index].pointer in blank for t in check.rhs)
    }
    groups: dict[tuple[str, ...], list[Cell]] = {}
    for cell in m.cells:
        groups.setdefault((cell.table.key,), []).append(cell)
        if cell.row is not None:
            groups.setdefault(cell.path[:-1], []).append(cell)
    said: dict[str, Finding] = {}  # a blank cell's pointer -> the one finding that says it
    for key, cells in groups.items():  # tables first, then their rows
        ptrs = [c.pointer for c in cells]
        whole = all(p in blank for p in ptrs) and not all(p in again for p in ptrs)
        if len(cells) > 1 and whole and ptrs[0] not in said:
            first = cells[0]
            sheet = first.table.sheet
            text = f"{sheet} 整表未填写" if len(key) == 1 else f"{sheet} {first.row_label}：整行未填写"
            f = finding(Code.BLANK, text, ptrs[0], pointers=tuple(ptrs))
            for p in ptrs:
                said[p] = f
    out: list[Finding] = []
    seen: set[int] = set()
    for f in findings:
        if f.rule != Code.BLANK or f.pointer not in blank:
            out.append(f)
        elif f.pointer in said:
            one = said[f.pointer]
            if id(one) not in seen:
                seen.add(id(one))
                out.append(one)
        elif f.pointer not in again:
            out.append(f)
    return out


def _cross_year(document: dict[str, Any], previous: Any, values: list[Any]) -> list[Finding]:
    if _form_problem(previous):
        return [finding(Code.PREV, "上年报告无法识别表式，未做跨年度核对")]
    out: list[Finding] = []
    year, pyear = document.get("year"), previous.get("year")
    if type(year) is int and type(pyear) is int and pyear != year - 1:
        out.append(finding(Code.PREV, f"上年报告的年度为 {pyear}，本报告为 {year}，应为 {year - 1} 年度", YEAR_POINTER))
    agency, pagency = document.get("agency") or {}, previous.get("agency") or {}
    if isinstance(agency, dict) and isinstance(pagency, dict):
        for key, label in (("uscc", USCC_LABEL), ("name", NAME_LABEL)):
            a, b = agency.get(key), pagency.get(key)
            if a and b:
                if a != b:
                    out.append(finding(Code.PREV, f"上年报告的{label}「{b}」与本报告「{a}」不同", agency_pointer(key)))
                break
    m, pm = model(document["form"]), model(previous["form"])
    pvalues = bounded(pm, [number(v) for v in pm.values(previous)])
    out.extend(check_identities(m, m.cross_checks(pm), values, (pm, pvalues)))
    return out
