"""Last year's reports beside this year's: every agency checked against its own last year.

Last year's inputs (agency workbooks, folders, or last year's summary) are combined as any
consolidation is (:func:`~nianbao.consolidation.combine.combine`, for the year before), then
matched to this year's agencies by 统一社会信用代码, else by name as people read it. For each
pair the cross-year identities of the form (X1–X3, declared in :mod:`nianbao.core.forms`) are
checked, and every break is kept with both files and both cells; the same checks run on the
totals. The headline numbers are compared per agency and in total, like with like: the total
compares only the agencies present in both years whose report this year is summed (the
*comparable* ones); agencies new this year or present only last year are listed apart, each
agency once (a second file of one agency is a duplicate, not another agency); what makes last
year's input incomplete is said; large swings are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from ..core.findings import Finding
from ..core.layout import layout
from ..core.model import PREVIOUS, model
from ..core.rules import check_identities
from .combine import combine
from .names import fold
from .outcome import Entry, Outcome, Presence, Reason, plain
from .records import Record

PREV_PREFIX = "prev:"
SWING_SHARE = Decimal("0.5")  # a change of half or more ...
SWING_FLOOR = 10  # ... and of at least this much, is a large swing


@dataclass(frozen=True)
class Break:
    """One cross-year identity that does not hold: this year's file and cells, last year's."""

    finding: Finding
    name: str
    source: str  # this year's file ("" for the totals)
    last_source: str
    cells: tuple[str, ...]  # 表二!D5 of this year's cells involved
    last_cells: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    """One agency, this year and last (either may be missing)."""

    name: str
    uscc: str
    this: Entry | None
    last: Record | None
    held_last: bool = False  # last year's summary held it (its numbers are not known apart)
    comparable: bool = False  # both years' numbers known, this year's report summed: in the compared total

    @property
    def is_new(self) -> bool:
        return self.this is not None and self.last is None and not self.held_last

    @property
    def status(self) -> Presence:
        return Presence.GONE if self.this is None else (Presence.NEW if self.is_new else Presence.BOTH)


@dataclass(frozen=True)
class Comparison:
    """This year beside last year."""

    last: Outcome  # last year's inputs, combined
    pairs: tuple[Pair, ...]
    breaks: tuple[Break, ...]
    known_last: frozenset[str]  # keys of the agencies last year's inputs hold (a summary's members too)
    # the totals themselves are like with like: last year's summary held exactly this year's
    # summed agencies (no numbers apart), so the totals are compared as they are
    whole: bool = False
    incomplete: tuple[str, ...] = ()  # why last year's input does not cover this year's, in Chinese

    @property
    def new(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.is_new)

    @property
    def gone(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.this is None)

    @property
    def comparable(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.comparable)

    @property
    def compared_count(self) -> int:
        """How many agencies the compared total holds."""
        if self.whole:
            return sum(1 for p in self.pairs if p.this is not None and p.this.summed)
        return len(self.comparable)

    def line(self) -> str:
        return (
            f"上年报告 {len(self.last.entries)} 个文件，可比单位 {self.compared_count} 个（两年均有且本年已汇总），"
            f"本年新增 {len(self.new)} 个，上年有本年无 {len(self.gone)} 个，跨年度核对不一致 {len(self.breaks)} 处"
        )


def _cells(form: str, pointers: Sequence[str]) -> tuple[str, ...]:
    where = layout(form).where
    return tuple("!".join(where[p]) for p in pointers if p in where)


Signed = tuple[tuple[int, int], ...]  # (cell index, sign) of each term


@cache
def _sums(this_form: str, last_form: str) -> tuple[tuple[Signed, Signed, str], ...]:
    """Each cross-year check as (this year's (index, sign)s, last year's, op): lhs − rhs."""
    m, pm = model(this_form), model(last_form)
    out = []
    for check in m.cross_checks(pm):
        signed = [(t, t.sign) for t in check.lhs] + [(t, -t.sign) for t in check.rhs]
        this = tuple((t.index, s) for t, s in signed if t.source != PREVIOUS)
        last = tuple((t.index, s) for t, s in signed if t.source == PREVIOUS)
        out.append((this, last, check.op))
    return tuple(out)


def _all_hold(this_form: str, this_values: Sequence[Any], last_form: str, last_values: Sequence[Any]) -> bool:
    """Whether every cross-year check holds, in whole numbers (the common case, decided
    without building any message); anything else is left to the rules."""
    for this, last, op in _sums(this_form, last_form):
        try:
            total = sum(this_values[i] * s for i, s in this) + sum(last_values[i] * s for i, s in last)
        except TypeError:
            return False
        if type(total) is not int or (total != 0 if op == "=" else total < 0):
            return False
    return True


def _breaks(this_form: str, this_values: Sequence[Any], last_form: str, last_values: Sequence[Any],
            name: str, source: str, last_source: str) -> list[Break]:
    if _all_hold(this_form, this_values, last_form, last_values):
        return []
    m, pm = model(this_form), model(last_form)
    out = []
    for f in check_identities(m, m.cross_checks(pm), list(this_values), (pm, list(last_values))):
        own = [p for p in f.pointers if not p.startswith(PREV_PREFIX)]
        prev = [p[len(PREV_PREFIX):] for p in f.pointers if p.startswith(PREV_PREFIX)]
        out.append(Break(f, name, source, last_source, _cells(this_form, own), _cells(last_form, prev)))
    return out


def _agency_reports(c: Outcome) -> list[Entry]:
    """The agency reports of the summed year and form, summed or not: a report left out for
    its errors, or sent twice, is still that agency's report of that year."""
    return [
        e for e in c.entries
        if e.record.summary is None and e.record.values is not None
        and (e.record.year, e.record.form) == (c.year, c.form)
    ]


def _same(r: Record, uscc: set[str], names: set[str], named_without_code: set[str]) -> bool:
    """Whether ``r`` is an agency already seen: the same code, or the same name where one of
    the two has no code."""
    code, name = r.uscc.upper(), fold(r.name)
    return bool(code and code in uscc) or (name in named_without_code) or (not code and name in names)


def compare(c: Outcome, last_records: Sequence[Record]) -> Comparison:
    """This year's consolidation against last year's inputs."""
    year = c.year - 1 if c.year is not None else None
    # last year's reports count as published, errors and all (their own errors are not this
    # year's business); duplicates and overlaps stay out
    last = combine(last_records, year=year, name=f"{year} 年度" if year else "上年", include_errors=True)
    # each agency once: its summed report if it has one (a second file of it is a duplicate)
    this = sorted(_agency_reports(c), key=lambda e: not e.summed)
    got = [e.record for e in _agency_reports(last)]

    by_uscc: dict[str, Record] = {}
    by_name: dict[str, Record] = {}
    for r in got:
        if r.uscc:
            by_uscc.setdefault(r.uscc, r)
        by_name.setdefault(fold(r.name), r)
    held = [p for e in last.summed for p in e.record.parts]
    known = ({p.uscc.upper() for p in held} | {fold(p.name) for p in held}) - {""}
    matched: set[str] = set()
    pairs: list[Pair] = []
    breaks: list[Break] = []
    seen_uscc: set[str] = set()
    seen_names: set[str] = set()
    seen_bare: set[str] = set()  # names of agencies seen without a code
    for e in this:
        r = e.record
        if _same(r, seen_uscc, seen_names, seen_bare):
            continue  # another file of an agency already compared: a duplicate, listed as such elsewhere
        seen_uscc.add(r.uscc.upper())
        seen_names.add(fold(r.name))
        if not r.uscc:
            seen_bare.add(fold(r.name))
        hit = by_uscc.get(r.uscc) if r.uscc else None
        if hit is None:
            candidate = by_name.get(fold(r.name))
            if candidate is not None and not (r.uscc and candidate.uscc):
                hit = candidate
        if hit is not None:
            matched.add(hit.uscc or fold(hit.name))
        numbers = bool(r.form and hit is not None and hit.form and r.values and hit.values)
        pairs.append(Pair(r.name, r.uscc, e, hit, hit is None and bool({r.uscc, fold(r.name)} & known),
                          comparable=numbers and e.summed))
        if r.form and hit is not None and hit.form and r.values and hit.values:
            breaks.extend(_breaks(r.form, r.values, hit.form, hit.values, r.name, r.source, hit.source))
    for r in got:  # last year's agencies not matched (a copy sent twice counts once)
        if (r.uscc or fold(r.name)) not in matched:
            matched.add(r.uscc or fold(r.name))
            pairs.append(Pair(r.name, r.uscc, None, r))
    # agencies a summary of last year held, not among this year's (names only: no numbers)
    here = {r.uscc for e in this if (r := e.record).uscc} | {fold(e.record.name) for e in this}
    for e in last.summed:
        if e.record.summary is not None:
            for p in e.record.summary.members or ():
                if (p.uscc.upper() or fold(p.name)) not in here and fold(p.name) not in here:
                    pairs.append(Pair(p.name, p.uscc, None, None))
    if c.form and c.values and last.form and last.values:
        breaks.extend(_breaks(c.form, c.values, last.form, last.values, c.name, "", ""))
    whole = _whole(c, last, pairs)
    return Comparison(last, tuple(pairs), tuple(breaks), frozenset(known), whole, _incomplete(c, last, pairs, whole))


def _whole(c: Outcome, last: Outcome, pairs: Sequence[Pair]) -> bool:
    """Whether last year's totals hold exactly this year's summed agencies, a summary among
    them (whose members have no numbers apart): the totals then compare as they are."""
    if not any(e.record.summary is not None for e in last.summed) or last.duplicates or last.values is None:
        return False
    return all(p.this is not None and p.this.summed and (p.last is not None or p.held_last) for p in pairs) and all(
        e.summed for e in last.entries)


def _incomplete(c: Outcome, last: Outcome, pairs: Sequence[Pair], whole: bool) -> tuple[str, ...]:
    """Why last year's input does not cover this year's summary, each reason a sentence."""
    out = []
    counts: dict[Reason, int] = {}
    for e in last.left_out:
        if e.kind is not None:
            counts[e.kind] = counts.get(e.kind, 0) + 1
    year = f"{last.year} 年度" if last.year else "上年"
    if counts.get(Reason.UNREADABLE):
        out.append(f"上年输入中 {counts[Reason.UNREADABLE]} 个文件无法读取")
    if counts.get(Reason.OTHER_GROUP) or counts.get(Reason.UNRECOGNISED):
        k = counts.get(Reason.OTHER_GROUP, 0) + counts.get(Reason.UNRECOGNISED, 0)
        out.append(f"上年输入中 {k} 个文件不是{year}的报告（或表式不同），未用于对比")
    if last.duplicates:
        out.append(f"上年输入中 {len(last.duplicates)} 个单位重复报送（每个单位只计一次）")
    summed = [p for p in pairs if p.this is not None and p.this.summed]
    if not whole:
        without = [p for p in summed if p.last is None]
        if without:
            out.append(f"本年已汇总的 {len(summed)} 个单位中，{len(without)} 个没有可对比的上年报告"
                       + ("（上年汇总表中只有其合计）" if any(p.held_last for p in without) else ""))
    return tuple(out)


def swing(now: Any, before: Any) -> tuple[Any, Any, bool]:
    """Change, its share of last year's figure (None when last year had none) and whether it
    is a large swing."""
    if now is None or before is None:
        return None, None, False
    if type(now) is int and type(before) is int:  # counts, the common case
        whole = now - before
        ratio = whole / before if before else None
        big = abs(whole) >= SWING_FLOOR and (ratio is None or abs(ratio) >= SWING_SHARE)
        return whole, (round(ratio, 4) if ratio is not None else None), big
    change = Decimal(now) - Decimal(before)
    share = change / Decimal(before) if before else None
    large = abs(change) >= SWING_FLOOR and (share is None or abs(share) >= SWING_SHARE)
    return plain(change), (float(round(share, 4)) if share is not None else None), large


def short(path: str) -> str:
    return Path(path).name if path else ""


__all__ = ["Break", "Comparison", "Pair", "compare", "swing"]
