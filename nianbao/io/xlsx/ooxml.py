"""The cell values of an .xlsx/.xlsm, straight from its XML parts — for the common case only.

Consolidating ten thousand workbooks spends most of its time parsing them. The container
check (:mod:`nianbao.io.container.safety`) has already inflated every part of an .xlsx it vouched for;
:class:`Workbook` reads the cells from those bytes instead of handing the file to
python-calamine, which would open and inflate it again (about three times the cost, see
``scripts/bench_read.py``).

It is deliberately narrow. It gives what python-calamine gives for the markup that Excel,
WPS, LibreOffice and openpyxl write (whole numbers as ``int`` where python-calamine gives a
float of the same value), and raises :class:`Unsupported` for anything else: a cell placed
without its ``r`` attribute or beyond ZZ999; a string with an ``_xHHHH_`` escape, a carriage
return or an entity XML does not define; markup it does not know inside a cell or a string;
a type that does not agree with the content; a date that is not a whole day in a date-only
format (times, durations, 1904 dates, days before March 1900). The caller then reads the
file with python-calamine as before, so nothing unusual is ever read differently. It does
not check the markup between cells (beyond one ``<sheetData>``), nor parts it has no need
of: a file damaged only there reads by its cells, where python-calamine would refuse it.
``tests/test_ooxml.py`` and ``scripts/fuzz_reader.py`` hold the two readers to the same
result on every workbook the tests know, LibreOffice's included, and on fuzzed ones.

Workbooks made from one template repeat most of each sheet's markup: a sheet that differs
from one read before only in its values is read by its values alone (its plan, kept in a
:class:`~nianbao.io.memory.Memory`; see "sheets that differ only in their values" below).

It also keeps what python-calamine does not show: a formula error (``#REF!``) and a formula
saved without its result both read as empty, as in python-calamine, and :meth:`Workbook.hidden`
tells them apart from a blank.

:class:`Workbook` is the fast path's :class:`~nianbao.io.xlsx.sheets.SheetSource`, the seam it
shares with the python-calamine path (:mod:`nianbao.io.xlsx.calamine_sheets`). This module knows
SpreadsheetML (sheets, cells, shared strings, number formats), not the template or the rules.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
import threading
from collections.abc import Mapping
from typing import Any
from xml.parsers import expat

from ..memory import MEMORY, Memory
from .sheets import ERROR, UNCACHED, Hidden, hidden_value
from .sweeps import Split

PACKAGE_RELS = "_rels/.rels"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
SHARED_STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"


class Unsupported(Exception):
    """Markup this reader does not vouch for: read the file with python-calamine instead."""


# --- workbook: which part holds which sheet --------------------------------------------------

# a cell's value and formula as any writer may spell them (a namespace prefix allowed): for
# looking up single cells in a sheet's XML, not for reading sheets
ANY_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
ANY_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*(?:/>|>([^<]*)</(?:\w+:)?f>)")

_TAG_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_TAG_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def attributes(raw: bytes) -> dict[str, str]:
    """A tag's attributes by local name (``r:id`` as ``rid``), unescaped."""
    return {
        k.decode().split(":")[-1] if k != b"r:id" else "rid": html.unescape(v.decode("utf-8", "replace"))
        for k, v in _ATTR.findall(raw)
    }


def relationships(rels_xml: bytes) -> dict[str, str]:
    """Relationship id -> the part it targets, as a path inside the package."""
    return {a.get("Id", ""): _target(a.get("Target", "")) for a in map(attributes, _TAG_REL.findall(rels_xml))}


def sheet_parts(workbook_xml: bytes, rels_xml: bytes) -> list[tuple[str, str | None]]:
    """(sheet name, part holding it) in the workbook's order; the part is None when the
    workbook names no relationship for it."""
    rels = relationships(rels_xml)
    out = []
    for raw in _TAG_SHEET.findall(workbook_xml):
        a = attributes(raw)
        out.append((a.get("name", ""), rels.get(a.get("rid") or a.get("id") or "")))
    return out


# --- text ----------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ESCAPED = re.compile(rb"_x[0-9A-Fa-f]{4}_")


def _entity(m: re.Match[str]) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code == 0xD or not (0x9 <= code <= 0x10FFFF) or 0xD800 <= code <= 0xDFFF:
        raise Unsupported("character reference")
    return chr(code)


def text(raw: bytes) -> str:
    """Character data as python-calamine gives it; Unsupported where the two might differ."""
    if b"\r" in raw or (b"_x" in raw and _ESCAPED.search(raw)):
        raise Unsupported("carriage return or _xHHHH_ escape")
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unsupported("not UTF-8") from None
    if "&" in s:
        out = _ENTITY.sub(_entity, s)
        if "&" in _ENTITY.sub("", s):
            raise Unsupported("entity")
        return out
    return s


_T = re.compile(rb"<t( xml:space=\"preserve\")?>([^<]*)</t>|<t/>")
_T_OPEN = re.compile(rb"<t[\s>/]")
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.DOTALL)
_XML_SPACE = " \t\n\r"


def rich_text(body: bytes, memory: Memory = MEMORY) -> str:
    """The text of an ``<si>`` or ``<is>`` element as python-calamine gives it: its ``<t>``
    runs joined, phonetic guides (``<rPh>``) left out, each run stripped of leading and
    trailing XML white space unless it says ``xml:space="preserve"``. (Remembered in
    ``memory``: every workbook made from one template repeats the same labels.)"""
    s = memory.texts.get(body)
    if s is None:
        s = _rich_text(body)
        memory.keep_text(body, s)
    return s


def _rich_text(body: bytes) -> str:
    if body.startswith(b"<t>") and body.endswith(b"</t>") and body.count(b"<") == 2:
        return text(body[3:-4]).strip(_XML_SPACE)
    if b"<rPh" in body:
        body = _PHONETIC.sub(b"", body)
    runs = _T.findall(body)
    if len(runs) != len(_T_OPEN.findall(body)):
        raise Unsupported("markup inside a string")
    return "".join(text(raw) if preserve else text(raw).strip(_XML_SPACE) for preserve, raw in runs)


_SI = re.compile(rb"<si>([^<]*+(?:<(?!/si>)[^<]*+)*+)</si>|<si/>")  # (possessive: one way to match)
_UNIQUE_COUNT = re.compile(rb'<sst\b[^>]*\suniqueCount="([0-9]{1,12})"')


class _SharedStrings:
    """The shared strings, each decoded when a cell first asks for it."""

    def __init__(self, xml: bytes | None, memory: Memory):
        self.memory = memory
        self.items = _SI.findall(xml) if xml else []
        if xml and len(self.items) != xml.count(b"<si"):
            raise Unsupported("shared strings")
        declared = _UNIQUE_COUNT.search(xml[:512]) if xml else None
        if declared and int(declared.group(1)) != len(self.items):
            raise Unsupported("shared strings count")  # the fallback path judges it
        self.done: dict[int, str] = {}
        self._table: list[str | None] | None = None

    def table(self) -> list[str | None]:
        """Every string decoded at once (None where the fast path does not vouch for it):
        for reading the cells of a planned sheet in one sweep. Most are known already
        (workbooks of one template repeat their labels), so this is a lookup per string."""
        table = self._table
        if table is None:
            get = self.memory.texts.get
            table = self._table = [get(item) for item in self.items]
            if None in table:
                for i, s in enumerate(table):
                    if s is None:
                        try:
                            table[i] = self[i]
                        except Unsupported:
                            pass  # read by the cell that asks for it, which then declines
        return table

    def __getitem__(self, index: int) -> str:
        s = self.done.get(index)
        if s is None:
            if index >= len(self.items):
                raise Unsupported("shared string index")
            s = self.done[index] = rich_text(self.items[index], self.memory)
        return s


# --- number formats: which cell styles python-calamine reads as numbers, which as dates ----------

# Built-in formats that show a number as a number, a fraction or text (ECMA-376 §18.8.30),
# and those that show a date (14–17) or a date and time (22). Every other built-in id
# (times, durations, East Asian dates) is left to python-calamine.
_PLAIN_BUILTIN = frozenset(range(14)) | frozenset(range(37, 45)) | {48, 49}
_DATE_BUILTIN = frozenset({14, 15, 16, 17, 22})
_XF_BLOCK = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.DOTALL)
_XF = re.compile(rb"<xf\b([^>]*)>")
_NUMFMT = re.compile(rb"<numFmt\b([^>]*)/?>")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_DATE_PARTS = re.compile(r"[ymd]+", re.IGNORECASE)


def _plain_code(code: str) -> bool:
    """A custom format with no date or time part: once quoted text, escaped characters and
    [colour]/[condition] blocks are set aside, no letters but "General"."""
    bare = _QUOTED.sub("", code).replace("General", "").replace("general", "")
    return not any(ch.isalpha() for ch in bare)


def _date_code(code: str) -> bool:
    """A custom format of a date alone, such as yyyy-mm-dd or yyyy"年"m"月"d"日": years,
    months and days, and nothing else but separators."""
    if "[" in code:
        return False  # elapsed time ([h]), locales, colours: python-calamine decides
    bare = _QUOTED.sub("", code.removesuffix(";@"))  # Excel adds ";@" (text shown as typed)
    rest = _DATE_PARTS.sub("", bare)
    return bool(_DATE_PARTS.search(bare)) and not any(ch.isalnum() or ch in "@#?*_" for ch in rest)


def number_styles(styles_xml: bytes | None) -> tuple[frozenset[bytes], frozenset[bytes]]:
    """Indexes of the cell styles (``s="…"``, as written) under which python-calamine reads a
    number as a number, and those under which it reads a whole number of days as a date."""
    if not styles_xml:
        return frozenset({b"0"}), frozenset()
    _well_formed(styles_xml)
    custom = {}
    for raw in _NUMFMT.findall(styles_xml):
        a = attributes(raw)
        custom[a.get("numFmtId", "")] = a.get("formatCode", "")
    block = _XF_BLOCK.search(styles_xml)
    if block is None:
        return frozenset({b"0"}), frozenset()
    plain, dates = set(), set()
    for i, raw in enumerate(_XF.findall(block.group(1))):
        ident = attributes(raw).get("numFmtId", "0")
        if ident in custom:
            code = custom[ident]
            if _plain_code(code):
                plain.add(str(i).encode())
            elif _date_code(code):
                dates.add(str(i).encode())
        elif ident.isdigit() and int(ident) in _PLAIN_BUILTIN:
            plain.add(str(i).encode())
        elif ident.isdigit() and int(ident) in _DATE_BUILTIN:
            dates.add(str(i).encode())
    return frozenset(plain), frozenset(dates)


# Day numbers read as dates: from 1900-03-01 (before it, Excel counts a 29 February 1900
# that never was, and python-calamine follows) to 9999-12-31 (beyond, it gives the number).
_FIRST_DAY, _LAST_DAY = 61, 2958465
_EPOCH = _dt.date(1899, 12, 30)


def _day(value: bytes) -> _dt.date:
    """A whole number of days in a date format, as python-calamine reads it."""
    if not value.isdigit() or not _FIRST_DAY <= int(value) <= _LAST_DAY:
        raise Unsupported("a date python-calamine may read otherwise")
    return _EPOCH + _dt.timedelta(days=int(value))


# --- cells ---------------------------------------------------------------------------------------

# A cell as Excel, WPS, LibreOffice and openpyxl write it: r, then s, then t, then any other
# attributes; then a formula, a value and an inline string, each optional, in that order.
# Its reference within ZZ999, as the container check's quick path asks: a sheet reaching
# further is measured in full by the fallback (python-calamine) path, which refuses it if
# its grid would be absurd — so both paths refuse the same files.
# Every quantifier is possessive (*+, ?+, ++; Python 3.11): no part of a cell can be matched
# in a second way, so the regex engine keeps no backtracking state (about 1.4× faster; see
# tests/test_ooxml.py, which holds it to the same matches as the plain pattern). Where a
# first way fails, the cell does not match at all; the count of cells then differs and the
# sheet is declined (Unsupported), never read otherwise.
_CELL = re.compile(
    rb'<c r="([A-Z]{1,2}+[1-9][0-9]{0,2}+)"'  # 1 reference
    rb'(?: s="([0-9]{1,9}+)")?+'  # 2 style
    rb'(?: t="([A-Za-z]{1,9}+)")?+'  # 3 type
    rb'((?:\s++[\w:]++="[^"]*+")*+)\s*+'  # 4 other attributes
    rb"(?:/>|>"
    rb"(<f\b[^>]*+(?:(?<=/)>|>[^<]*+</f>))?+"  # 5 formula: <f .../> or <f ...>text</f>
    rb"(?:<v>([^<]++)</v>|(<v\s*+/>|<v></v>))?+"  # 6 value, 7 an empty value
    rb"(?:<is>([^<]*+(?:<(?!/is>)[^<]*+)*+)</is>)?+"  # 8 inline string ("[^<]*(?:<…)*" unrolled)
    rb"</c>)",
)
_STYLE_OR_TYPE = re.compile(rb"\s[st]=")
_DIGITS = b"0123456789"
_NUMBER_CHARS = b"0123456789.-+eE"
_EXACT_DIGITS = 15  # whole numbers this long are exact as floats too (below 2**53)


def _sheet_data(xml: bytes) -> tuple[int, int]:
    """Where the cells of a sheet lie: between its <sheetData> and its last </sheetData>,
    with no other <sheetData> before or after them. (Each cell is checked as it is read;
    the markup between cells, such as <row> tags, is not. That no sheetData tag lies
    between is checked when a sheet is read whole, by :func:`_one_sheet_data`; a planned
    sheet's markup is that of a sheet read whole, and its values hold no "<".) The two
    ends are sought from either end of the part: the cells between are not scanned here."""
    start = xml.find(b"<sheetData>")
    end = xml.rfind(b"</sheetData>")
    if start < 0 or end < start or xml.find(b"<sheetData", end) >= 0 or xml.rfind(b"<sheetData", 0, start) >= 0:
        if xml.count(b"<sheetData") == 1 and b"<sheetData/>" in xml and b"<c " not in xml:
            return 0, 0  # a sheet with nothing in it
        raise Unsupported("sheet data")
    return start, end


def _one_sheet_data(data: bytes) -> None:
    """The cells of a sheet read whole hold no other sheetData tag (see :func:`_sheet_data`)."""
    if data.find(b"<sheetData", 1) >= 0 or b"</sheetData" in data:  # (it opens with its own <sheetData>)
        raise Unsupported("sheet data")


def _formula_text(element: bytes) -> bytes:
    return b"" if element.endswith(b"/>") else element[element.index(b">") + 1 : -4]


class Sheet:
    """One worksheet's values by address as the XML spells it (b"B5"), and its hidden cells."""

    def __init__(self, values: dict[bytes, Any], formulas: list[tuple[bytes, bytes, bytes, bytes]]):
        self.values = values
        self.get = values.get  # the value at an address (b"B5"), None where nothing is
        self._formulas = formulas  # (reference, type, formula element, value text)
        self._hidden: dict[str, tuple[str, str]] | None = None

    @property
    def hidden(self) -> dict[str, tuple[str, str]]:
        """Address -> (ERROR, "#REF!") or (UNCACHED, formula): the cells that read as empty
        but hold an error or a formula saved without its result."""
        if self._hidden is None:
            self._hidden = {}
            for ref, kind, formula, value in self._formulas:
                what = hidden_value(kind, _formula_text(formula) if formula else None, value)
                if what is not None:
                    self._hidden[ref.decode()] = what
        return self._hidden


def _well_formed(xml: bytes) -> None:
    """Unsupported unless the part is well-formed XML (expat; the container check has
    refused DTDs and entities already)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(xml, True)
    except expat.ExpatError:
        raise Unsupported("markup") from None


def _sheets(
    root_rels_xml: bytes, workbook_xml: bytes, rels_xml: bytes
) -> tuple[tuple[str, ...], dict[str, str], frozenset[str], bool]:
    """Sheet names in order, the part of each, every part python-calamine would open, and
    whether dates count from 1904 (Mac Excel's old setting).
    Workbooks made from one template share these parts byte for byte, so each is read
    (and checked in full) once (:meth:`Workbook.__init__` keeps the result in its memory)."""
    for xml in (root_rels_xml, workbook_xml, rels_xml):
        _well_formed(xml)
    main = [
        a for a in map(attributes, _TAG_REL.findall(root_rels_xml)) if a.get("Type", "").endswith("/officeDocument")
    ]
    if len(main) != 1 or main[0].get("Target", "").lstrip("/") != WORKBOOK:
        raise Unsupported("package relationships")
    rels = {a.get("Id", ""): a for a in map(attributes, _TAG_REL.findall(rels_xml))}
    where: dict[str, str] = {}
    tags = _TAG_SHEET.findall(workbook_xml)
    for raw in tags:
        a = attributes(raw)
        rel = rels.get(a.get("rid") or a.get("id") or "")
        if rel is None or not rel.get("Type", "").endswith("/worksheet") or a.get("name", "") in where:
            raise Unsupported("sheet relationship")
        where[a.get("name", "")] = _target(rel.get("Target", ""))
    if len(tags) != workbook_xml.count(b"<sheet ") or not where:
        raise Unsupported("sheet names")
    needed = set(where.values())
    for rel in rels.values():
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("sharedStrings", "styles"):
            target = _target(rel.get("Target", ""))
            if target != (SHARED_STRINGS if kind == "sharedStrings" else STYLES):
                raise Unsupported("shared strings or styles part")
            needed.add(target)
    date1904 = _DATE_1904.search(workbook_xml) is not None
    return tuple(where), where, frozenset(needed), date1904


_DATE_1904 = re.compile(rb'date1904="(?:1|true)"')


def _target(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


# --- sheets that differ only in their values ----------------------------------------------------
#
# Workbooks made from one template differ, sheet by sheet, mostly in the numbers typed into
# them: the labels, the blank bordered cells and the formulas are the same bytes in each.
# A sheet's data is cut at each value (``<v>…</v>`` holding no markup); where its markup
# between values is byte for byte that of a sheet read before, only its values are read.
#
# Why that gives what reading the whole sheet gives. A plan is made only from a sheet read
# whole (every "<c" opened a cell) in which _CELL's value group took every value the cut
# found, in the same order: then every value lies in the value group of a cell that
# matched. The parts of _CELL that could react to the characters a value may hold ('"' in
# an attribute, '>' after "<f") cannot reach into a value group; the value group takes any
# run of characters up to the next "<"; and no part of _CELL can match in a second way
# (every quantifier is possessive). So a sheet of the same markup matches cell for cell,
# with its own values. (Should _CELL change, this reasoning must be made again: a part that
# can run across "<v>" would break it.) Cells without a value (labels, blanks, formulas
# without a result) read the same in any workbook: their reading uses no style, shared
# string or date system. A cell with a value is read anew, by the same code, with the
# workbook's own styles and shared strings. A sheet whose cells repeat a reference is not
# planned: with one cell per reference, the values are the same whatever the order of
# reading (only the order of Sheet.values differs, which nothing reads in order).
# tests/test_ooxml.py holds the two ways to the same cells on generated sheets, each read
# in other workbooks (styles, shared strings, date system) than the sheet planned before.

_VALUE = re.compile(rb"<v>([^<]++)</v>")  # the values, as _CELL's group 6 takes them


class _MarkupPlan:
    __slots__ = ("cells", "formulas", "markup", "splits", "values")

    def __init__(
        self,
        markup: list[bytes],
        values: dict[bytes, Any],
        formulas: list[tuple[bytes, bytes, bytes, bytes]],
        cells: list[tuple[bytes, ...]],
    ):
        self.markup = markup  # the sheet data between values
        self.values = values  # the cells without a value, read
        self.formulas = formulas  # their formulas
        self.cells = cells  # the cells with a value: _CELL's groups, but the value's
        self.splits: dict[frozenset[bytes], Split] = {}  # by the plain styles (Workbook.plain)

    def split(self, plain: frozenset[bytes], lock: threading.Lock) -> Split:
        """Its cells sorted for a workbook's plain styles (made once per style table, kept
        under the memory's lock: see nianbao.io.memory on threads)."""
        found = self.splits.get(plain)
        if found is None:
            found = Split(self.cells, plain)
            with lock:
                if len(self.splits) >= 8:
                    self.splits.clear()
                self.splits[plain] = found
        return found


# Plans live in a Memory (nianbao.io.memory), by the number of values and the length of
# each piece of markup: a plan, or the markup of a sheet read once (a plan is made the
# second time: a sheet seen once costs no more than the cut); the last used last. A plan
# holds about eight times its sheet's bytes; sheets over Memory.PLAN_BYTES are read whole.


def _plan(
    markup: list[bytes],
    given: list[bytes],
    found: list[tuple[bytes, ...]],
    values: dict[bytes, Any],
    formulas: list[tuple[bytes, bytes, bytes, bytes]],
) -> _MarkupPlan | None:
    """The plan of a sheet read whole, if it can have one."""
    valued = [cell for cell in found if cell[5]]
    if [cell[5] for cell in valued] != given:
        return None  # a value not in a cell's value (in a string, between cells)
    if len({cell[0] for cell in found}) != len(found):
        return None  # a reference twice
    refs = {cell[0] for cell in valued}
    return _MarkupPlan(
        markup,
        {ref: v for ref, v in values.items() if ref not in refs},
        [f for f in formulas if f[0] not in refs],
        [(r, s, t, x, f, b, i) for r, s, t, x, f, _, b, i in valued],
    )


class Workbook:
    """The sheets of an .xlsx from its inflated XML parts (name -> bytes): the fast path's
    :class:`~nianbao.io.xlsx.sheets.SheetSource`. Raises :class:`Unsupported` (now or when a
    sheet is read) for markup it does not vouch for. What workbooks of one template share is
    kept in ``memory`` (see :mod:`nianbao.io.memory` for what, and for threads)."""

    def __init__(self, parts: Mapping[str, bytes], memory: Memory = MEMORY):
        self.parts = parts
        self.memory = memory
        if WORKBOOK not in parts or WORKBOOK_RELS not in parts or PACKAGE_RELS not in parts:
            raise Unsupported("workbook part")
        self.sheet_names, self._where, needed, self.date1904 = memory.derived(
            "sheets", _sheets_of, (parts[PACKAGE_RELS], parts[WORKBOOK], parts[WORKBOOK_RELS])
        )
        if not all(parts.get(n) for n in needed):
            raise Unsupported("a part the workbook names is missing or empty")
        # read now, as python-calamine does on opening: a table it would refuse is refused here
        self.strings = _SharedStrings(parts.get(SHARED_STRINGS), memory)
        self.plain, self.dates = memory.derived("number_styles", number_styles, parts.get(STYLES))
        self._sheets: dict[str, Sheet] = {}

    def cells(self, name: str) -> Sheet:
        """A sheet's cells (read on first asking, then kept)."""
        sheet = self._sheets.get(name)
        if sheet is None:
            part = self._where.get(name)
            xml = self.parts.get(part) if part else None
            if xml is None:
                raise Unsupported("sheet part")
            sheet = self._sheets[name] = self._read(xml)
        return sheet

    def hidden(self, wanted: Mapping[str, set[str]]) -> Hidden:
        """(sheet, address) -> (ERROR, "#REF!") or (UNCACHED, formula) for the cells of the
        sheets ``wanted`` names that read as empty but hold an error or a formula without
        its result (every such cell of those sheets, not only the addresses asked for)."""
        return {(name, a): what for name in wanted for a, what in self.cells(name).hidden.items()}

    def _read(self, xml: bytes) -> Sheet:
        start, end = _sheet_data(xml)
        data = xml[start:end]
        memory = self.memory
        if len(data) > memory.PLAN_BYTES:
            return self._read_whole(data)[0]
        pieces = _VALUE.split(data)  # markup, value, markup, value, ..., markup
        markup, given = pieces[0::2], pieces[1::2]
        key = tuple(map(len, markup))
        plan = memory.plans.get(key)
        if type(plan) is _MarkupPlan and plan.markup == markup:
            # the markup of a sheet read before, with other values: only its values are read
            memory.used_plan(key, plan)  # the last used are kept longest
            values = dict(plan.values)
            formulas = list(plan.formulas)
            self._take_planned(plan, given, values, formulas)
            return Sheet(values, formulas)
        sheet, found = self._read_whole(data)
        if plan == markup:  # read whole a second time: planned, if it can be
            memory.keep_plan(key, _plan(markup, given, found, sheet.values, sheet._formulas) or markup)
        else:
            memory.keep_plan(key, markup)
        return sheet

    def _read_whole(self, data: bytes) -> tuple[Sheet, list[tuple[bytes, ...]]]:
        """The sheet read cell by cell, and the cells as _CELL found them."""
        _one_sheet_data(data)
        found = _CELL.findall(data)
        if len(found) != data.count(b"<c"):  # within <sheetData>, "<c" opens a cell
            raise Unsupported("cell markup")
        values: dict[bytes, Any] = {}
        formulas: list[tuple[bytes, bytes, bytes, bytes]] = []
        self._take(found, values, formulas)
        return Sheet(values, formulas), found

    def _take_planned(
        self,
        plan: _MarkupPlan,
        given: list[bytes],
        values: dict[bytes, Any],
        formulas: list[tuple[bytes, bytes, bytes, bytes]],
    ) -> None:
        """Read the values of a planned sheet: what :meth:`_take` makes of them, the common
        cases in one sweep each (see :class:`Split`)."""
        split = plan.split(self.plain, self.memory.lock)
        slow: list[int] = list(split.rest)
        where, refs = split.numbers
        if where:
            got = [given[i] for i in where]
            # whole numbers, each short enough to be exact (given values are never empty)
            if b"".join(got).isdigit() and max(map(len, got)) <= _EXACT_DIGITS:
                values.update(zip(refs, map(int, got), strict=True))
            else:
                slow.extend(where)
        where, refs = split.strings
        if where:
            got = [given[i] for i in where]
            strings = self.strings.table()
            read: list[str | None] | None = None
            if b"".join(got).isdigit():
                try:
                    read = [strings[int(v)] for v in got]
                except IndexError:
                    read = None
            if read is not None and None not in read:
                values.update(zip(refs, read, strict=True))
            else:
                slow.extend(where)
        where, refs = split.texts
        if where:
            got = [given[i] for i in where]
            joined = b"".join(got)
            # plain UTF-8 text: nothing text() would turn or decline (a carriage return, an
            # escape, an entity; "_x" across two values only sends them the slow way)
            if b"&" in joined or b"\r" in joined or b"_x" in joined:
                slow.extend(where)
            else:
                try:
                    values.update(zip(refs, [v.decode("utf-8") for v in got], strict=True))
                except UnicodeDecodeError:
                    slow.extend(where)
        if slow:
            cells = plan.cells
            slow.sort()  # in the sheet's order, as a sheet read whole
            self._take([(*cells[i][:5], given[i], *cells[i][5:]) for i in slow], values, formulas)

    def _take(
        self,
        found: list[tuple[bytes, ...]],
        values: dict[bytes, Any],
        formulas: list[tuple[bytes, bytes, bytes, bytes]],
    ) -> None:
        """Read cells (the groups of :data:`_CELL`) into ``values`` and ``formulas``."""
        plain, dates, strings, texts = self.plain, self.dates, self.strings, self.memory.texts.get
        # (findall gives b"" for a group that took no part)
        for ref, style, kind, extra, formula, value, bare, inline in found:
            if extra and _STYLE_OR_TYPE.search(extra):
                raise Unsupported("attribute order")
            if value:
                if inline:
                    raise Unsupported("a value and an inline string")
                if not kind or kind == b"n":  # the common case: a number
                    if style and style not in plain:
                        if style not in dates or self.date1904:
                            raise Unsupported("number")  # a time, a duration, or might be
                        values[ref] = _day(value)  # e.g. 填报日期 typed as a date
                        continue
                    if value.isdigit() and len(value) <= _EXACT_DIGITS:
                        values[ref] = int(value)  # a whole number, exactly as the float would be
                        continue
                    if value.strip(_NUMBER_CHARS):
                        raise Unsupported("number")  # text python-calamine keeps as text
                    try:
                        values[ref] = float(value)
                    except ValueError:
                        raise Unsupported("number") from None
                elif kind == b"s":
                    if value.strip(_DIGITS):
                        raise Unsupported("shared string")
                    values[ref] = strings[int(value)]
                elif kind == b"str":
                    values[ref] = text(value)
                elif kind == b"b":
                    if value != b"0" and value != b"1":
                        raise Unsupported("boolean")
                    values[ref] = value == b"1"
                elif kind == b"e":
                    formulas.append((ref, kind, formula, value))
                else:
                    raise Unsupported("cell type")
            elif inline:
                if kind != b"inlineStr" or bare:
                    raise Unsupported("an inline string in a cell of another type")
                values[ref] = texts(inline) or rich_text(inline, self.memory)
            elif formula or bare:
                if not kind or kind == b"n" or kind == b"str":
                    if bare:
                        values[ref] = ""
                elif kind != b"e":
                    raise Unsupported("an empty value in a cell of this type")
                formulas.append((ref, kind, formula, b""))


def _sheets_of(parts: tuple[bytes, bytes, bytes]) -> tuple[tuple[str, ...], dict[str, str], frozenset[str], bool]:
    return _sheets(*parts)


__all__ = [
    "ANY_FORMULA",
    "ANY_VALUE",
    "ERROR",
    "UNCACHED",
    "Sheet",
    "Unsupported",
    "Workbook",
    "attributes",
    "hidden_value",
    "number_styles",
    "relationships",
    "rich_text",
    "sheet_parts",
    "text",
]
