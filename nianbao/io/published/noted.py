"""A grid with what its reader saw but did not read: hidden text, glyphs that map to no
character, content a word processor keeps out of sight. The recogniser turns each note into
a ``SOURCE`` finding, so nothing left out is left out silently."""

from __future__ import annotations

from collections.abc import Iterable

from .grid import Row


class NotedGrid(list[Row]):
    """Rows of cells (a :data:`~nianbao.io.published.grid.Grid`) and the reader's notes."""

    def __init__(self, rows: Iterable[Row] = (), notes: Iterable[str] = ()):
        super().__init__(rows)
        self.notes: list[str] = list(notes)


def notes_of(grid: object) -> list[str]:
    return list(getattr(grid, "notes", ()))
