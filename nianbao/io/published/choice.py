"""Which printing of a table the numbers are read from, chosen by its structure.

A table's labels may be met before the table itself: in prose, in a 主要数据 summary table, in
a one-cell-a-line block. The first mention never wins by being first. The labelled rows of a
table are cut into *candidates* — runs whose rows follow the form's order — and a row printed
more than once is read where its candidate holds the most of the table's rows. When two
printings of a row hold as many, the table was printed twice: a row whose numbers agree is
read, with a warning; a row whose numbers differ is an error naming both places, and is not
read (never a silent choice). A row printed elsewhere with other numbers than the table's is
named in a warning. A row printed once is read where it is.
"""

from __future__ import annotations

from typing import Any

from ...core.codes import Code
from ...core.findings import Finding, finding
from ...core.forms import Table


def _place(ev: Any) -> str:
    c = ev.label if ev.label is not None and ev.label.place else (ev.cells[0] if ev.cells else None)
    return f"{c.place} {c.where}" if c is not None else "原文"


def _numbers(ev: Any) -> list[str]:
    """A row's numbers as printed, blank cells (a merged label's, padding) left out."""
    return [t for t in (c.text.strip() for c in ev.cells) if t]


def candidates(labelled: list[Any]) -> list[list[Any]]:
    """Labelled rows (in the source's order) cut into runs that follow the form's order."""
    out: list[list[Any]] = []
    last = -1
    for ev in labelled:
        if not out or ev.slot.order <= last:
            out.append([])
        out[-1].append(ev)
        last = ev.slot.order
    return out


def choose(events: list[Any], table: Table, findings: list[Finding]) -> tuple[dict[int, Any], list[Any]]:
    """(slot order -> the row read, or None for a row refused here; the events left once the
    rows of candidates that lost everywhere are out)."""
    runs = candidates([ev for ev in events if ev.slot is not None])
    size: dict[int, int] = {}
    for run in runs:
        n = len({ev.slot.order for ev in run})
        for ev in run:
            size[id(ev)] = n
    by_slot: dict[int, list[Any]] = {}
    for run in runs:
        for ev in run:
            by_slot.setdefault(ev.slot.order, []).append(ev)
    filled: dict[int, Any] = {}
    chosen: set[int] = set()
    twice = differ = False
    for order, found in sorted(by_slot.items()):
        top = max(size[id(ev)] for ev in found)
        best = [ev for ev in found if size[id(ev)] == top]
        mine = best[0]
        filled[order] = mine
        chosen.add(id(mine))
        if len(best) > 1:  # printed twice, each time within as much of the table
            twice = True
            other = next((ev for ev in best[1:] if _numbers(ev) != _numbers(mine)), None)
            if other is not None:
                differ = True
                filled[order] = None
                findings.append(
                    finding(
                        Code.AMBIGUOUS,
                        f"{mine.slot.name}在原文中出现两次且数字不同（{_place(mine)}：{'、'.join(_numbers(mine))}；"
                        f"{_place(other)}：{'、'.join(_numbers(other))}），无法确定采用哪一处，该行按未填写处理",
                        "/" + "/".join(mine.slot.paths[0]),
                    )
                )
            chosen.update(id(ev) for ev in best)
            continue
        for ev in found:
            if ev is not mine and _numbers(ev) and _numbers(ev) != _numbers(mine):
                findings.append(
                    finding(
                        Code.SOURCE,
                        f"{ev.slot.name}：原文另一处（{_place(ev)}）的数字（{'、'.join(_numbers(ev))}）"
                        f"与表格中的不同，按行列完整的表格（{_place(mine)}）读取",
                        "/" + "/".join(ev.slot.paths[0]),
                    )
                )
    if twice:
        agree = "，数字相同的行采用第一次出现的数字" if differ else "，两次的数字相同"
        findings.append(finding(Code.SOURCE, f"{table.sheet}「{table.title}」在原文中出现两次{agree}"))
    dropped: set[int] = set()
    for run in runs:
        if not any(id(ev) in chosen for ev in run):  # a mention that lost everywhere: its rows are out
            first, last = run[0].index, run[-1].index
            dropped.update(i for i, ev in enumerate(events) if first <= ev.index <= last)
    return filled, [ev for i, ev in enumerate(events) if i not in dropped]
