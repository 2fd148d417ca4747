"""A small in-memory stand-in for the few xlwings objects the add-in's back-end uses.

Excel cannot run here. :class:`FakeBook` behaves like ``xw.Book`` for exactly the calls
:mod:`xlwings_addin.backend` makes — and like Excel where that matters: a protected sheet
refuses notes, values and fills, a workbook with a protected structure refuses new and
deleted sheets. It counts range reads per sheet, so tests can assert that a sheet is read
in one call, and every call the back-end makes on an Excel object (``FakeBook.calls``, by
kind): each property read or write and each method call on a workbook, sheet, range, note,
font or the application counts as one COM round trip, the unit of Excel-side cost.
:meth:`FakeBook.from_xlsx` loads a workbook written by openpyxl (values as
Excel would show them: totals recomputed, since openpyxl caches none).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter


class Protected(Exception):
    """What Excel raises when a protected sheet or workbook is changed."""


def _rc(address: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", address.upper())
    if not m:
        raise ValueError(address)
    return int(m.group(2)), column_index_from_string(m.group(1))


def _com(book: Any, kind: str) -> None:
    """Count one COM round trip of ``kind`` on ``book`` (when the object belongs to one)."""
    if book is not None:
        book.calls[kind] += 1


def _peek(obj: Any, name: str) -> Any:
    """What the stand-in itself reads of an api object: not a call the back-end makes."""
    return object.__getattribute__(obj, name)


class _Api:
    """An api object: reading or writing one of its CamelCase members is a COM call."""

    _book: Any = None

    def __getattribute__(self, name: str) -> Any:
        if name[:1].isupper():
            _com(object.__getattribute__(self, "_book"), f"api.{name}")
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name[:1].isupper():
            _com(object.__getattribute__(self, "_book"), f"api.{name}=")
        object.__setattr__(self, name, value)


class FakeApp:
    def __init__(self, book: Any = None) -> None:
        self._book = book
        self._status_bar: Any = False
        self._screen_updating = True
        self.alerts: list[tuple[str, str | None]] = []
        self.modes: list[str | None] = []

    @property
    def status_bar(self) -> Any:
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: Any) -> None:
        _com(self._book, "app.status_bar=")
        self._status_bar = value

    @property
    def screen_updating(self) -> bool:
        _com(self._book, "app.screen_updating")
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        _com(self._book, "app.screen_updating=")
        self._screen_updating = value

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: Any = None) -> str:
        _com(self._book, "app.alert")
        assert mode in (None, "info", "critical")  # what xlwings accepts
        self.alerts.append((prompt, title))
        self.modes.append(mode)
        return "ok"


class FakeProtection(_Api):
    def __init__(self, book: Any = None) -> None:
        object.__setattr__(self, "_book", None)
        for flag in ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows"):
            setattr(self, flag, True)
        for flag in (
            "AllowInsertingColumns",
            "AllowInsertingRows",
            "AllowInsertingHyperlinks",
            "AllowDeletingColumns",
            "AllowDeletingRows",
            "AllowSorting",
            "AllowFiltering",
            "AllowUsingPivotTables",
        ):
            setattr(self, flag, False)
        object.__setattr__(self, "_book", book)


class FakeSheetApi(_Api):
    def __init__(self, sheet: Any = None) -> None:
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        put("_sheet", sheet)
        put("ProtectContents", False)
        put("ProtectDrawingObjects", False)
        put("ProtectScenarios", False)
        put("EnableSelection", 0)
        put("Protection", FakeProtection(sheet.book if sheet is not None else None))
        put("unprotected", 0)  # how often protection was lifted
        put("_book", sheet.book if sheet is not None else None)

    def _set(self, **kw: Any) -> None:
        for k, v in kw.items():
            object.__setattr__(self, k, v)

    def Unprotect(self, Password: str | None = None) -> None:
        self._set(ProtectContents=False, ProtectDrawingObjects=False, ProtectScenarios=False)
        self._set(unprotected=_peek(self, "unprotected") + 1)

    def Protect(self, **kw: Any) -> None:
        self._set(
            ProtectContents=bool(kw.get("Contents", True)),
            ProtectDrawingObjects=bool(kw.get("DrawingObjects", True)),
            ProtectScenarios=bool(kw.get("Scenarios", True)),
        )
        protection = _peek(self, "Protection")
        for k, v in kw.items():
            if k.startswith("Allow"):
                object.__setattr__(protection, k, v)

    @property
    def Comments(self) -> FakeComments:
        """The sheet's notes, in the order Excel lists them (by row, then column)."""
        return FakeComments(_peek(self, "_sheet"))


class FakeComments(_Api):
    def __init__(self, sheet: Any) -> None:
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_book", sheet.book)
        object.__setattr__(self, "_keys", sorted(sheet.notes))

    @property
    def Count(self) -> int:
        return len(_peek(self, "_keys"))

    def Item(self, index: int) -> FakeCommentApi:
        return FakeCommentApi(_peek(self, "_sheet"), _peek(self, "_keys")[index - 1])


class FakeBookApi(_Api):
    def __init__(self, book: Any = None) -> None:
        object.__setattr__(self, "ProtectStructure", False)
        object.__setattr__(self, "_book", book)

    def Unprotect(self, Password: str | None = None) -> None:
        object.__setattr__(self, "ProtectStructure", False)

    def Protect(self, Password: str | None = None, Structure: bool = True, Windows: bool = False) -> None:
        object.__setattr__(self, "ProtectStructure", Structure)


EXCEL_STRING_LIMIT = 255  # Excel may cut a longer string passed to a note; the stand-in does


class FakeCommentApi(_Api):
    """The COM Comment object: ``Text(Text, Start, Overwrite)``, ``Parent`` (its cell), ``Delete``."""

    def __init__(self, sheet: FakeSheet, key: tuple[int, int]):
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_book", sheet.book)

    @property
    def Parent(self) -> FakeCellApi:
        return FakeCellApi(self._sheet, self._key)

    def Delete(self) -> None:
        self._sheet._guard()
        del self._sheet.notes[self._key]

    def Text(self, Text: str | None = None, Start: int | None = None, Overwrite: bool = True) -> str:
        current = self._sheet.notes[self._key]
        if Text is None:
            return current
        self._sheet._guard()
        Text = Text[:EXCEL_STRING_LIMIT]
        if Start is None:
            new = Text
        elif Overwrite:
            new = current[: Start - 1] + Text + current[Start - 1 + len(Text) :]
        else:
            new = current[: Start - 1] + Text + current[Start - 1 :]
        self._sheet.notes[self._key] = new
        return new


class FakeCellApi(_Api):
    """A cell's COM Range as a note's Parent: ``Address`` ("$D$5")."""

    def __init__(self, sheet: FakeSheet, key: tuple[int, int]):
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_book", sheet.book)

    @property
    def Address(self) -> str:
        r, c = self._key
        return f"${get_column_letter(c)}${r}"


class FakeInterior(_Api):
    """``Range.Interior`` of a range of one or more areas: ``ColorIndex`` is xlColorIndexNone
    (-4142) when no cell has a fill and None (Null) when the cells differ; ``Color`` is the
    BGR integer when they agree, None when they differ, white when none has a fill."""

    def __init__(self, rng: FakeRange):
        object.__setattr__(self, "_rng", rng)
        object.__setattr__(self, "_book", rng.sheet.book)

    def _fills(self) -> set:
        rng = _peek(self, "_rng")
        return {rng.sheet.fills.get(k) for k in rng.keys()}

    @property
    def ColorIndex(self) -> int | None:
        fills = self._fills()
        if fills == {None}:
            return -4142
        return 1 if len(fills) == 1 else None

    @property
    def Color(self) -> int | None:
        fills = self._fills()
        if len(fills) != 1:
            return None
        (rgb,) = fills
        r, g, b = rgb or (255, 255, 255)
        return r + g * 256 + b * 65536


class FakeRangeApi(_Api):
    def __init__(self, rng: FakeRange):
        object.__setattr__(self, "_rng", rng)
        object.__setattr__(self, "_book", rng.sheet.book)

    @property
    def Interior(self) -> FakeInterior:
        return FakeInterior(_peek(self, "_rng"))


class FakeNote:
    def __init__(self, sheet: FakeSheet, key: tuple[int, int]):
        self._sheet, self._key = sheet, key
        self.api = FakeCommentApi(sheet, key)

    @property
    def text(self) -> str:
        _com(self._sheet.book, "note.text")
        return self._sheet.notes[self._key]

    @text.setter
    def text(self, value: str) -> None:
        _com(self._sheet.book, "note.text=")
        self._sheet._guard()
        self._sheet.notes[self._key] = value

    def delete(self) -> None:
        _com(self._sheet.book, "note.delete")
        self._sheet._guard()
        del self._sheet.notes[self._key]


class FakeFont:
    def __init__(self, rng: FakeRange):
        self._rng = rng

    @property
    def bold(self) -> bool:
        return all(self._rng.sheet.bold.get(k, False) for k in self._rng.keys())

    @bold.setter
    def bold(self, value: bool) -> None:
        _com(self._rng.sheet.book, "font.bold=")
        for k in self._rng.keys():
            self._rng.sheet.bold[k] = value


class FakeRange:
    def __init__(self, sheet: FakeSheet, top: tuple[int, int], bottom: tuple[int, int] | None = None,
                 cells: list[tuple[int, int]] | None = None):
        self.sheet = sheet
        self.top = top
        self.bottom = bottom or top
        self._ndim: int | None = None
        self._cells = cells  # the cells of a range of several areas ("D5,E7:E9")

    @property
    def api(self) -> FakeRangeApi:
        return FakeRangeApi(self)

    def keys(self) -> list[tuple[int, int]]:
        if self._cells is not None:
            return list(self._cells)
        (r1, c1), (r2, c2) = self.top, self.bottom
        return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    @property
    def single(self) -> bool:
        return self.top == self.bottom

    def options(self, ndim: int | None = None, **kw: Any) -> FakeRange:
        out = FakeRange(self.sheet, self.top, self.bottom)
        out._ndim = ndim
        return out

    @property
    def value(self) -> Any:
        _com(self.sheet.book, "range.value")
        self.sheet.book.reads[self.sheet.name] += 1
        (r1, c1), (r2, c2) = self.top, self.bottom
        grid = [[self.sheet.values.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._ndim == 2:
            return grid
        if self.single:
            return grid[0][0]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        _com(self.sheet.book, "range.value=")
        self.sheet._guard()
        self.sheet.book.writes[self.sheet.name] += 1
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        r0, c0 = self.top
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    self.sheet.values.pop((r0 + i, c0 + j), None)
                else:
                    self.sheet.values[(r0 + i, c0 + j)] = v

    @property
    def color(self) -> tuple[int, int, int] | None:
        _com(self.sheet.book, "range.color")
        return self.sheet.fills.get(self.top)

    @color.setter
    def color(self, value: Any) -> None:
        _com(self.sheet.book, "range.color=")
        if not _peek(_peek(self.sheet.api, "Protection"), "AllowFormattingCells"):
            self.sheet._guard()
        for k in self.keys():
            if value is None:
                self.sheet.fills.pop(k, None)
            else:
                h = value.lstrip("#")
                self.sheet.fills[k] = (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))

    @property
    def note(self) -> FakeNote | None:
        _com(self.sheet.book, "range.note")
        return FakeNote(self.sheet, self.top) if self.top in self.sheet.notes else None

    def add_note(self, text: str) -> FakeNote:
        _com(self.sheet.book, "range.add_note")
        self.sheet._guard()
        if self.top in self.sheet.notes:
            raise ValueError("This cell already has a note")
        self.sheet.notes[self.top] = text[:EXCEL_STRING_LIMIT]
        return FakeNote(self.sheet, self.top)

    @property
    def font(self) -> FakeFont:
        _com(self.sheet.book, "range.font")
        return FakeFont(self)

    @property
    def column_width(self) -> float:
        return self.sheet.widths.get(self.top[1], 8.43)

    @column_width.setter
    def column_width(self, w: float) -> None:
        _com(self.sheet.book, "range.column_width=")
        self.sheet.widths[self.top[1]] = w

    def select(self) -> None:
        _com(self.sheet.book, "range.select")
        self.sheet.book.selection = (self.sheet.name, f"{get_column_letter(self.top[1])}{self.top[0]}")


class FakeSheet:
    def __init__(self, book: FakeBook, name: str):
        self.book = book
        self.name = name
        self.values: dict[tuple[int, int], Any] = {}
        self.fills: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.notes: dict[tuple[int, int], str] = {}
        self.bold: dict[tuple[int, int], bool] = {}
        self.widths: dict[int, float] = {}
        self._visible = True
        self.api = FakeSheetApi(self)

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        _com(self.book, "sheet.visible=")
        self._visible = value

    def _guard(self) -> None:
        if _peek(self.api, "ProtectContents"):
            raise Protected(f"工作表「{self.name}」受保护")

    def range(self, a: Any, b: Any = None) -> FakeRange:
        _com(self.book, "sheet.range")
        if isinstance(a, str) and "," in a:  # several areas: Excel takes at most 255 characters
            if len(a) > 255:
                raise ValueError("range address longer than 255 characters")
            cells: list[tuple[int, int]] = []
            for area in a.split(","):
                first, _, last = area.partition(":")
                (r1, c1), (r2, c2) = _rc(first), _rc(last or first)
                cells += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
            return FakeRange(self, cells[0], cells[0], cells=cells)
        if isinstance(a, str):
            if ":" in a:
                a, b = a.split(":")
            top = _rc(a)
            bottom = _rc(b) if isinstance(b, str) else (tuple(b) if b else None)
            return FakeRange(self, top, bottom)
        return FakeRange(self, tuple(a), tuple(b) if b else None)

    def __getitem__(self, address: str) -> FakeRange:
        return self.range(address)

    @property
    def used_range(self) -> FakeRange:
        _com(self.book, "sheet.used_range")
        keys = set(self.values) | set(self.fills) | set(self.notes)
        if not keys:
            return FakeRange(self, (1, 1))
        return FakeRange(self, (1, 1), (max(r for r, _ in keys), max(c for _, c in keys)))

    def activate(self) -> None:
        _com(self.book, "sheet.activate")
        self.book.active = self.name

    def delete(self) -> None:
        _com(self.book, "sheet.delete")
        self.book._guard()
        self.book._sheets.remove(self)

    def cell(self, address: str) -> tuple[int, int]:
        return _rc(address)


class FakeSheets:
    def __init__(self, book: FakeBook):
        self.book = book

    def __iter__(self):
        # the collection, then each sheet and its name
        _com(self.book, "sheets")
        for s in list(self.book._sheets):
            _com(self.book, "sheets.item+name")
            yield s

    def __len__(self) -> int:
        _com(self.book, "sheets.count")
        return len(self.book._sheets)

    def __getitem__(self, key: int | str) -> FakeSheet:
        _com(self.book, "sheets.item")
        if isinstance(key, int):
            return self.book._sheets[key]
        for s in self.book._sheets:
            if s.name.lower() == key.lower():
                return s
        raise KeyError(key)

    def __contains__(self, name: str) -> bool:
        return any(s.name == name for s in self.book._sheets)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FakeSheet:
        _com(self.book, "sheets.add")
        self.book._guard()
        if name in self:
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = FakeSheet(self.book, name or f"Sheet{len(self) + 1}")
        index = self.book._sheets.index(after) + 1 if after is not None else len(self.book._sheets)
        self.book._sheets.insert(index, sheet)
        self.book.active = sheet.name
        return sheet


class FakeBook:
    """Stand-in for ``xw.Book``."""

    def __init__(self, name: str = "工作簿1.xlsx", fullname: str | None = None):
        self.name = name
        self.fullname = fullname or name
        self.calls: Counter[str] = Counter()  # COM round trips by kind
        self.app = FakeApp(self)
        self.api = FakeBookApi(self)
        self._sheets: list[FakeSheet] = []
        self.sheets = FakeSheets(self)
        self.reads: Counter[str] = Counter()
        self.writes: Counter[str] = Counter()
        self.active: str | None = None
        self.selection: tuple[str, str] | None = None

    def _guard(self) -> None:
        if _peek(self.api, "ProtectStructure"):
            raise Protected("工作簿结构受保护")

    @property
    def com_calls(self) -> int:
        return sum(self.calls.values())

    @classmethod
    def from_xlsx(cls, path: Any, values: dict[str, dict[str, Any]] | None = None) -> FakeBook:
        """A workbook as Excel would hold it after opening ``path``: values, solid fills,
        notes, protection. ``values`` overrides cell values (sheet -> address -> value),
        e.g. totals that Excel would have calculated."""
        from pathlib import Path

        wb = load_workbook(path, data_only=True)
        book = cls(Path(path).name, str(Path(path).resolve()))
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            book._sheets.append(sheet)
            for row in ws.iter_rows():
                for c in row:
                    key = (c.row, c.column)
                    if c.value is not None:
                        v = c.value
                        # Excel hands every number over as a float
                        sheet.values[key] = float(v) if type(v) is int else v
                    f = c.fill
                    if f.patternType == "solid" and f.fgColor is not None and f.fgColor.type == "rgb":
                        h = str(f.fgColor.rgb)[-6:]
                        sheet.fills[key] = (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
                    if c.comment is not None:
                        sheet.notes[key] = c.comment.text
            sheet.visible = ws.sheet_state == "visible"
            if ws.protection.sheet:
                sheet.api.Protect(Contents=True, DrawingObjects=True, Scenarios=True,
                                  AllowFormattingCells=not ws.protection.formatCells)
        for name, cells in (values or {}).items():
            sheet = book.sheets[name]
            for address, v in cells.items():
                sheet.values[_rc(address)] = v
        object.__setattr__(book.api, "ProtectStructure", bool(wb.security and wb.security.lockStructure))
        book.calls.clear()
        return book


# ---------------------------------------------------------------------------------------
# Workbooks shared by the add-in's tests

FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "reports" / "shangzhi-2021.json"


def faulty_report() -> dict[str, Any]:
    """A 2021 report with two I1 errors (自然人 and 总计 columns) and one W1 warning."""
    import json

    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc["applications"]["new"]["natural"] += 1
    doc["applications"]["new"]["total"] += 1
    doc["active"]["rules"]["issued"] = 5
    doc["active"]["rules"]["in_force"] = 0
    return doc


def clean_report() -> dict[str, Any]:
    import json

    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def report_with_findings(n: int) -> dict[str, Any]:
    """A 2021 report with exactly ``n`` findings, made from the clean one figure by figure:
    first each figure one more (breaks identities), then each one negative (out of range); a
    change that would overshoot ``n`` is left out."""
    from nianbao.core.validate import validate

    doc = clean_report()
    leaves: list[tuple[dict[str, Any], str]] = []

    def walk(node: Any) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                leaves.append((node, key))

    for part in ("applications", "appeals", "active"):
        walk(doc[part])
    count = len(validate(doc))
    for change in (lambda v: v + 1, lambda v: -1):
        for node, key in leaves:
            if count == n:
                return doc
            before = node[key]
            node[key] = change(before)
            now = len(validate(doc))
            if count < now <= n:
                count = now
            else:
                node[key] = before
    if count != n:
        raise ValueError(f"no report with exactly {n} findings from these changes")
    return doc
