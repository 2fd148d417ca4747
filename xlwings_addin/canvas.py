"""The marking canvas on a live workbook (:class:`nianbao.excel.marks.Canvas` over xlwings),
built to keep the COM round trips of a click few and bounded.

Every property read or write and every method call on an Excel object crosses the process
boundary (COM), and each costs far more than the Python around it. So:

* what the marks will read is fetched first, per sheet (:meth:`XlwingsCanvas.expect`): the
  notes of a sheet in one walk over its ``Comments``, the fills of the cells concerned by
  asking a union of cells whether they all share one fill, halving only where they differ
  (cells ordered by the fill expected, so a sheet costs a few questions, not one per cell);
* inside :meth:`unlocked` fills and notes are collected, not written; at its end fills are
  written through unions of cells per sheet and colour (a range address holds at most 255
  characters), and each note whose text changes is written once — a cell that already shows
  the right fill or note costs nothing, so a second 校验 repaints nothing it need not;
* only the sheets the marks touch have their protection lifted and restored;
* new sheets (校验结果, the registry) are written as one block of values.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from nianbao.core.layout import col_letter
from nianbao.excel.marks import REGISTRY_SHEET, Link, NewSheet, parse_registry

CHUNK = 255  # longest string Excel takes whole into a note in one call, and a range address
NO_FILL = -4142  # xlColorIndexNone
MIXED = object()

# Worksheet.Protect's options, read back from the sheet before lifting its protection.
PROTECT_FLAGS = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
)


def _hex(color: Any) -> str:
    if color is None:
        return ""
    r, g, b = color
    return f"{r:02X}{g:02X}{b:02X}"


def _bgr_hex(value: int) -> str:
    """Excel's ``Interior.Color`` (B·65536 + G·256 + R) as RRGGBB."""
    value = int(value)
    return f"{value & 0xFF:02X}{value >> 8 & 0xFF:02X}{value >> 16 & 0xFF:02X}"


def _color(fill: str) -> str | None:
    """A registry fill as xlwings sets it; a fill another back-end described in its own
    words becomes its RGB colour when it has one."""
    if not fill:
        return None
    if ":" in fill:
        try:
            fg = json.loads(fill.split(":", 1)[1]).get("fg") or {}
        except (ValueError, AttributeError):
            return None
        value = fg.get("value") if fg.get("type") == "rgb" else None
        return "#" + str(value)[-6:] if value else None
    return "#" + fill


def _formula_text(s: str) -> str:
    return s.replace('"', '""')


def render(value: Any) -> Any:
    """A plan's cell value as written through xlwings: a link becomes a HYPERLINK formula
    (written with every other value in one range write)."""
    if isinstance(value, Link):
        return f'=HYPERLINK("#{_formula_text(value.target)}","{_formula_text(value.text)}")'
    return value


def _order(cell: str) -> tuple[int, int, str]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    return (int(m.group(2)), len(m.group(1)), m.group(1)) if m else (0, 0, cell)


def address_chunks(cells: list[str]) -> Iterator[list[str]]:
    """The cells in groups whose address ("D5,E7,…") fits in one range call."""
    group: list[str] = []
    size = 0
    for cell in cells:
        if group and size + 1 + len(cell) > CHUNK:
            yield group
            group, size = [], 0
        size += len(cell) + (1 if group else 0)
        group.append(cell)
    if group:
        yield group


class XlwingsCanvas:
    """:class:`nianbao.excel.marks.Canvas` on an xlwings workbook."""

    def __init__(self, book: Any):
        self.book = book
        self._sheets: dict[str, Any] | None = None  # name -> xlwings sheet, in book order
        self._grids: dict[str, list[list[Any]]] = {}
        self._fills: dict[tuple[str, str], str] = {}  # fills known to be on the sheet now
        self._notes: dict[tuple[str, str], tuple[str, Any]] = {}  # text and COM Comment, known
        self._all_notes: set[str] = set()  # sheets whose every note is in _notes
        self._new_fills: dict[tuple[str, str], str] = {}  # to write at the end of unlocked()
        self._new_notes: dict[tuple[str, str], str] = {}
        self._deferring = False
        self.touched: set[str] | None = None  # sheets the marks change; None: any

    # -- sheets ---------------------------------------------------------------------------

    def _book_sheets(self) -> dict[str, Any]:
        if self._sheets is None:
            self._sheets = {s.name: s for s in self.book.sheets}
        return self._sheets

    def _sheet(self, name: str) -> Any:
        sheets = self._book_sheets()
        if name in sheets:
            return sheets[name]
        for key, sheet in sheets.items():  # Excel's sheet names ignore case
            if key.lower() == name.lower():
                return sheet
        raise KeyError(name)

    def _range(self, sheet: str, cell: str) -> Any:
        return self._sheet(sheet).range(cell)

    def sheet_names(self) -> list[str]:
        return list(self._book_sheets())

    def read_sheet(self, name: str) -> list[list[Any]]:
        if name not in self._grids:
            used = self._sheet(name).used_range
            self._grids[name] = used.options(ndim=2).value or []
        return self._grids[name]

    # -- what the marks will read, fetched per sheet -----------------------------------------

    def expect(self, cells: Iterable[tuple[str, str, str]]) -> None:
        """Fetch the fills and notes of ``cells`` — (sheet, cell, the fill expected there,
        which only orders the questions) — and remember which sheets will change. The
        registry of earlier marks, when there is one, is added."""
        wanted: dict[str, dict[str, str]] = {}
        for sheet, cell, hint in cells:
            wanted.setdefault(sheet, {}).setdefault(cell, hint)
        names = self.sheet_names()
        if REGISTRY_SHEET in names:
            for e in parse_registry(self.read_sheet(REGISTRY_SHEET)):
                wanted.setdefault(e.sheet, {})[e.cell] = e.mark
        self.touched = {s for s in wanted if s in names}
        for sheet in self.touched:
            self._read_notes(sheet, len(wanted[sheet]))
            hinted = sorted(wanted[sheet].items(), key=lambda kv: (kv[1], _order(kv[0])))
            self._read_fills(sheet, [cell for cell, _ in hinted])

    def _read_notes(self, sheet: str, wanted: int) -> None:
        """Every note of the sheet, in one walk over its Comments (four calls a note) —
        unless the clerk's own notes far outnumber the cells wanted: those are then read
        one by one when asked."""
        comments = self._sheet(sheet).api.Comments
        count = comments.Count
        if count > 2 * wanted:
            return
        for i in range(1, count + 1):
            comment = comments.Item(i)
            cell = str(comment.Parent.Address).replace("$", "")
            self._notes[(sheet, cell)] = (comment.Text() or "", comment)
        self._all_notes.add(sheet)

    def _uniform_fill(self, sheet: str, cells: list[str]) -> Any:
        interior = self._sheet(sheet).range(",".join(cells)).api.Interior
        index = interior.ColorIndex
        if index == NO_FILL:
            return ""
        if index is None:
            return MIXED
        color = interior.Color
        return MIXED if color is None else _bgr_hex(color)

    def _read_fills(self, sheet: str, cells: list[str]) -> None:
        def ask(group: list[str]) -> None:
            for chunk in address_chunks(group):
                fill = self._uniform_fill(sheet, chunk) if len(chunk) > 1 else None
                if fill is None:  # one cell: read it as xlwings does
                    fill = _hex(self._range(sheet, chunk[0]).color)
                if fill is MIXED:
                    half = len(chunk) // 2
                    ask(chunk[:half])
                    ask(chunk[half:])
                else:
                    for cell in chunk:
                        self._fills[(sheet, cell)] = fill

        ask(cells)

    # -- fills and notes ---------------------------------------------------------------------

    def fill(self, sheet: str, cell: str) -> str:
        key = (sheet, cell)
        if key in self._new_fills:
            return self._new_fills[key]
        if key not in self._fills:
            self._fills[key] = _hex(self._range(sheet, cell).color)
        return self._fills[key]

    def set_fill(self, sheet: str, cell: str, fill: str) -> None:
        self._new_fills[(sheet, cell)] = fill
        if not self._deferring:
            self._write_fills()

    def note(self, sheet: str, cell: str) -> str:
        key = (sheet, cell)
        if key in self._new_notes:
            return self._new_notes[key]
        if key in self._notes:
            return self._notes[key][0]
        if sheet in self._all_notes:
            return ""
        note = self._range(sheet, cell).note
        text = (note.text or "") if note is not None else ""
        self._notes[key] = (text, getattr(note, "api", None))
        return text

    def set_note(self, sheet: str, cell: str, text: str) -> None:
        self._new_notes[(sheet, cell)] = text
        if not self._deferring:
            self._write_notes()

    def _write_fills(self) -> None:
        groups: dict[tuple[str, str], list[str]] = {}
        for (sheet, cell), fill in self._new_fills.items():
            if self._fills.get((sheet, cell)) != fill:
                groups.setdefault((sheet, fill), []).append(cell)
        for (sheet, fill), cells in groups.items():
            for chunk in address_chunks(sorted(cells, key=_order)):
                self._sheet(sheet).range(",".join(chunk)).color = _color(fill)
            for cell in cells:
                self._fills[(sheet, cell)] = fill
        self._new_fills.clear()

    def _write_notes(self) -> None:
        for (sheet, cell), text in self._new_notes.items():
            self._write_note(sheet, cell, text)
        self._new_notes.clear()

    def _write_note(self, sheet: str, cell: str, text: str) -> None:
        key = (sheet, cell)
        known = self._notes.get(key)
        if known is not None and known[0] == text:
            return
        rng = None
        if known is not None and known[1] is not None:
            known[1].Delete()
        elif known is None and sheet not in self._all_notes:
            rng = self._range(sheet, cell)
            note = rng.note
            if note is not None:
                note.delete()
        self._notes.pop(key, None)
        if not text:
            return
        rng = rng or self._range(sheet, cell)
        # Excel may cut a string longer than 255 characters passed to a note: add the text
        # in pieces, each appended at the end (Comment.Text(Text, Start, Overwrite)).
        head, rest = text[:CHUNK], text[CHUNK:]
        note = rng.add_note(head) if hasattr(rng, "add_note") else rng.api.AddComment(head)
        api = getattr(note, "api", note)
        done = len(head)
        while rest:
            piece, rest = rest[:CHUNK], rest[CHUNK:]
            api.Text(piece, done + 1, False)
            done += len(piece)
        # Excel's default note box is small: let it grow with the text (Windows only)
        with contextlib.suppress(Exception):
            api.Shape.TextFrame.AutoSize = True
        self._notes[key] = (text, api)

    # -- sheets added and deleted -----------------------------------------------------------------

    def add_sheet(self, new: NewSheet) -> None:
        sheets = self._book_sheets()
        last = list(sheets.values())[-1]
        sheet = self.book.sheets.add(new.name, after=last)
        sheets[new.name] = sheet
        self._grids.pop(new.name, None)
        width = max((len(r) for r in new.grid), default=0)
        if width:
            rows = [[render(v) for v in r] + [None] * (width - len(r)) for r in new.grid]
            sheet.range("A1").value = rows
        for i, w in enumerate(new.widths):
            sheet.range((1, i + 1)).column_width = w
        bold = []
        if new.title_row:
            bold.append(f"A{new.title_row}")
        if new.header_row:
            last_col = col_letter(len(new.grid[new.header_row - 1]))
            bold.append(f"A{new.header_row}:{last_col}{new.header_row}")
        if bold:
            sheet.range(",".join(bold)).font.bold = True
        if new.hidden:
            sheet.visible = False

    def delete_sheet(self, name: str) -> None:
        self._sheet(name).delete()
        sheets = self._book_sheets()
        for key in [k for k in sheets if k.lower() == name.lower()]:
            del sheets[key]
        self._grids.pop(name, None)

    def select(self, sheet: str, cell: str) -> None:
        target = self._sheet(sheet)
        target.activate()
        target.range(cell).select()

    # -- protection --------------------------------------------------------------------------

    @contextlib.contextmanager
    def unlocked(self) -> Iterator[None]:
        """Protection lifted from the sheets the marks touch (every sheet when unknown) and
        from the workbook's structure; fills and notes collected inside, written at the end,
        then protection restored."""
        book = self.book
        sheets = self._book_sheets()
        names = [n for n in sheets if self.touched is None or n in self.touched]
        saved = []
        for name in names:
            api = sheets[name].api
            if api.ProtectContents:
                protection = api.Protection
                options = {
                    "DrawingObjects": api.ProtectDrawingObjects,
                    "Contents": True,
                    "Scenarios": api.ProtectScenarios,
                    **{flag: getattr(protection, flag) for flag in PROTECT_FLAGS},
                }
                saved.append((name, options, api.EnableSelection))
                api.Unprotect()
        structure = bool(book.api.ProtectStructure)
        if structure:
            book.api.Unprotect()
        self._deferring = True
        try:
            yield
            self._deferring = False
            self._write_fills()
            self._write_notes()
        finally:
            self._deferring = False
            self._new_fills.clear()
            self._new_notes.clear()
            if structure:
                book.api.Protect(Structure=True)
            for name, options, selection in saved:
                api = sheets[name].api
                api.Protect(**options)
                api.EnableSelection = selection
