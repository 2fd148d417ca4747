"""The marking plan: what validating a workbook paints on it, as plain data.

From findings located at sheet and cell, :func:`plan` decides which cells get which fill
(error red, warning amber; the cell a finding points at in a strong shade, the other cells
it involves in a light one), which note each marked cell carries (in Chinese: severity,
rule, title, the message with its values and difference, the hint), and the rows of the
sheet 校验结果 (with a link to each finding's cell).

:func:`apply` and :func:`clear` carry a plan out on a :class:`Canvas`: a few primitives
(read a fill, set a note, write a sheet) that each back-end implements — openpyxl for
``nianbao validate --annotate`` (:mod:`nianbao.excel.annotate`), xlwings for the live workbook
(``xlwings_addin``). No Excel library is imported here.

Marks are recognisable as this tool's own: every marked cell is recorded in a hidden sheet
(:data:`REGISTRY_SHEET`) with the fill and note it had before; clearing restores a cell only
while it still shows the mark, so the clerk's own formatting is never touched, and marking
always starts by clearing the previous marks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from ..core.codes import SEVERITY_WORDS
from ..core.findings import Finding, Tally
from ..core.forms import ERROR, WARNING
from ..core.layout import quoted_sheet
from ..core.rules import fmt
from ..core.sanitize import safe_text

RESULT_SHEET = "校验结果"
REGISTRY_SHEET = "_nianbao_marks"

# Every note this tool writes starts with this line: that is how a note is known as ours.
MARKER = "【年报校验】"

RANK = {ERROR: 0, WARNING: 1}

# RRGGBB. The cell a finding points at / the other cells it involves.
FILLS = {ERROR: "FF7C80", WARNING: "FFC000"}
LIGHT_FILLS = {ERROR: "FFC7CE", WARNING: "FFE699"}

RESULT_HEADER = ("序号", "级别", "规则", "名称", "位置", "说明", "提示")
RESULT_WIDTHS = (6, 6, 8, 24, 14, 80, 48)
REGISTRY_HEADER = ("工作表", "单元格", "标记前的格式（请勿修改本表）")
REGISTRY_WIDTHS = (12, 10, 80)


@dataclass(frozen=True)
class Link:
    """A link to a cell of the same workbook: shown as ``text``, jumps to ``target``."""

    text: str  # 表三!D12
    target: str  # '表三'!D12

    @classmethod
    def to(cls, sheet: str, cell: str) -> Link:
        return cls(f"{sheet}!{cell}", f"{quoted_sheet(sheet)}!{cell}")


@dataclass(frozen=True)
class CellMark:
    sheet: str
    cell: str
    severity: str
    fill: str  # RRGGBB
    note: str  # starts with MARKER


@dataclass(frozen=True)
class NewSheet:
    """A sheet :func:`apply` has a back-end add: its cells as rows (a :class:`Link` is a
    hyperlink), its column widths, and which rows are its title and its column headers
    (1-based, 0 for none), which each back-end shows in its own way."""

    name: str
    grid: list[list[Any]]
    widths: tuple[float, ...]
    hidden: bool = False
    title_row: int = 0
    header_row: int = 0


@dataclass(frozen=True)
class MarkingPlan:
    tally: Tally
    marks: tuple[CellMark, ...]
    rows: tuple[tuple[Any, ...], ...]  # body of 校验结果, RESULT_HEADER's columns
    first: tuple[str, str] | None  # the cell to select: first error, else first warning

    @property
    def summary(self) -> str:
        """The one-line tally: "发现 3 个错误、1 个警告" or "校验通过"."""
        return str(self.tally)

    def result_sheet(self) -> NewSheet:
        """The sheet 校验结果: its title, a blank row, the header, a row per finding."""
        title = f"{RESULT_SHEET}：{self.summary}"
        grid = [[title], [], list(RESULT_HEADER), *[list(r) for r in self.rows]]
        return NewSheet(RESULT_SHEET, grid, RESULT_WIDTHS, title_row=1, header_row=3)

    def mark(self, sheet: str, cell: str) -> CellMark | None:
        for m in self.marks:
            if (m.sheet, m.cell) == (sheet, cell):
                return m
        return None


def _split(ref: str) -> tuple[str, str] | None:
    sheet, sep, cell = ref.rpartition("!")
    return (sheet, cell) if sep and sheet and cell else None


def note_block(f: Finding) -> str:
    """What the note of a cell says about one finding."""
    lines = [f"{SEVERITY_WORDS.get(f.severity, f.severity)} {f.rule} {f.title}", safe_text(f.message)]
    if f.difference is not None and "相差" not in f.message:
        lines.append(f"相差 {fmt(abs(f.difference))}")
    if f.hint:
        lines.append(f"提示：{f.hint}")
    return "\n".join(lines)


def plan(findings: Iterable[Finding]) -> MarkingPlan:
    """The marks of a set of located findings. Findings without a cell are only listed."""
    findings = tuple(findings)
    order = sorted(range(len(findings)), key=lambda i: (RANK.get(findings[i].severity, 9), i))
    ordered = [findings[i] for i in order]

    # cell -> (strongest severity, severities of the findings pointing at it, note blocks)
    cells: dict[tuple[str, str], list[Any]] = {}
    for f in ordered:
        primary = (f.sheet, f.cell) if f.sheet and f.cell else None
        involved = [primary] if primary else []
        for ref in f.cells:
            where = _split(ref)
            if where and where not in involved:
                involved.append(where)
        block = note_block(f)
        for where in involved:
            entry = cells.setdefault(where, [f.severity, set(), []])
            if RANK.get(f.severity, 9) < RANK.get(entry[0], 9):
                entry[0] = f.severity
            if where == primary:
                entry[1].add(f.severity)
            if block not in entry[2]:
                entry[2].append(block)

    marks = []
    for (sheet, cell), (severity, pointed, blocks) in cells.items():
        # strong when a finding of the cell's severity points at it, light when only involved
        fill = (FILLS if severity in pointed else LIGHT_FILLS)[severity]
        marks.append(CellMark(sheet, cell, severity, fill, MARKER + "\n" + "\n\n".join(blocks)))

    rows = []
    for n, f in enumerate(ordered, 1):
        place: Any = Link.to(f.sheet, f.cell) if f.sheet and f.cell else safe_text(f.pointer or "")
        rows.append(
            (n, SEVERITY_WORDS.get(f.severity, f.severity), f.rule, f.title, place, safe_text(f.message), f.hint)
        )
    first = next(((f.sheet, f.cell) for f in ordered if f.sheet and f.cell), None)
    return MarkingPlan(Tally.of(findings), tuple(marks), tuple(rows), first)


# ---------------------------------------------------------------------------------------
# The registry of marks: which cells are marked, and what they looked like before.
# A fill is "" (none), "RRGGBB" (solid), or a back-end's own text for anything else.


@dataclass(frozen=True)
class MarkedCell:
    sheet: str
    cell: str
    fill: str  # before marking
    note: str  # before marking; "" for none
    mark: str  # the fill this tool put there


def registry_sheet(entries: Sequence[MarkedCell]) -> NewSheet:
    """The hidden sheet that remembers what each marked cell looked like before."""
    rows: list[list[Any]] = [list(REGISTRY_HEADER)]
    for e in entries:
        # JSON text never starts like a formula, so it survives every back-end unchanged.
        state = json.dumps({"fill": e.fill, "note": e.note, "mark": e.mark}, ensure_ascii=False)
        rows.append([e.sheet, e.cell, state])
    return NewSheet(REGISTRY_SHEET, rows, REGISTRY_WIDTHS, hidden=True)


def parse_registry(grid: Sequence[Sequence[Any]]) -> list[MarkedCell]:
    """Entries of a registry sheet; rows that are not entries (edited by hand) are skipped."""
    out = []
    for row in list(grid)[1:]:
        row = list(row) + [None] * 3
        sheet, cell, state = row[:3]
        if not (isinstance(sheet, str) and isinstance(cell, str) and isinstance(state, str)):
            continue
        try:
            d = json.loads(state)
        except ValueError:
            continue
        if isinstance(d, dict) and all(isinstance(d.get(k), str) for k in ("fill", "note", "mark")):
            out.append(MarkedCell(sheet, cell, d["fill"], d["note"], d["mark"]))
    return out


class Canvas(Protocol):
    """What a back-end does for :func:`apply` and :func:`clear`. Cells are (sheet, "D12")."""

    def sheet_names(self) -> list[str]: ...

    def read_sheet(self, name: str) -> list[list[Any]]: ...

    def fill(self, sheet: str, cell: str) -> str: ...

    def set_fill(self, sheet: str, cell: str, fill: str) -> None: ...

    def note(self, sheet: str, cell: str) -> str: ...

    def set_note(self, sheet: str, cell: str, text: str) -> None:  # "" removes the note
        ...

    def add_sheet(self, sheet: NewSheet) -> None: ...

    def delete_sheet(self, name: str) -> None: ...

    def unlocked(self) -> AbstractContextManager[None]:  # protection lifted inside, restored after
        ...


class MarkError(Exception):
    """Marking cannot go on without touching what is not ours. ``str(error)`` is Chinese."""


def is_result_sheet(grid: Sequence[Sequence[Any]]) -> bool:
    """Whether a sheet named 校验结果 is one this tool wrote (its title line)."""
    first = grid[0][0] if grid and grid[0] else None
    return isinstance(first, str) and first.startswith(f"{RESULT_SHEET}：")


@dataclass(frozen=True)
class Cleared:
    cells: int  # marks removed
    kept: int  # cells the clerk changed since: left as they are


def _clear(canvas: Canvas) -> Cleared:
    names = canvas.sheet_names()
    if RESULT_SHEET in names and not is_result_sheet(canvas.read_sheet(RESULT_SHEET)):
        # checked before anything changes: a sheet of that name is the clerk's, never deleted
        raise MarkError(f"工作簿中已有一个不是本工具生成的工作表「{RESULT_SHEET}」；请将它改名后再校验")
    removed = kept = 0
    if REGISTRY_SHEET in names:
        for e in parse_registry(canvas.read_sheet(REGISTRY_SHEET)):
            if e.sheet not in names:
                continue
            touched = False
            if canvas.fill(e.sheet, e.cell) == e.mark:
                canvas.set_fill(e.sheet, e.cell, e.fill)
                touched = True
            if canvas.note(e.sheet, e.cell).startswith(MARKER):
                canvas.set_note(e.sheet, e.cell, e.note)
                touched = True
            removed += touched
            kept += not touched
        canvas.delete_sheet(REGISTRY_SHEET)
    if RESULT_SHEET in names:
        canvas.delete_sheet(RESULT_SHEET)
    return Cleared(removed, kept)


def clear(canvas: Canvas) -> Cleared:
    """Remove every mark of a previous validation, and only those."""
    with canvas.unlocked():
        return _clear(canvas)


def apply(p: MarkingPlan, canvas: Canvas) -> None:
    """Clear the previous marks, then mark the cells and write 校验结果 (and the registry)."""
    with canvas.unlocked():
        _clear(canvas)
        names = set(canvas.sheet_names())
        entries = []
        for m in p.marks:
            if m.sheet not in names:
                continue
            before_note = canvas.note(m.sheet, m.cell)
            if before_note.startswith(MARKER):  # a stray mark of ours without a registry entry
                before_note = ""
            entries.append(MarkedCell(m.sheet, m.cell, canvas.fill(m.sheet, m.cell), before_note, m.fill))
            canvas.set_fill(m.sheet, m.cell, m.fill)
            canvas.set_note(m.sheet, m.cell, m.note)
        canvas.add_sheet(p.result_sheet())
        if entries:
            canvas.add_sheet(registry_sheet(entries))


__all__ = [
    "FILLS",
    "LIGHT_FILLS",
    "MARKER",
    "REGISTRY_SHEET",
    "RESULT_SHEET",
    "Canvas",
    "CellMark",
    "Cleared",
    "MarkedCell",
    "Link",
    "MarkError",
    "NewSheet",
    "MarkingPlan",
    "apply",
    "clear",
    "plan",
]
