"""A grid with what its reader saw but did not read: hidden text, glyphs that map to no
character, content a word processor keeps out of sight. The recogniser turns each note into
a ``SOURCE`` finding, so nothing left out is left out silently."""

from __future__ import annotations

from collections.abc import Iterable

from .grid import Row


class NotedGrid(list[Row]):
    """Rows of cells (a :data:`~nianbao.io.published.grid.Grid`) and the reader's notes."""

    def __init__(self, rows: Iterable[Row] = (), notes: Iterable[str] = (), cause: str | None = None):
        super().__init__(rows)
        self.notes: list[str] = list(notes)
        # why the rows may not look like a report at all (a font that maps to no characters)
        self.cause = cause


def notes_of(grid: object) -> list[str]:
    return list(getattr(grid, "notes", ()))


def cause_of(grid: object) -> str | None:
    return getattr(grid, "cause", None)
