"""The standard sentences that state the report's numbers, in the words of the form's labels.

Each sentence names its rows and columns by their official labels (from
:mod:`nianbao.core.forms`) with the numbering taken off — "一、本年新收政府信息公开申请数量"
reads "本年新收政府信息公开申请", "（二）部分公开（区分处理的，…）" reads "部分公开" — so a
sentence can never disagree with the table beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..core.forms import Column, Form, Row
from ..core.model import FormModel
from .document import number_text

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")
_UNIT = re.compile(r"（单位：([^（）]+)）$")
COUNT_SUFFIX = "数量"
PIECES = "件"
UNFILLED = "（未填写）"


def plain_label(label: str) -> str:
    """A label without its numbering, its trailing note or a trailing 数量."""
    text = _ORDINAL.sub("", label)
    text = _TRAILING_NOTE.sub("", text)
    return text.removesuffix(COUNT_SUFFIX)


def _number(v: Any) -> Decimal | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float) and v == v and v not in (float("inf"), float("-inf")):
        return Decimal(repr(v))
    if isinstance(v, Decimal):
        return v
    return None


def _sum(values: Sequence[Any]) -> Any:
    """The sum of numbers, or None when any is blank or not a number."""
    out = Decimal(0)
    for v in values:
        d = _number(v)
        if d is None:
            return None
        out += d
    return int(out) if out == out.to_integral_value() else out


def _count(value: Any) -> str:
    return f"{number_text(value)}{PIECES}" if _number(value) is not None else UNFILLED


class _Reader:
    def __init__(self, m: FormModel, values: Sequence[Any]):
        self.m = m
        self.values = values

    def get(self, *path: str) -> Any:
        return self.values[self.m.by_path[path].index]

    def row_total(self, table: str, keys: tuple[str, ...], row: Row, column: Column) -> Any:
        """A row's number in ``column``; for a row with sub-items, the sum of its leaves."""
        if row.is_leaf:
            return self.get(table, *keys, row.key, column.key)
        return _sum([self.row_total(table, keys + (row.key,), c, column) for c in row.children])


def active_sentence(m: FormModel, values: Sequence[Any], units: dict[str, str]) -> str:
    """Table 2 in one sentence: each row with its numbers, by column label; an amount with
    its unit (from its label, or for one whose unit the report declares, from ``units``)."""
    table = m.form.table("active")
    parts = []
    for group in table.groups:
        for row in group.rows:
            items = []
            for col in group.columns:
                v = values[m.by_path[(table.key, row.key, col.key)].index]
                label, unit = col.label, units.get(col.unit_key, "") if col.unit_key else ""
                found = _UNIT.search(label)
                if found:
                    label, unit = label[: found.start()], found.group(1)
                items.append(f"{label}为{number_text(v) + unit}" if _number(v) is not None else f"{label}{UNFILLED}")
            parts.append(f"{row.label}{'，'.join(items)}")
    return "本年度主动公开政府信息情况：" + "；".join(parts) + "。"


def applications_sentence(m: FormModel, values: Sequence[Any]) -> str:
    """Table 3: how many applications came in and were carried over, by kind of applicant,
    how they ended, and how many go on to next year."""
    table = m.form.table("applications")
    read = _Reader(m, values)
    total = table.columns[-1]
    first, second, outcomes, last = table.rows
    parts = [f"{plain_label(r.label)}{_count(read.get(table.key, r.key, total.key))}" for r in (first, second)]
    # who applied: each column without a parent, and each parent's columns together
    who: dict[str, list[Any]] = {}
    for col in table.columns[:-1]:
        who.setdefault(col.parent or col.label, []).append(read.get(table.key, first.key, col.key))
    opening = "，".join(parts) + "；" + f"{plain_label(first.label)}中，" + "，".join(
        f"{name}{_count(_sum(vs))}" for name, vs in who.items()
    )
    results = [
        f"{plain_label(r.label)}{_count(read.row_total(table.key, (outcomes.key,), r, total))}"
        for r in outcomes.children
    ]
    return (
        f"{opening}。{plain_label(outcomes.label)}：" + "，".join(results)
        + f"；{plain_label(last.label)}{_count(read.get(table.key, last.key, total.key))}。"
    )


def appeals_sentence(m: FormModel, values: Sequence[Any]) -> str:
    """Table 4: each group's total, then its results."""
    table = m.form.table("appeals")
    read = _Reader(m, values)
    parts = []
    for g in table.groups:
        total = g.columns[-1]
        detail = "、".join(f"{c.label}{_count(read.get(table.key, g.key, c.key))}" for c in g.columns[:-1])
        parts.append(f"{g.heading}{_count(read.get(table.key, g.key, total.key))}，其中{detail}")
    return "本年度因政府信息公开工作引起" + "；".join(parts) + "。"


def states_fees(form: Form) -> bool:
    """From the 2021 form on, section 六 must state the 信息处理费 charged, if any."""
    return form.years[0] >= 2021
