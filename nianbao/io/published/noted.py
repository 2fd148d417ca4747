"""A grid with what its reader saw but did not read: hidden text, glyphs that map to no
character, content a word processor keeps out of sight. The recogniser turns each note into
a ``SOURCE`` finding, so nothing left out is left out silently."""

from __future__ import annotations

from collections.abc import Iterable

from .grid import Row


class NotedGrid(list[Row]):
    """Rows of cells (a :data:`~nianbao.io.published.grid.Grid`) and the reader's notes."""

    def __init__(self, rows: Iterable[Row] = (), notes: Iterable[str] | None = None, cause: str | None = None):
        super().__init__(rows)
        # a list given is kept, not copied: a reader may note more while it fills the rows
        self.notes: list[str] = notes if isinstance(notes, list) else list(notes or ())
        # why the rows may not look like a report at all (a font that maps to no characters)
        self.cause = cause


MAX_NOTES = 20  # a file full of hidden text is named, not listed cell by cell


def notes_of(grid: object) -> list[str]:
    notes = list(getattr(grid, "notes", ()))
    if len(notes) > MAX_NOTES:
        return [*notes[:MAX_NOTES], f"另有 {len(notes) - MAX_NOTES} 处同类问题未一一列出"]
    return notes


def cause_of(grid: object) -> str | None:
    return getattr(grid, "cause", None)
