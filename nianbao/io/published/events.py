"""What the recogniser gathers while it scans the rows: an event per row that may hold a
table's numbers, and what it has recognised so far (values, locations, findings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...core.findings import Finding
from ...core.forms import Form
from .grid import Cell
from .labels import Slot


@dataclass
class Event:
    slot: Slot | None  # None: a row of numbers without a label
    label: Cell | None
    cells: list[Cell]
    index: int  # position in the source's rows
    anchor: int = 0  # table 4: how many times its heading had been seen
    fused: bool = False  # the label and its numbers run together ("规章000")
    start: int = -1  # position in its row of the first cell (-1: unknown, merged cells before)
    width: int = 0  # how many cells its row has


@dataclass
class Recognised:
    form: Form
    values: list[Any]
    locations: dict[str, tuple[str, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # meta key -> a unit written in the cell
    # column headers seen: (table key, header key) -> [(row index, position, row width)] in order
    headers: dict[tuple[str, str], list[tuple[int, int, int]]] = field(default_factory=dict)
    pieces: list[int] = field(default_factory=list)  # rows holding a piece of a label, not a label
