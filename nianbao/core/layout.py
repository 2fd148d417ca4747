"""Where everything sits in the Excel template: derived from the form declarations.

This is the only place that decides cell positions. The template writer, the workbook
reader, the annotator and the add-in all ask a :class:`Layout` where a label or a cell is;
none of them spells an address.

Sheets: 封面 (cover: agency, year, form), 表二, 表三, 表四, and a hidden ``_nianbao``
sheet recording the form and the template version.

Cells are *inputs* (the clerk types them), *computed* (totals that are the sum of other
cells, as the equality identities say — :attr:`FormModel.derived`: a formula in the
template, recomputed by the reader) or *checks* (a ✓/✗ formula beside the table for each
identity that needs a human decision, I1 above all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property

from .forms import (
    AGENCY_FIELDS,
    CLAUSE_9,
    FILLED_DATE_LABEL,
    FILLED_DATE_POINTER,
    FORM_LABEL,
    FORMS,
    PROCUREMENT_UNIT_KEY,
    PROCUREMENT_UNIT_LABEL,
    REPORT_TITLE,
    YEAR_LABEL,
    YEAR_POINTER,
    Form,
    Row,
    Table,
    agency_pointer,
    meta_pointer,
)
from .model import Check, FormModel, model

TEMPLATE_VERSION = "1"
META_SHEET = "_nianbao"
COVER_SHEET = "封面"

# Roles of label cells, for styling.
TITLE = "title"
HEADER = "header"
ROW = "row"
NOTE = "note"
FIELD = "field"


def col_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def addr(row: int, col: int) -> str:
    """(12, 4) -> "D12": the address of a one-based row and column. Everywhere in nianbao a
    cell's coordinates are given row first, as here, and as :func:`cell_index` returns them."""
    return f"{col_letter(col)}{row}"


# The hidden sheet: one key per row in column A, in this order, its value in column B.
META_KEYS = (META_FORM, META_VERSION, META_OVERRIDES, META_EXTRA) = ("form", "template_version", "overrides", "extra")


def meta_cell(key: str) -> str:
    """Where the hidden sheet holds the value of ``key``."""
    return addr(META_KEYS.index(key) + 1, 2)


def meta_key_cell(key: str) -> str:
    """Where the hidden sheet holds ``key`` itself, beside its value."""
    return addr(META_KEYS.index(key) + 1, 1)


def cell_index(address: str) -> tuple[int, int]:
    """"D12" -> (11, 3): the zero-based row and column of an address (inverse of addr)."""
    letters = address.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(address[len(letters):]) - 1, col - 1


def quoted_sheet(name: str) -> str:
    """A sheet name as formulas and links write it: '表三'."""
    return "'" + name.replace("'", "''") + "'"


def span(r1: int, c1: int, r2: int, c2: int) -> str:
    """A range from its top-left to its bottom-right corner, each (row, col), one-based; a
    single cell when both corners coincide."""
    a, b = addr(r1, c1), addr(r2, c2)
    return a if a == b else f"{a}:{b}"


def position(address: str) -> tuple[int, int]:
    """"D12" -> (12, 4): the one-based row and column of an address."""
    row, col = cell_index(address)
    return row + 1, col + 1


def ranges(addresses: Iterable[str]) -> list[str]:
    """Addresses compressed into contiguous runs down a column or along a row, order kept:
    D7, D8, D9, F3 -> D7:D9, F3."""
    runs: list[list[int]] = []  # [r1, c1, r2, c2]
    for a in addresses:
        r, c = position(a)
        if runs:
            r1, c1, r2, c2 = runs[-1]
            if c1 == c2 == c and r == r2 + 1:
                runs[-1][2] = r
                continue
            if r1 == r2 == r and c == c2 + 1:
                runs[-1][3] = c
                continue
        runs.append([r, c, r, c])
    return [span(*run) for run in runs]


def sum_formula(addresses: list[str]) -> str:
    """A total that stays blank until one of its cells holds a number."""
    refs = ",".join(ranges(addresses))
    return f'=IF(COUNT({refs})=0,"",SUM({refs}))'


@dataclass(frozen=True)
class Label:
    ref: str  # "A1" or a merged range "A1:D1"
    text: str
    role: str

    @property
    def anchor(self) -> str:
        return self.ref.split(":")[0]


@dataclass(frozen=True)
class CheckCell:
    address: str
    check: Check
    # the cells of this sheet the check involves (for conditional formatting)
    cells: tuple[str, ...]


@dataclass
class SheetLayout:
    name: str
    labels: list[Label] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)  # pointer -> address
    computed: dict[str, str] = field(default_factory=dict)  # pointer -> address
    checks: list[CheckCell] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)  # column letter -> width
    freeze: str | None = None  # top-left cell of the scrolling area
    last_col: int = 1
    last_row: int = 1

    def label(self, ref: str, text: str, role: str) -> None:
        self.labels.append(Label(ref, text, role))

    @property
    def print_area(self) -> str:
        return f"A1:{addr(self.last_row, self.last_col)}"


@dataclass
class Layout:
    form: Form
    sheets: list[SheetLayout]
    version: str = TEMPLATE_VERSION

    def sheet(self, name: str) -> SheetLayout:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    @cached_property
    def where(self) -> dict[str, tuple[str, str]]:
        """JSON pointer -> (sheet, address) of every input and computed cell."""
        return {ptr: (s.name, a) for s in self.sheets for ptr, a in {**s.inputs, **s.computed}.items()}

    @property
    def model(self) -> FormModel:
        return model(self.form)

    def total_formula(self, pointer: str) -> str:
        """The formula the template writes in the computed total at ``pointer``: the sum of
        its parts (``=IF(COUNT(D5:D9)=0,"",SUM(D5:D9))``)."""
        m = self.model
        where = self.where
        return sum_formula([where[m.cells[t.index].pointer][1] for t in m.derived[m.by_pointer[pointer].index].rhs])


# ---------------------------------------------------------------------------------------
# Cover

COVER_FIELDS: tuple[tuple[str, str], ...] = (
    *((agency_pointer(k), label) for k, label in AGENCY_FIELDS),
    (YEAR_POINTER, YEAR_LABEL),
    (FILLED_DATE_POINTER, FILLED_DATE_LABEL),
)
PROCUREMENT_UNIT_FIELD = (meta_pointer(PROCUREMENT_UNIT_KEY), f"{PROCUREMENT_UNIT_LABEL}（表二 {CLAUSE_9}）")


def _cover(form: Form) -> SheetLayout:
    s = SheetLayout(COVER_SHEET)
    s.label("A1:B1", REPORT_TITLE, TITLE)
    s.label("A2", FORM_LABEL, FIELD)
    s.label("B2", f"{form.document}", NOTE)
    r = 3
    fields = list(COVER_FIELDS)
    if model(form).unit_cells:
        fields.append(PROCUREMENT_UNIT_FIELD)
    for ptr, label in fields:
        s.label(addr(r, 1), label, FIELD)
        s.inputs[ptr] = addr(r, 2)
        r += 1
    s.label(
        span(r + 1, 1, r + 1, 2),
        "填写说明：浅黄色单元格为填写区，其余单元格已锁定。表中每一格都须填写，没有的填 0。",
        NOTE,
    )
    s.widths = {"A": 36, "B": 48}
    s.last_col, s.last_row = 2, r + 1
    return s


# ---------------------------------------------------------------------------------------
# Table 2: groups of rows under a clause header; label in A, numbers from B.


def _table2(table: Table, m: FormModel) -> SheetLayout:
    s = SheetLayout(table.sheet)
    width = 1 + max(len(g.columns) for g in table.groups)
    s.label(span(1, 1, 1, width), table.title, TITLE)
    r = 2
    for group in table.groups:
        s.label(span(r, 1, r, width), group.label, HEADER)
        s.label(addr(r + 1, 1), group.row_header, HEADER)
        for j, col in enumerate(group.columns):
            s.label(addr(r + 1, 2 + j), col.label, HEADER)
        r += 2
        for row in group.rows:
            s.label(addr(r, 1), row.label, ROW)
            for j, col in enumerate(group.columns):
                s.inputs[m.by_path[(table.key, row.key, col.key)].pointer] = addr(r, 2 + j)
            r += 1
    s.widths = {"A": 26, **{col_letter(c): 18 for c in range(2, width + 1)}, col_letter(width + 1): 14}
    s.freeze = "B2"
    s.last_col, s.last_row = width + 1, r - 1
    _place_row_checks(s, table, m, check_col=width + 1)
    return s


# ---------------------------------------------------------------------------------------
# Table 3: three label columns (A: 一…四, B: （一）…（七）, C: 1.…), header rows 2–4,
# applicant columns from D.

T3_LABEL_COLS = 3
T3_HEADER_ROWS = (2, 3, 4)


def _table3(table: Table, m: FormModel) -> SheetLayout:
    s = SheetLayout(table.sheet)
    first = T3_LABEL_COLS + 1
    ncols = len(table.columns)
    last = first + ncols - 1
    top, mid, low = T3_HEADER_ROWS
    s.label(span(1, 1, 1, last), table.title, TITLE)
    s.label(span(top, 1, low, T3_LABEL_COLS), table.note, NOTE)
    s.label(span(top, first, top, last), table.column_header, HEADER)
    j = 0
    while j < ncols:
        col = table.columns[j]
        c = first + j
        if col.parent is None:
            s.label(span(mid, c, low, c), col.label, HEADER)
            j += 1
        else:
            k = j
            while k < ncols and table.columns[k].parent == col.parent:
                s.label(addr(low, first + k), table.columns[k].label, HEADER)
                k += 1
            s.label(span(mid, c, mid, first + k - 1), col.parent, HEADER)
            j = k

    r = low + 1

    def place(rows: tuple[Row, ...], depth: int, keys: tuple[str, ...]) -> None:
        nonlocal r
        for row in rows:
            path = keys + (row.key,)
            start = r
            if row.is_leaf:
                s.label(span(r, 1 + depth, r, T3_LABEL_COLS), row.label, ROW)
                for j, col in enumerate(table.columns):
                    ptr = m.by_path[(table.key, *path, col.key)].pointer
                    s.inputs[ptr] = addr(r, first + j)
                r += 1
            else:
                place(row.children, depth + 1, path)
                s.label(span(start, 1 + depth, r - 1, 1 + depth), row.label, ROW)

    place(table.rows, 0, ())
    s.widths = {"A": 12, "B": 22, "C": 40, **{col_letter(c): 11 for c in range(first, last + 1)}}
    s.widths[col_letter(last + 1)] = 14
    s.freeze = addr(low + 1, first)
    s.last_col, s.last_row = last + 1, r - 1
    _place_column_checks(s, table, m, first_row=r + 1)
    _place_row_checks(s, table, m, check_col=last + 1)
    return s


# ---------------------------------------------------------------------------------------
# Table 4: groups of five columns; 行政诉讼 spans two groups; one row of numbers.


def _table4(table: Table, m: FormModel) -> SheetLayout:
    s = SheetLayout(table.sheet)
    total = sum(len(g.columns) for g in table.groups)
    s.label(span(1, 1, 1, total), table.title, TITLE)
    values_row = 5
    c = 1
    parents: dict[str, list[int]] = {}
    for group in table.groups:
        n = len(group.columns)
        if group.parent:
            parents.setdefault(group.parent, []).extend([c, c + n - 1])
            s.label(span(3, c, 3, c + n - 1), group.label, HEADER)
            for j, col in enumerate(group.columns):
                s.label(addr(4, c + j), col.label, HEADER)
        else:
            s.label(span(2, c, 2, c + n - 1), group.label, HEADER)
            for j, col in enumerate(group.columns):
                s.label(span(3, c + j, 4, c + j), col.label, HEADER)
        for j, col in enumerate(group.columns):
            s.inputs[m.by_path[(table.key, group.key, col.key)].pointer] = addr(values_row, c + j)
        c += n
    for parent, cols in parents.items():
        s.label(span(2, min(cols), 2, max(cols)), parent, HEADER)
    s.widths = {col_letter(i): 9 for i in range(1, total + 1)}
    s.freeze = addr(values_row, 1)
    s.last_col, s.last_row = total, values_row
    _place_column_checks(s, table, m, first_row=values_row + 2)
    return s


# ---------------------------------------------------------------------------------------
# Computed cells and live checks, from the identities


def _needs_human(m: FormModel, check: Check) -> bool:
    """A check that a formula cannot make true by construction: not the definition of a
    computed cell."""
    return m.derived.get(check.lhs[0].index) is not check if check.lhs else True


def _addresses(s: SheetLayout, m: FormModel, check: Check) -> tuple[str, ...]:
    """Where the cells of a check sit on this sheet, in the check's order."""
    placed = {**s.inputs, **s.computed}
    return tuple(placed[m.cells[t.index].pointer] for t in check.terms())


def _place_column_checks(s: SheetLayout, table: Table, m: FormModel, first_row: int) -> None:
    """One row of ✓/✗ per column-wise identity (I1 on table 3), under the table."""
    r = first_row
    by_rule: dict[str, list[Check]] = {}
    for check in m.checks:
        if check.identity.table == table.key and check.identity.scope.per_column and _needs_human(m, check):
            by_rule.setdefault(check.rule, []).append(check)
    for rule, checks in by_rule.items():
        ident = checks[0].identity
        if table.key == "applications":
            s.label(span(r, 1, r, T3_LABEL_COLS), f"勾稽关系核对（{rule}）：{ident.title}", NOTE)
        for check in checks:
            cells = _addresses(s, m, check)
            _, col = cell_index(cells[0])
            s.checks.append(CheckCell(addr(r, col + 1), check, cells))
        s.last_row = max(s.last_row, r)
        r += 1


def _place_row_checks(s: SheetLayout, table: Table, m: FormModel, check_col: int) -> None:
    """A ✓/✗ beside each row for the row-wise identities that need a human (W1–W3)."""
    for check in m.checks:
        ident = check.identity
        if ident.table != table.key or ident.scope.per_column:
            continue
        if not _needs_human(m, check):
            continue
        cells = _addresses(s, m, check)
        row, _ = cell_index(cells[0])
        s.checks.append(CheckCell(addr(row + 1, check_col), check, cells))


def _mark_computed(s: SheetLayout, m: FormModel) -> None:
    for index in m.derived:
        ptr = m.cells[index].pointer
        if ptr in s.inputs:
            s.computed[ptr] = s.inputs.pop(ptr)


@cache
def layout(form_key: str) -> Layout:
    """The layout of the template of a form ("2019" or "2021")."""
    form = FORMS[form_key]
    m = model(form)
    sheets = [_cover(form)]
    for table in form.tables:
        builder = {"active": _table2, "applications": _table3, "appeals": _table4}[table.key]
        sheet = builder(table, m)
        _mark_computed(sheet, m)
        sheets.append(sheet)
    return Layout(form, sheets)


__all__ = [
    "COVER_SHEET",
    "META_KEYS",
    "META_SHEET",
    "TEMPLATE_VERSION",
    "CheckCell",
    "Label",
    "Layout",
    "SheetLayout",
    "addr",
    "cell_index",
    "col_letter",
    "layout",
    "meta_cell",
    "meta_key_cell",
    "position",
    "ranges",
    "sum_formula",
]
