"""Cells of a recognised row read beyond "the n cells after the label": by the positions of
the column headers above them, an amount written in 元, a number a browser shows with a space
inside (refused, naming the identities it leaves unchecked)."""

from __future__ import annotations

import bisect
import re
from decimal import Decimal

from ...core.codes import Code
from ...core.findings import finding
from ...core.forms import YUAN, YUAN_DECIMALS, YUAN_PER_WAN, Column
from ...core.model import Cell as ModelCell
from ...core.model import FormModel
from .events import Event, Recognised
from .grid import Cell
from .labels import Slot, column_keys

SPACED = re.compile(r"^\s*\d+(?:\s+\d+)+(?:\.\d+)?\s*$")  # "2 0": digits a space apart


def refuse_spaced(m: FormModel, cell: ModelCell, text: str, pointer: str, out: Recognised) -> None:
    """A number with a space inside that a browser shows ("2 0"): one number or two is not
    known, so the cell is refused — and the identities that need it are named, since they
    cannot be checked."""
    rules = sorted({c.rule for c in m.checks if any(t.index == cell.index for t in c.terms())})
    skipped = f"；涉及该格的勾稽关系（{'、'.join(rules)}）因此无法核对" if rules else ""
    out.findings.append(
        finding(
            Code.AMBIGUOUS,
            f"{cell.label}：「{text.strip()}」数字中间有空格，无法确定是一个数还是几个数，未采用{skipped}",
            pointer,
        )
    )


def place_of(where: Cell | None) -> str:
    return f"（{where.place} {where.where}）" if where is not None and where.place else ""


def under_headers(slot: Slot, ev: Event, out: Recognised) -> list[Cell] | None:
    """A row's cells by the positions of the column headers above it (a tab copy that kept the
    merged cells' places: label, six empty cells, ``0``, an empty cell): each column's header
    found in a row as wide as this one, in a place of its own, and every number under exactly
    one of them; else None."""
    if ev.start < 0 or not ev.cells:
        return None
    at: dict[int, int] = {}  # position -> column
    for i, col in enumerate(slot.columns):
        found = []
        for k in column_keys(col):
            seen = out.headers.get((slot.table.key, k), [])
            n = bisect.bisect_left(seen, (ev.index,))  # the header rows above the row
            if n:
                found.append(seen[n - 1])
        if not found:
            return None
        _, position, width = max(found)  # the nearest header row above
        if width != ev.width or position in at:
            return None
        at[position] = i
    kept: list[Cell | None] = [None] * len(slot.columns)
    for offset, c in enumerate(ev.cells):
        column = at.get(ev.start + offset)
        if column is not None:
            kept[column] = c
        elif c.text.strip():
            return None  # a number under no header
    first = ev.cells[0]
    return [c if c is not None else Cell("", first.place, first.where) for c in kept]


def take_yuan(cell: ModelCell, col: Column, text: str, yuan: Decimal, pointer: str, out: Recognised) -> None:
    """An amount written in 元 in its cell ("75394432.52元"): where the form prints no unit the
    report's unit becomes 元, as the template's unit field says it; where the form prints 万元
    the amount is converted (1 万元 = 10000 元). More than two decimals in 元 is no amount to
    the 分: the cell is refused."""
    exponent = yuan.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > YUAN_DECIMALS:
        out.findings.append(
            finding(
                Code.AMBIGUOUS,
                f"{cell.label}：「{text.strip()}」以元为单位超过 {YUAN_DECIMALS} 位小数，未采用",
                pointer,
            )
        )
        return
    if col.unit_key:
        if out.units.get(col.unit_key, YUAN) != YUAN:
            out.findings.append(
                finding(Code.AMBIGUOUS, f"{cell.label}：「{text.strip()}」的单位与前文不一致，未采用", pointer)
            )
            return
        out.units[col.unit_key] = YUAN
        out.values[cell.index] = int(yuan) if yuan == yuan.to_integral_value() else float(yuan)
        out.findings.append(
            finding(Code.CELL, f"{cell.label}：「{text.strip()}」单元格中写明以{YUAN}为单位，按{YUAN}读取", pointer)
        )
        return
    wan = (yuan / Decimal(YUAN_PER_WAN)).normalize()
    out.values[cell.index] = int(wan) if wan == wan.to_integral_value() else float(wan)
    out.findings.append(
        finding(
            Code.CELL,
            f"{cell.label}：「{text.strip()}」以{YUAN}为单位，按 1 万元 = 10000 元换算为 {format(wan, 'f')} 万元",
            pointer,
        )
    )
