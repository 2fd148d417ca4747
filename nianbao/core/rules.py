"""Rules beyond the schema: ledger identities, amounts' decimals, agency codes.

Each rule is a small function from a report (and its flattened cell values) to findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from .agency_codes import Flaw, region_problem, uscc_problem
from .codes import Code
from .findings import Finding, finding
from .forms import AMOUNT_DECIMALS, KIND_BOUNDS, REGION_LABEL, UNIT_DECIMALS, USCC_LABEL, agency_pointer
from .model import PREVIOUS, Check, FormModel, Term
from .sanitize import brief


def number(value: Any) -> int | float | None:
    """A cell value usable in arithmetic, or None (blank, text, booleans)."""
    t = type(value)
    return value if t is int or t is float else None


def bounded(model: FormModel, values: list[Any]) -> list[Any]:
    """``values`` with each number beyond its kind's bound (:data:`~nianbao.core.forms.KIND_BOUNDS`)
    as None: the schema reports it at its cell (RANGE), and no identity adds it (a sum of two
    ``1e308`` is no number). Negative counts stay: their identities still say by how much."""
    if max(map(abs, filter(None, values)), default=0) <= LIMIT:  # (None and 0 left out, all in C)
        return values  # the common case: every number within every bound
    out = list(values)
    for cell in model.cells:
        v = out[cell.index]
        if v is not None:
            low, high = KIND_BOUNDS[cell.kind]
            if not (min(low, -high) <= v <= high):
                out[cell.index] = None
    return out


LIMIT = min(max(-low, high) for low, high in KIND_BOUNDS.values())


def fmt(value: int | float) -> str:
    """A number as a person writes it: 3, -2, 1.25 (never 3.0 or 1e-05)."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _side(terms: Sequence[Term], vals: Sequence[Any]) -> str:
    if not terms:
        return "0"
    shown = list(zip(terms, vals, strict=True))
    if len(shown) > 6:
        nonzero = [(t, v) for t, v in shown if v]
        rest = len(shown) - len(nonzero)
        shown = nonzero
    else:
        rest = 0
    parts = []
    for n, (t, v) in enumerate(shown):
        sign = "−" if t.sign < 0 else ("+" if n else "")
        parts.append(f"{sign}{t.text}({fmt(v)})")
    text = "".join(parts)
    if rest:
        text += ("+" if parts else "") + f"其余{rest}项(0)"
    if len(terms) > 1:
        text += f"={fmt(sum(t.sign * v for t, v in zip(terms, vals, strict=True)))}"
    return text


def identity_message(check: Check, lvals: Sequence[Any], rvals: Sequence[Any], diff: int | float) -> str:
    left = _side(check.lhs, lvals)
    right = _side(check.rhs, rvals)
    if check.op == "=":
        return f"{check.context}：{left}，{right}，相差{fmt(abs(diff))}"
    return f"{check.context}：{left} 小于 {right}，相差{fmt(abs(diff))}"


def check_identities(
    model: FormModel,
    checks: Iterable[Check],
    values: Sequence[Any],
    previous: tuple[FormModel, Sequence[Any]] | None = None,
) -> Iterator[Finding]:
    """Evaluate checks over cleaned cell values (numbers or None). Checks touching a blank
    or unusable cell are skipped: that cell is reported on its own, never read as 0."""
    pvals = previous[1] if previous else ()
    get = values.__getitem__
    for check in checks:
        plus, minus = check.plus, check.minus
        if plus is not None:
            # the common case, a check of this year's counts: whole numbers add exactly in
            # any order, so a sum that is an int and holds needs nothing more
            try:
                total = sum(map(get, plus)) - sum(map(get, minus))
            except TypeError:  # a blank or unusable cell: skipped, as below
                continue
            if type(total) is int and ((total == 0) if check.op == "=" else (total >= 0)):
                continue
        found = _evaluate(model, check, values, pvals, previous)
        if found is not None:
            yield found


def _evaluate(
    model: FormModel,
    check: Check,
    values: Sequence[Any],
    pvals: Sequence[Any],
    previous: tuple[FormModel, Sequence[Any]] | None,
) -> Finding | None:
    """The finding of one check, or None when it holds or touches an unusable cell."""
    lv: list[Any] = []
    rv: list[Any] = []
    total = 0
    for terms, out, sign in ((check.lhs, lv, 1), (check.rhs, rv, -1)):
        for t in terms:
            v = (pvals if t.source == PREVIOUS else values)[t.index]
            if v is None:
                return None
            out.append(v)
            total += sign * t.sign * v
    diff = total
    if isinstance(diff, float):
        diff = round(diff, AMOUNT_DECIMALS)
    if not ((diff != 0) if check.op == "=" else (diff < 0)):
        return None
    own = [t for t in check.terms() if t.source != PREVIOUS]
    pointers = tuple(model.cells[t.index].pointer for t in own)
    if previous:
        pointers += tuple("prev:" + previous[0].cells[t.index].pointer for t in check.terms() if t.source == PREVIOUS)
    return finding(
        check.rule,
        identity_message(check, lv, rv, diff),
        pointers[0] if pointers else None,
        pointers=pointers,
        difference=diff,
    )


def check_decimals(model: FormModel, values: Sequence[Any], unit: Any = None) -> Iterator[Finding]:
    """Amounts to the 分 at most: six decimals in 万元, two in 元 (``unit``: the report's unit of
    the amounts whose unit it declares, 采购总金额 in form 2019)."""
    own = UNIT_DECIMALS.get(unit, AMOUNT_DECIMALS) if isinstance(unit, str) else AMOUNT_DECIMALS
    for cell in model.amount_cells:
        v = values[cell.index]
        if type(v) is float and not v.is_integer():
            places = own if cell.index in model.unit_cells else AMOUNT_DECIMALS
            exp = Decimal(repr(v)).normalize().as_tuple().exponent
            if isinstance(exp, int) and -exp > places:
                shown = f"以{unit}为单位，" if places != AMOUNT_DECIMALS else ""
                yield finding(Code.DECIMALS, f"{cell.label}：{fmt(v)} {shown}超过 {places} 位小数", cell.pointer)


# The agency's codes, by key under /agency: rule, label, and what is wrong with a value.
CODES = {"uscc": (Code.USCC, USCC_LABEL, uscc_problem), "region_code": (Code.REGION, REGION_LABEL, region_problem)}


def code_finding(key: str, value: str, problem: str) -> Finding:
    """``problem`` with an agency's code (``key``: uscc or region_code), as a finding on it.
    The schema's patterns and :func:`check_codes` both say it so."""
    rule, label, _ = CODES[key]
    return finding(rule, f"{label}「{brief(value, 40)}」{problem}", agency_pointer(key))


def check_codes(document: dict[str, Any]) -> Iterator[Finding]:
    """The USCC check character and region code, when given. Their patterns are in the schema;
    only what a pattern cannot say is checked here."""
    agency = document.get("agency")
    if not isinstance(agency, dict):
        return
    uscc = agency.get("uscc")
    if isinstance(uscc, str) and uscc:
        problem = uscc_problem(uscc)
        # Shape problems are the schema's; the check character is ours.
        if problem and problem.flaw is Flaw.CHECK:
            yield code_finding("uscc", uscc, problem)
    region = agency.get("region_code")
    if isinstance(region, str) and region:
        problem = region_problem(region)
        if problem and problem.flaw is Flaw.CHECK:
            yield code_finding("region_code", region, problem)

