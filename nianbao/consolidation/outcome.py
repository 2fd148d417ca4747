"""What a consolidation found: the typed outcome of every input, and the sums.

Whether an input was summed, and if not why, is one code (:class:`~nianbao.core.codes.Reason`,
None when summed); how codes read in Chinese is said once, in :mod:`nianbao.core.codes`.
:class:`Outcome` is immutable: last year's comparison is set when it is made. Nothing here
reads or writes a file (:class:`nianbao.consolidation.consolidate.Consolidation` adds ``write``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..core.codes import Alike, Disposition, Presence, Reason
from ..core.findings import ERRORS, Finding
from ..core.forms import DEFAULT_PROCUREMENT_UNIT, PROCUREMENT_UNIT_KEY
from ..core.model import Cell, model
from .marker import LEVEL_KEY, MEMBERS_KEY, SUMMARY_KEY, Part
from .records import Record
from .roster import Member

DEFAULT_NAME = "汇总"


@dataclass(frozen=True)
class Entry:
    """One input and what consolidation made of it."""

    record: Record
    kind: Reason | None = None  # why it was left out; None: summed
    detail: str = ""  # the particulars of the reason, in Chinese
    notes: tuple[Finding, ...] = ()  # what consolidation itself found (DUPLICATE)

    @property
    def summed(self) -> bool:
        return self.kind is None

    @property
    def reason(self) -> str:
        """Why it was not summed, in Chinese: the reason's word, then the particulars."""
        if self.kind is None:
            return ""
        return f"{self.kind.display}：{self.detail}" if self.detail else self.kind.display

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.record.findings + self.notes

    @property
    def disposition(self) -> Disposition:
        return Disposition.SUMMED if self.summed else Disposition.NOT_SUMMED


@dataclass(frozen=True)
class Overlap:
    """One agency held by more than one input: two reports of it (:attr:`Reason.DUPLICATE`),
    or a summary holding it beside another input (:attr:`Reason.OVERLAP`). Iterating gives
    the inputs, each once."""

    key: str  # the 统一社会信用代码, else the folded name
    by: str  # USCC_LABEL or NAME_LABEL
    name: str  # the agency's name as one input writes it
    uscc: str
    kind: Reason
    entries: tuple[Entry, ...]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Lookalike:
    """Two agencies whose names differ but look alike: listed for review, never merged."""

    names: tuple[str, str]
    entries: tuple[Entry, ...]
    kind: Alike = Alike.NAMES


@dataclass(frozen=True)
class Outcome:
    """Everything a consolidation found: the sums, and what became of every input."""

    form: str | None
    year: int | None
    name: str
    entries: tuple[Entry, ...]
    values: tuple[Any, ...] | None  # the sums, in the form model's cell order
    include_errors: bool = False
    roster: tuple[Member, ...] | None = None
    missing: tuple[Member, ...] = ()  # on the roster, no report of the summed year and form
    unexpected: tuple[Entry, ...] = ()  # reports of the summed year and form not on the roster
    duplicates: tuple[Overlap, ...] = ()
    unusable_cells: int = 0  # blank or non-numeric cells skipped in included reports with errors
    lookalikes: tuple[Lookalike, ...] = ()
    previous: Any = None  # a nianbao.consolidation.previous.Comparison, given last year's reports

    @property
    def summed(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.summed)

    @property
    def left_out(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if not e.summed)

    @property
    def included_with_errors(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.summed and e.record.status == ERRORS)

    @property
    def complete(self) -> bool:
        """Every input summed (an earlier summary of inputs present aside), and no roster gap."""
        return (
            all(e.kind == Reason.EARLIER_OUTPUT for e in self.left_out) and not self.missing and not self.unexpected
        )

    @property
    def members(self) -> tuple[Part, ...]:
        """The agencies this summary holds: each summed report, and each summed summary's members."""
        out: list[Part] = []
        for e in self.summed:
            r = e.record
            if r.summary is not None and r.summary.members is None:
                out.append(Part(r.uscc, r.name, r.sha256, r.sha256))  # members unknown: the summary itself
            else:
                out.extend(r.parts)
        return tuple(out)

    @property
    def member_count(self) -> int:
        """How many agencies the summary adds up: each summed report one, each summed summary
        as many as it holds (a summary of summaries counts every agency)."""
        return sum(e.record.summary.count if e.record.summary else 1 for e in self.summed)

    def document(self, members_inline: bool = True) -> dict[str, Any] | None:
        """The summary as a report in the interchange format (None when nothing was summed):
        its ``meta`` records that it is a summary, its level and its members (inline, or only
        their count when a workbook keeps them in a sheet of their own)."""
        if self.form is None or self.values is None or not self.summed:
            return None
        m = model(self.form)
        doc: dict[str, Any] = {"form": self.form, "year": self.year, "agency": {"name": self.name}}
        meta: dict[str, Any] = {}
        if m.unit_cells:
            meta[PROCUREMENT_UNIT_KEY] = DEFAULT_PROCUREMENT_UNIT
        meta[SUMMARY_KEY] = {
            LEVEL_KEY: self.name,
            MEMBERS_KEY: [p.to_dict() for p in self.members] if members_inline else self.member_count,
        }
        doc["meta"] = meta
        doc.update(m.document([plain(v) for v in self.values]))
        return doc

    def reasons(self) -> Counter[Reason]:
        """How many inputs were left out, by kind of reason."""
        return Counter(e.kind for e in self.left_out if e.kind is not None)

    def line(self) -> str:
        """The one line the CLI prints at the end."""
        read = sum(1 for e in self.entries if e.record.readable)
        parts = [f"共 {len(self.entries)} 个文件，读取 {read} 个，汇总 {len(self.summed)} 个"]
        if self.form or self.year:
            parts[0] += f"（{describe(self.year, self.form, '，')}）"
        out = self.left_out
        if out:
            why = "、".join(f"{k.display} {n} 个" for k, n in sorted(self.reasons().items(), key=lambda kv: -kv[1]))
            parts.append(f"未汇总 {len(out)} 个：{why}")
        if self.included_with_errors:
            parts.append(f"其中 {len(self.included_with_errors)} 个有错误的报告已按要求计入")
        if self.roster is not None:
            parts.append(
                f"名单 {len(self.roster)} 个单位，未报送 {len(self.missing)} 个，不在名单中 {len(self.unexpected)} 个"
            )
        if self.lookalikes:
            parts.append(f"名称相近待核对 {len(self.lookalikes)} 组")
        if self.previous is not None:
            parts.append(self.previous.line())
        return "；".join(parts)

    def summed_cells(self) -> Iterator[tuple[Record, Cell, Any]]:
        """Every filled cell of every summed report, with its record: what the long table
        (the CSV, :meth:`to_frame`) has a row for. Values are exact: int or Decimal."""
        if self.form is None:
            return
        cells = model(self.form).cells
        for e in self.summed:
            r = e.record
            if r.values is None:
                continue
            for cell, v in zip(cells, r.values, strict=True):
                if v is not None:
                    yield r, cell, v

    def long_rows(self) -> Iterator[tuple[str, str, str, str, str, str, Any]]:
        """One row per cell of every summed report: agency, code, source, table, row, column,
        value (exact: int or Decimal)."""
        for r, cell, v in self.summed_cells():
            yield r.name, r.uscc, r.source, cell.table.title, cell.row_label, cell.column_label, v

    def to_frame(self) -> Any:
        """The long table as a pandas DataFrame, one row per cell of every summed report:
        单位名称, 统一社会信用代码, 来源文件, 表, 行, 列, 数值 (pandas is imported here only; without it,
        :class:`~nianbao.extras.MissingExtra` says to install ``nianbao[pandas]``)."""
        from ..extras import need

        pd = need("pandas")

        from ..core.forms import NAME_LABEL, SOURCE_LABEL, USCC_LABEL

        columns = [NAME_LABEL, USCC_LABEL, SOURCE_LABEL, "表", "行", "列", "数值"]
        rows = [(*r[:6], plain(r[6])) for r in self.long_rows()]
        return pd.DataFrame.from_records(rows, columns=columns)


def describe(year: int | None, form: str | None, sep: str = "、") -> str:
    """"2020 年度、2019 年表式", leaving out what is not known."""
    return sep.join(x for x in (f"{year} 年度" if year else "", f"{form} 年表式" if form else "") if x) or "未定"


def plain(value: Any) -> Any:
    """A sum as a JSON number: int, or float for an amount with decimals (exact to the 分: 6 places)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


__all__ = [
    "DEFAULT_NAME", "Alike", "Disposition", "Entry", "Lookalike", "Outcome", "Overlap", "Presence", "Reason",
    "describe", "plain",
]
