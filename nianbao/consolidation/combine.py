"""Combining records: which are summed and why, and the sums.

Which records are summed (everything else is listed with the reason, a
:class:`~nianbao.core.codes.Reason`); each point is one small named rule of :data:`RULES`,
the first that leaves a record out saying why:

* only one report year and form: the one most records have, or the one asked for;
* not a summary whose files are all among the inputs already (an earlier output);
* not a record with errors, unless ``include_errors`` (the summary then says so);
* no agency counted twice. Every input holds agencies: a report its own, a summary its
  members. An agency is known by its 统一社会信用代码, else by its name as people read it
  (:func:`nianbao.consolidation.names.fold`); a report without a code is the agency of a
  report with one when the names agree. Two reports of one agency are both left out
  (重复报送); a summary holding an agency that another input holds too is left out with
  every input it overlaps, until the office resolves which counts;
* a summary that does not record its members is not summed beside agency reports;
* 采购总金额 (form 2019, whose form prints no unit) is summed in 万元: an amount declared in
  元 is converted exactly (÷10000); one that cannot be written exactly in 万元 with at most
  6 decimals (fractions of a 分) leaves its report out, with the reason.

Summaries whose members are disjoint are summed like reports, whatever their names (district
→ city → province). Names that differ but look alike are listed for review, never merged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.codes import Code
from ..core.findings import ERRORS, finding
from ..core.forms import AMOUNT, NAME_LABEL, USCC_LABEL, form_for_year
from ..core.model import Cell, FormModel, model
from .names import fold, near_duplicates
from .outcome import DEFAULT_NAME, Entry, Lookalike, Outcome, Overlap, Reason, describe
from .records import Record
from .roster import Member


def _choose(records: Sequence[Record], year: int | None, form: str | None) -> tuple[int | None, str | None]:
    """The year and form to sum: as asked, else the most common among readable reports."""
    counts = Counter((r.year, r.form) for r in records if r.form and r.year is not None)
    if year is not None:
        counts = Counter({k: n for k, n in counts.items() if k[0] == year})
    if form is not None:
        counts = Counter({k: n for k, n in counts.items() if k[1] == form})
    if not counts:
        if year is not None and form is None:
            declared = form_for_year(year)
            return year, declared.key if declared else None
        return year, form
    (y, key), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0][0], kv[0][1]))
    return y, key


def _in_group(r: Record, year: int | None, form: str | None) -> bool:
    """A readable report of the summed year and form."""
    return r.readable and r.form == form and r.year == year and r.form is not None


def earlier_outputs(records: Sequence[Record]) -> set[str]:
    """The summaries whose every member came in a file that is itself among ``records`` (by
    hash): an earlier output of this very consolidation (or of part of it). Leaving them out
    loses nothing."""
    hashes = Counter(r.sha256 for r in records if r.sha256)
    out = set()
    for r in records:
        s = r.summary
        if s is None or not s.members:
            continue
        vias = {p.via for p in s.members}
        if all(hashes[v] > (1 if v == r.sha256 else 0) for v in vias):
            out.add(r.source)
    return out


class _Keys:
    """Agency keys: the 统一社会信用代码, else the folded name — or the code a report with the
    same folded name gives."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        self.uscc_of: dict[str, str] = {}
        for uscc, name in pairs:
            if uscc and name:
                self.uscc_of.setdefault(fold(name), uscc)

    def __call__(self, uscc: str, name: str) -> str:
        if uscc:
            return uscc
        folded = fold(name)
        return self.uscc_of.get(folded, "") or folded


@dataclass(frozen=True)
class Batch:
    """What the exclusion rules know of the whole batch besides the record they judge."""

    year: int | None
    form: str | None
    include_errors: bool
    earlier: frozenset[str]  # summaries of files all among the inputs
    clashes: dict[str, tuple[str, list[Record]]]  # source -> its first clash: (agency key, holders)
    clash_count: Counter[str]  # source -> how many agencies it holds that another input holds too
    shown: dict[str, tuple[str, str]]  # agency key -> (name, uscc) as an input writes it
    agency_reports: bool  # whether any input is an agency's own report (not a summary)

    def how(self, k: str, rs: Sequence[Record]) -> str:
        """How two inputs were found to hold one agency: by code, else by name."""
        return USCC_LABEL if any(p.uscc.upper() == k for o in rs for p in o.parts) else NAME_LABEL


# What a rule says of a record it leaves out: why, the particulars, what consolidation found.
Out = tuple[Reason, str, tuple[Any, ...]]
Rule = Callable[[Record, Batch], Out | None]


def unreadable(r: Record, b: Batch) -> Out | None:
    if r.readable:
        return None
    return Reason.UNREADABLE, r.findings[0].message if r.findings else "", ()


def unrecognised(r: Record, b: Batch) -> Out | None:
    return (Reason.UNRECOGNISED, "", ()) if r.form is None or r.year is None else None


def other_group(r: Record, b: Batch) -> Out | None:
    if (r.year, r.form) == (b.year, b.form):
        return None
    return Reason.OTHER_GROUP, f"{describe(r.year, r.form)}，本次汇总 {describe(b.year, b.form)}", ()


def earlier_output(r: Record, b: Batch) -> Out | None:
    if r.source not in b.earlier:
        return None
    return Reason.EARLIER_OUTPUT, "该汇总表所含的报告均已在输入中，不再重复计入", ()


def held_twice(r: Record, b: Batch) -> Out | None:
    """An agency another input holds too: two reports of it, or a summary holding it."""
    if r.source not in b.clashes:
        return None
    k, rs = b.clashes[r.source]
    by = b.how(k, rs)
    others = "、".join(Path(o.source).name for o in rs if o is not r)
    if all(o.summary is None for o in rs):
        note = finding(Code.DUPLICATE, f"{by}「{k}」共报送 {len(rs)} 份（另见 {others}），均未计入汇总")
        return Reason.DUPLICATE, f"{by}「{k}」共 {len(rs)} 份，均未汇总", (note,)
    agency = b.shown[k][0] or k
    n = b.clash_count[r.source]
    more = f"等 {n} 个单位" if n > 1 else ""
    note = finding(
        Code.DUPLICATE,
        f"单位「{agency}」（{by}「{k}」）{more}同时包含在 {others} 中，为免重复计算，均未计入汇总；"
        "请去掉其中一方后重新汇总",
    )
    return Reason.OVERLAP, f"单位「{agency}」{more}同时包含在 {others} 中，均未汇总", (note,)


def old_summary(r: Record, b: Batch) -> Out | None:
    if r.summary is None or r.summary.members is not None or not b.agency_reports:
        return None
    return Reason.OLD_SUMMARY, (
        "该汇总表由旧版本生成，未记录所含单位，无法判断是否与一同输入的单位报告重复，未计入；"
        "请用本工具重新汇总生成该汇总表（nianbao consolidate 各单位报告 -o 汇总表.xlsx）后再输入"
    ), ()


def inexact_unit(r: Record, b: Batch) -> Out | None:
    return (Reason.UNIT, r.problem, ()) if r.problem else None


def with_errors(r: Record, b: Batch) -> Out | None:
    if r.status != ERRORS or b.include_errors:
        return None
    return Reason.ERRORS, f"{r.errors} 个错误，未计入汇总（可用 --include-errors 计入）", ()


# The exclusion rules, in order: the first that leaves a record out says why; a record no
# rule leaves out is summed.
RULES: tuple[Rule, ...] = (
    unreadable, unrecognised, other_group, earlier_output, held_twice, old_summary, inexact_unit, with_errors,
)


def judge(r: Record, batch: Batch, rules: Sequence[Rule] = RULES) -> Entry:
    """The record's entry: left out by the first rule that says so, else summed."""
    for rule in rules:
        out = rule(r, batch)
        if out is not None:
            kind, detail, notes = out
            return Entry(r, kind, detail, notes)
    return Entry(r)


def combine(
    records: Sequence[Record],
    *,
    year: int | None = None,
    form: str | None = None,
    include_errors: bool = False,
    name: str = DEFAULT_NAME,
    roster: Sequence[Member] | None = None,
) -> Outcome:
    """Decide which records are summed (:data:`RULES`), sum them, and match them against the roster."""
    records = sorted(records, key=lambda r: r.source)
    year, form = _choose(records, year, form)

    in_group = [r for r in records if _in_group(r, year, form)]
    earlier = earlier_outputs(in_group)
    holders = [r for r in in_group if r.source not in earlier]
    key_of = _Keys((p.uscc.upper(), p.name) for r in holders for p in r.parts)

    # Every agency key, with the inputs that hold it (each input once per key).
    owners: dict[str, list[Record]] = {}
    shown: dict[str, tuple[str, str]] = {}  # key -> (name, uscc) as an input writes it
    for r in holders:
        for p in r.parts:
            k = key_of(p.uscc.upper(), p.name)
            if not k:
                continue
            holding = owners.setdefault(k, [])
            if not holding or holding[-1] is not r:
                holding.append(r)
            shown.setdefault(k, (p.name, p.uscc.upper()))
    clashes = {k: rs for k, rs in owners.items() if len(rs) > 1}
    first_clash: dict[str, tuple[str, list[Record]]] = {}
    clash_count: Counter[str] = Counter()
    for k, rs in clashes.items():
        for r in rs:
            first_clash.setdefault(r.source, (k, rs))
            clash_count[r.source] += 1
    batch = Batch(year, form, include_errors, frozenset(earlier), first_clash, clash_count, shown,
                  any(r.summary is None for r in holders))
    entries = [judge(r, batch) for r in records]

    values = None
    unusable = 0
    if form is not None:
        values, unusable = sum_values(model(form), [e.record.values for e in entries if e.summed and e.record.values])

    by_source = {e.record.source: e for e in entries}
    duplicates = []
    for k, rs in sorted(clashes.items(), key=lambda kv: (kv[1][0].source, kv[0])):
        kind = Reason.DUPLICATE if all(o.summary is None for o in rs) else Reason.OVERLAP
        held = tuple(by_source[o.source] for o in rs)
        duplicates.append(Overlap(k, batch.how(k, rs), shown[k][0], shown[k][1], kind, held))

    missing: tuple[Member, ...] = ()
    unexpected: tuple[Entry, ...] = ()
    members = tuple(roster) if roster is not None else None
    if members is not None:
        missing, unexpected = _match_roster(members, [e for e in entries if _in_group(e.record, year, form)])

    return Outcome(
        form=form,
        year=year,
        name=name,
        entries=tuple(entries),
        values=values,
        include_errors=include_errors,
        roster=members,
        missing=missing,
        unexpected=unexpected,
        duplicates=tuple(duplicates),
        unusable_cells=unusable,
        lookalikes=_lookalikes([by_source[r.source] for r in holders], key_of),
    )


def _lookalikes(entries: Sequence[Entry], key_of: _Keys) -> tuple[Lookalike, ...]:
    """Agencies of different keys whose names look alike (reports only; a summary's members
    are compared by their codes and names as recorded)."""
    by_name: dict[str, list[Entry]] = {}
    keys: dict[str, set[str]] = {}
    for e in entries:
        r = e.record
        if r.summary is None and r.name:
            folded = fold(r.name)
            by_name.setdefault(folded, []).append(e)
            keys.setdefault(folded, set()).add(key_of(r.uscc, r.name))
    out = []
    for a, b in near_duplicates(by_name):
        if keys[a] & keys[b]:
            continue  # one agency already (the same code)
        out.append(Lookalike((by_name[a][0].record.name, by_name[b][0].record.name), tuple(by_name[a] + by_name[b])))
    return tuple(out)


def sum_values(m: FormModel, vectors: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], int]:
    """The cell-by-cell sum of value vectors (ints, and Decimals for amounts), and how many
    unusable (None) values were skipped: an included report with errors adds nothing for
    them. Column by column, each column summed in one call (exact: ints and Decimals)."""
    cells: tuple[Cell, ...] = m.cells
    vectors = list(vectors)
    columns = zip(*vectors, strict=True) if vectors else (() for _ in cells)
    totals: list[Any] = []
    skipped = 0
    for cell, column in zip(cells, columns, strict=False):
        start = Decimal(0) if cell.kind == AMOUNT else 0
        try:
            totals.append(sum(column, start))
        except TypeError:  # a None among them
            skipped += column.count(None)
            totals.append(sum((v for v in column if v is not None), start))
    return tuple(totals), skipped


def _match_roster(members: Sequence[Member], entries: Sequence[Entry]) -> tuple[tuple[Member, ...], tuple[Entry, ...]]:
    by_uscc: dict[str, list[Entry]] = {}
    by_name: dict[str, list[Entry]] = {}
    for e in entries:  # each name folded once; a summary by its members
        for p in e.record.parts:
            if p.uscc:
                by_uscc.setdefault(p.uscc.upper(), []).append(e)
            by_name.setdefault(fold(p.name), []).append(e)
    matched: set[str] = set()
    missing: list[Member] = []
    for m in members:
        name = fold(m.name)
        hit = by_uscc[m.uscc][0] if m.uscc and m.uscc in by_uscc else None
        if hit is None and m.name and name in by_name:
            hit = by_name[name][0]
            # A roster USCC that contradicts the report's own is not a match.
            if m.uscc and hit.record.summary is None and hit.record.uscc and hit.record.uscc != m.uscc:
                hit = None
        if hit is None:
            missing.append(m)
        else:
            # every report of that agency (duplicates included) is on the roster
            for e in (by_uscc.get(m.uscc, []) if m.uscc else []) + (by_name.get(name, []) if m.name else []):
                matched.add(e.record.source)
    unexpected = tuple(e for e in entries if e.record.source not in matched)
    return tuple(missing), unexpected


__all__ = ["RULES", "Batch", "Rule", "combine", "earlier_outputs", "judge", "sum_values"]
