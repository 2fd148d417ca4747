"""What derives mechanically from the form declarations in :mod:`nianbao.core.forms`.

* :class:`Cell` — every number of a form, in a fixed order, with its JSON pointer and its
  official labels;
* :class:`Check` — every identity of a form expanded to concrete cells;
* :class:`FormModel` — both, plus a fast flattening of a report document into a vector of
  cell values in that order.

Nothing here knows about Excel or about messages; it is the shared index that the schema,
the validator, the templates, the reader and the consolidator all use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from .codes import Code, Severity
from .forms import AMOUNT, FORMS, Column, Form, Group, Row, Table
from .identities import Each, Identity, Selector

THIS = 0
PREVIOUS = 1


@dataclass(frozen=True, slots=True)
class Cell:
    index: int
    path: tuple[str, ...]
    table: Table
    column: Column
    row: Row | None  # None for table 4, whose single row has no label
    row_parents: tuple[Row, ...] = ()  # table 3: the rows above this one
    group: Group | None = None

    @property
    def pointer(self) -> str:
        return "/" + "/".join(self.path)

    @property
    def kind(self) -> str:
        return self.column.kind

    @property
    def row_label(self) -> str:
        """The row's label with its parents, e.g. "（三）不予公开 1.属于国家秘密"."""
        return "" if self.row is None else row_title(self.row_parents, self.row)

    @property
    def column_label(self) -> str:
        if self.group is not None and self.table.key == "appeals":
            return f"{self.group.title}·{self.column.label}"
        return self.column.label

    @property
    def label(self) -> str:
        """Table, row and column by their official labels, e.g. "表三 一、本年新收… / 自然人"."""
        where = " / ".join(x for x in (self.row_label, self.column_label) if x)
        return f"{self.table.sheet} {where}"


@dataclass(frozen=True, slots=True)
class Term:
    source: int  # THIS or PREVIOUS
    index: int  # cell index in the form model of that source
    sign: int  # +1 or -1
    text: str  # short label in the check's context, e.g. "三(七)总计"


@dataclass(frozen=True, slots=True)
class Check:
    identity: Identity
    context: str  # e.g. "表三 自然人列"
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    # the cells this year's check adds and subtracts (lhs − rhs); None for a check reaching
    # into last year's report
    plus: tuple[int, ...] | None = field(init=False, compare=False, repr=False)
    minus: tuple[int, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        plus: tuple[int, ...] | None
        minus: tuple[int, ...]
        if any(t.source == PREVIOUS for t in self.terms()):
            plus, minus = None, ()
        else:
            signed = [(t.index, t.sign) for t in self.lhs] + [(t.index, -t.sign) for t in self.rhs]
            plus, minus = tuple(i for i, s in signed if s > 0), tuple(i for i, s in signed if s < 0)
        object.__setattr__(self, "plus", plus)
        object.__setattr__(self, "minus", minus)

    @property
    def rule(self) -> Code:
        return self.identity.rule

    @property
    def severity(self) -> Severity:
        return self.identity.severity

    @property
    def op(self) -> str:
        return self.identity.op

    def terms(self) -> Iterator[Term]:
        yield from self.lhs
        yield from self.rhs


# The top-level row whose label messages leave out before its sub-rows' labels: "（三）不予公开
# 1.属于国家秘密" reads better than "三、本年度办理结果 （三）不予公开 1.属于国家秘密".
OMITTED_PARENT = "outcomes"


def row_title(parents: tuple[Row, ...], row: Row) -> str:
    """A leaf row's label with its parents', as messages name it."""
    return " ".join([p.label for p in parents if p.key != OMITTED_PARENT] + [row.label])


def leaf_rows(rows: tuple[Row, ...], parents: tuple[Row, ...] = ()) -> Iterator[tuple[tuple[Row, ...], Row]]:
    """Every leaf row with the rows above it, in printed order."""
    for row in rows:
        if row.is_leaf:
            yield parents, row
        else:
            yield from leaf_rows(row.children, parents + (row,))


def _cells(form: Form) -> list[Cell]:
    cells: list[Cell] = []

    def add(**kw: Any) -> None:
        cells.append(Cell(index=len(cells), **kw))

    for table in form.tables:
        if table.key == "active":
            for group in table.groups:
                for row in group.rows:
                    for col in group.columns:
                        add(path=(table.key, row.key, col.key), table=table, column=col, row=row, group=group)
        elif table.key == "applications":
            for parents, row in leaf_rows(table.rows):
                keys = tuple(p.key for p in parents) + (row.key,)
                for col in table.columns:
                    add(path=(table.key, *keys, col.key), table=table, column=col, row=row, row_parents=parents)
        else:
            for group in table.groups:
                for col in group.columns:
                    add(path=(table.key, group.key, col.key), table=table, column=col, row=None, group=group)
    return cells


class FormModel:
    """The cells and checks of one form."""

    def __init__(self, form: Form):
        self.form = form
        self.cells: tuple[Cell, ...] = tuple(_cells(form))
        self.by_path: dict[tuple[str, ...], Cell] = {c.path: c for c in self.cells}
        self.by_pointer: dict[str, Cell] = {c.pointer: c for c in self.cells}
        # Cells are laid out row by row: flattening walks each row's object once.
        # (parent path, keys of its cells)
        rows: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for cell in self.cells:
            parent, key = cell.path[:-1], cell.path[-1]
            if rows and rows[-1][0] == parent:
                rows[-1] = (parent, rows[-1][1] + (key,))
            else:
                rows.append((parent, (key,)))
        self._rows = tuple(rows)
        self.amount_cells: tuple[Cell, ...] = tuple(c for c in self.cells if c.kind == AMOUNT)
        # amount cells whose unit the report declares (采购总金额 of form 2019)
        self.unit_cells: frozenset[int] = frozenset(c.index for c in self.cells if c.column.unit_key)
        self.checks: tuple[Check, ...] = tuple(
            c for ident in form.identities if not ident.cross_year for c in _expand(form, self, ident, None)
        )

    def __repr__(self) -> str:
        return f"<FormModel {self.form.key}: {len(self.cells)} cells, {len(self.checks)} checks>"

    @cached_property
    def derived(self) -> dict[int, Check]:
        """Cells that are the plain sum of other cells of the same report (the total of an
        equality identity): cell index -> the check that defines it. The template computes
        them by formula and the reader recomputes them. The first identity that defines a
        cell wins (I2 before I3 for the cell （七）总计 × 总计)."""
        out: dict[int, Check] = {}
        for check in self.checks:
            if (
                check.op == "="
                and len(check.lhs) == 1
                and check.rhs
                and all(t.source == THIS and t.sign > 0 for t in check.terms())
            ):
                out.setdefault(check.lhs[0].index, check)
        return out

    def values(self, document: Any) -> list[Any]:
        """The raw value of every cell, in cell order; None where absent."""
        out: list[Any] = []
        extend = out.extend
        for parent, keys in self._rows:
            node = document
            for k in parent:
                node = node.get(k) if isinstance(node, dict) else None
            if isinstance(node, dict):
                get = node.get
                extend([get(k) for k in keys])
            else:
                extend([None] * len(keys))
        return out

    def document(self, values: Sequence[Any]) -> dict[str, Any]:
        """The tables part of a report document built from a vector of cell values."""
        return self._build(values)

    @cached_property
    def _build(self) -> Callable[[Sequence[Any]], dict[str, Any]]:
        """:meth:`document` as one nested dictionary display, ``{"active": {"rules":
        {"new_made": v[0], …}, …}, …}``, compiled once per form from its cells: every
        workbook read builds one, and a display is about four times quicker than filling
        some forty dictionaries key by key."""
        tree: dict[str, Any] = {}
        for c in self.cells:
            node = tree
            for k in c.path[:-1]:
                node = node.setdefault(k, {})
            node[c.path[-1]] = c.index

        def display(node: Any) -> str:
            if isinstance(node, int):
                return f"v[{node}]"
            return "{" + ", ".join(f"{k!r}: {display(x)}" for k, x in node.items()) + "}"

        namespace: dict[str, Any] = {}
        exec(f"def build(v):\n    return {display(tree)}\n", namespace)  # noqa: S102 - keys are the forms' own
        build: Callable[[Sequence[Any]], dict[str, Any]] = namespace["build"]
        return build

    def cross_checks(self, previous: FormModel) -> tuple[Check, ...]:
        """Checks across years against last year's report of form ``previous``."""
        return _cross_checks(self.form.key, previous.form.key)


def model(form: str | Form) -> FormModel:
    """The model of a form, by key ("2019", "2021") or declaration: one per form."""
    return _model(form if isinstance(form, str) else form.key)


@cache
def _model(key: str) -> FormModel:
    return FormModel(FORMS[key])


@cache
def _cross_checks(this: str, prev: str) -> tuple[Check, ...]:
    m = model(this)
    p = model(prev)
    return tuple(c for ident in m.form.identities if ident.cross_year for c in _expand(m.form, m, ident, p))


# ---------------------------------------------------------------------------------------
# Expanding identities


class _NotApplicable(Exception):
    """A selector names a cell the (previous) form does not have."""


def _term(m: FormModel, prev: FormModel | None, sel: Selector, path: tuple[str, ...], text: str) -> Term:
    target = prev if sel.previous else m
    assert target is not None
    cell = target.by_path.get(path)
    if cell is None:
        raise _NotApplicable(path)
    source = PREVIOUS if sel.previous else THIS
    return Term(source, cell.index, sel.sign, ("上年报告的" if sel.previous else "") + text)


def _find_row(rows: tuple[Row, ...], keys: tuple[str, ...]) -> tuple[tuple[Row, ...], Row]:
    parents: tuple[Row, ...] = ()
    for i, key in enumerate(keys):
        row = next(r for r in rows if r.key == key)
        if i < len(keys) - 1:
            parents += (row,)
            rows = row.children
    return parents, row


def _expand(form: Form, m: FormModel, ident: Identity, prev: FormModel | None) -> Iterator[Check]:
    table = form.table(ident.table)
    each = ident.scope.each
    units: list[tuple[str, tuple[str, ...], tuple[Column, ...]]]

    if each is Each.COLUMN:  # table 3, selectors are row paths
        for col in table.columns:
            try:
                yield _column_check(m, prev, ident, table, col)
            except _NotApplicable:
                continue
        return
    if each is Each.ROW:
        units = [
            (
                f"{table.sheet}「{row_title(parents, row)}」行",
                (table.key, *(p.key for p in parents), row.key),
                table.columns,
            )
            for parents, row in leaf_rows(table.rows)
        ]
    elif each is Each.GROUP:
        units = [(f"{table.sheet} {g.title}", (table.key, g.key), g.columns) for g in table.groups]
    else:  # Each.ROWS: table 2, named rows
        units = [
            (f"{table.sheet} {row.label}", (table.key, row.key), group.columns)
            for group in table.groups
            for row in group.rows
            if row.key in ident.scope.rows
        ]
    for context, base, columns in units:
        try:
            yield _keyed_check(m, prev, ident, context, base, columns)
        except _NotApplicable:
            continue


def _column_check(m: FormModel, prev: FormModel | None, ident: Identity, table: Table, col: Column) -> Check:
    named = ident.named

    def side(selectors: tuple[Selector, ...]) -> tuple[Term, ...]:
        terms: list[Term] = []
        for sel in selectors:
            if sel.rest:
                _, under = _find_row(table.rows, sel.keys)
                for parents, row in leaf_rows(under.children, ()):
                    keys = sel.keys + tuple(p.key for p in parents) + (row.key,)
                    if keys not in named:
                        terms.append(_term(m, prev, sel, (table.key, *keys, col.key), row.short))
            else:
                _, row = _find_row(table.rows, sel.keys)
                terms.append(_term(m, prev, sel, (table.key, *sel.keys, col.key), row.short))
        return tuple(terms)

    return Check(ident, f"{table.sheet} {col.label}列", side(ident.lhs), side(ident.rhs))


def _keyed_check(
    m: FormModel,
    prev: FormModel | None,
    ident: Identity,
    context: str,
    base: tuple[str, ...],
    columns: tuple[Column, ...],
) -> Check:
    named = ident.named
    labels = {c.key: c.label for c in columns}

    def side(selectors: tuple[Selector, ...]) -> tuple[Term, ...]:
        terms: list[Term] = []
        for sel in selectors:
            keys = [c.key for c in columns if (c.key,) not in named] if sel.rest else list(sel.keys)
            for k in keys:
                if k not in labels:
                    raise _NotApplicable(k)
                terms.append(_term(m, prev, sel, (*base, k), labels[k]))
        return tuple(terms)

    return Check(ident, context, side(ident.lhs), side(ident.rhs))
