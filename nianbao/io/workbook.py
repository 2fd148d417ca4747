"""Reading a filled template back into a report document.

The reader trusts nothing but the declaration: it finds the form and template version in
the hidden sheet, checks that every label of :func:`nianbao.core.layout.layout` still sits at
its anchor (a renamed or deleted sheet, an inserted row or column, an edited label is
refused with a :class:`~nianbao.io.readers.ReadError` naming sheet and cell), then reads every
input cell where the layout puts it. Cell contents are cleaned by :mod:`nianbao.core.cleaning`
(blank stays ``None``, never 0; text that clearly means a number is taken with a ``CELL``
warning). Computed totals are recomputed from their inputs, never taken from cached formula
results; a cached result that disagrees is a ``CACHE`` warning at its cell.

An .xlsx/.xlsm that the container check's quick path vouched for is read from the parts that
check already inflated, by :mod:`nianbao.io.ooxml` (about half the cost of opening the file
again; see ``scripts/bench_read.py``); whatever that reader is not sure of, and every other
format, is parsed by python-calamine. Both show a formula error (``#REF!``) and a formula
saved without its result alike as an empty cell; for .xlsx/.xlsm, input cells that read as
empty are looked up in the sheet XML so that an error is reported as such (``TYPE``) and a
formula without a result is explained (``CACHE``) instead of passing for a blank. (In .xls
and .ods files both still read as blank.)

Registered for .xlsx, .xlsm, .xls, .ods and .et. :func:`read_workbook` runs the container
check of :mod:`nianbao.io.safety` before parsing; through the registry,
:func:`nianbao.io.readers.read` has already run it and passes on what it found.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..core.cleaning import EXACT_LIMIT, Context, clean, clean_label, normal_number, recompute
from ..core.codes import Code
from ..core.findings import Finding, finding
from ..core.forms import (
    AMOUNT,
    CHANGE,
    COUNT,
    DEFAULT_PROCUREMENT_UNIT,
    FORMS,
    PROCUREMENT_UNIT_KEY,
    SOURCE_KEY,
    VERSION_KEY,
    YEAR_POINTER,
)
from ..core.layout import (
    COVER_SHEET,
    META_EXTRA,
    META_FORM,
    META_KEYS,
    META_OVERRIDES,
    META_SHEET,
    META_VERSION,
    TEMPLATE_VERSION,
    Layout,
    layout,
    meta_cell,
    meta_key_cell,
)
from . import ooxml, safety
from .calamine_sheets import CalamineSource, explain
from .panics import is_panic, panic_messages_hidden
from .registry import Loaded, ReadError, reader
from .sheets import ERROR, Cells, GridSource, SheetSource

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")


NOT_OURS = "不是本工具生成的年报模板（缺少隐藏工作表「{sheet}」）；请用 nianbao template 生成模板，填好后再读取"
ALTERED = (
    "模板结构被改动：此处应为「{text}」，实为「{actual}」（插入或删除了行列，或修改了标签）；请将数据重新填入新模板"
)


@dataclass(frozen=True, slots=True)
class _Slot:
    pointer: str
    sheet: str
    address: str
    key: bytes  # the address as the sheet XML spells it (what a sheet's get() takes)
    index: int | None  # model cell index, None for cover fields
    kind: str | None
    computed: bool


@dataclass(frozen=True)
class _SheetPlan:
    name: str
    labels: tuple[tuple[bytes, str, str], ...]  # (key, text, address)
    slots: tuple[_Slot, ...]

    @cached_property
    def label_keys(self) -> tuple[bytes, ...]:
        return tuple(key for key, _, _ in self.labels)

    @cached_property
    def label_texts(self) -> list[str]:
        return [text for _, text, _ in self.labels]


@dataclass(frozen=True)
class _Plan:
    sheets: tuple[_SheetPlan, ...]
    where: Mapping[str, tuple[str, str]]


@cache
def _plan(form_key: str) -> _Plan:
    lay: Layout = layout(form_key)
    m = lay.model
    sheets = []
    for s in lay.sheets:
        labels = tuple((lb.anchor.encode(), lb.text, lb.anchor) for lb in s.labels)
        slots = []
        for computed, cells in ((False, s.inputs), (True, s.computed)):
            for ptr, a in cells.items():
                cell = m.by_pointer.get(ptr)
                index, kind = (cell.index, cell.kind) if cell else (None, None)
                slots.append(_Slot(ptr, s.name, a, a.encode(), index, kind, computed))
        sheets.append(_SheetPlan(s.name, labels, tuple(slots)))
    return _Plan(tuple(sheets), MappingProxyType(dict(lay.where)))


@cache
def _meta_cells() -> tuple[tuple[str, bytes, bytes, str], ...]:
    """(key, where the key stands, where its value stands) on the hidden sheet, the
    addresses as the sheet XML spells them, and the value's address again for messages."""
    return tuple((k, meta_key_cell(k).encode(), meta_cell(k).encode(), meta_cell(k)) for k in META_KEYS)


def _meta(path: Path, wb: SheetSource, names: list[str]) -> tuple[str, list[str], dict[str, Any]]:
    if META_SHEET not in names:
        raise ReadError(path, NOT_OURS.format(sheet=META_SHEET))
    get = wb.cells(META_SHEET).get
    meta: dict[str, tuple[Any, str]] = {}
    for key, key_at, value_at, address in _meta_cells():
        if get(key_at) == key:
            meta[key] = (get(value_at), address)
    form, cell = meta.get(META_FORM, (None, meta_cell(META_FORM)))
    form = clean_label(form) if form not in (None, "") else ""
    if form not in FORMS:
        known = " 或 ".join(sorted(FORMS))
        raise ReadError(
            path,
            f"无法识别模板的表式「{form}」，应为 {known}；隐藏工作表被改动，请将数据重新填入新模板",
            META_SHEET,
            cell,
        )
    version, cell = meta.get(META_VERSION, (None, meta_cell(META_VERSION)))
    version = clean_label(version) if version not in (None, "") else ""
    if version != TEMPLATE_VERSION:
        raise ReadError(
            path,
            f"模板版本「{version}」不受支持（本工具读取版本 {TEMPLATE_VERSION}）；"
            "请用生成该模板的 nianbao 版本读取，或将数据重新填入新模板",
            META_SHEET,
            cell,
        )
    overrides = _json(path, meta, META_OVERRIDES, [], list)
    extra = _json(path, meta, META_EXTRA, {}, dict)
    if not all(isinstance(p, str) for p in overrides):
        raise ReadError(path, "隐藏工作表内容已损坏；请将数据重新填入新模板", META_SHEET, meta[META_OVERRIDES][1])
    return form, overrides, extra


def _json(path: Path, meta: dict[str, tuple[Any, str]], key: str, default: Any, kind: type) -> Any:
    if key not in meta or meta[key][0] in (None, ""):
        return default
    raw, cell = meta[key]
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if not isinstance(value, kind):
        raise ReadError(path, "隐藏工作表内容已损坏；请将数据重新填入新模板", META_SHEET, cell)
    return value


def _check_labels(path: Path, sheet: _SheetPlan, cells: Cells) -> None:
    get = cells.get
    if list(map(get, sheet.label_keys)) == sheet.label_texts:
        return  # every label exactly as written (the common case, compared in one go)
    for key, text, address in sheet.labels:
        actual = get(key)
        if actual != text and not (isinstance(actual, str) and actual.strip() == text):
            shown = "空白" if actual in (None, "") else clean_label(actual)
            raise ReadError(path, ALTERED.format(text=text, actual=shown), sheet.name, address)


def _cover_value(slot: _Slot, raw: Any) -> tuple[Any, Finding | None]:
    """A cover field's value (None when blank) and a CELL note when it was converted."""
    if raw is None or raw == "" or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if slot.pointer == YEAR_POINTER:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return normal_number(raw), None
        if isinstance(raw, str):
            text = raw.strip().removesuffix("年度").removesuffix("年")
            out = clean(text)
            if type(out.value) is int:
                return out.value, finding(Code.CELL, f"报告年度：单元格内容「{raw}」按 {out.value} 读取", slot.pointer)
            return raw, None
        return clean_label(raw), None
    if isinstance(raw, str):
        return raw, None
    return clean_label(raw), None


def read_workbook(path: str | os.PathLike[str], *, container: Any = None, fast: bool = True) -> Loaded:
    """Read a filled template (any form) into a report document, where each value sits, and
    what the reader noticed. Raises :class:`ReadError` for a file that is not an intact
    template. The file's container is checked first (:func:`nianbao.io.safety.open_container`)
    unless the caller passes what that check returned.

    An .xlsx/.xlsm the quick container check vouched for is read from the parts it already
    inflated (:mod:`nianbao.io.ooxml`); anything that reader does not vouch for, and every
    other format, is read with python-calamine (always, with ``fast=False``: the tests and
    benchmarks hold the two to the same result)."""
    p = path if isinstance(path, Path) else Path(path)
    if container is None:
        container = safety.open_container(p)  # (looked up here: tests count the calls)
    if fast and container.parts is not None:
        try:
            return read_parsed(p, ooxml.Workbook(container.parts))
        except ReadError:
            raise
        except Exception:  # noqa: BLE001, S110 - Unsupported (or a flaw of the fast reader, which
            pass  # scripts/fuzz_reader.py would report): python-calamine reads the file
    safety.ready_for_calamine(p, container)
    try:
        with panic_messages_hidden():  # a Rust panic's report stays off the terminal
            source = CalamineSource(p)
            try:
                return read_parsed(p, source)
            finally:
                source.close()
    except BaseException as e:  # pyo3's PanicException is no Exception
        if is_panic(e):
            explain(p)
        raise


def read_parsed(p: Path, wb: SheetSource | Any) -> Loaded:
    """The report in a parsed workbook: a :class:`~nianbao.io.sheets.SheetSource` (the fast
    path's :class:`nianbao.io.ooxml.Workbook`, python-calamine's
    :class:`~nianbao.io.calamine_sheets.CalamineSource`), or anything with ``sheet_names``
    and ``get_sheet_by_name(name).to_python()`` (the add-in's grids read from the open
    workbook — :mod:`nianbao.excel.grids`). ``p`` names it in messages."""
    if not hasattr(wb, "cells"):
        wb = GridSource(p, wb)
    names = list(wb.sheet_names)
    form, overrides, extra = _meta(p, wb, names)
    plan = _plan(form)
    m = layout(form).model
    grids: dict[str, Cells] = {}
    for sheet in plan.sheets:
        if sheet.name not in names:
            present = "、".join(n for n in names if n != META_SHEET) or "无"
            raise ReadError(
                p, f"缺少工作表「{sheet.name}」（被删除或改名；现有工作表：{present}）；请将数据重新填入新模板"
            )
        cells = wb.cells(sheet.name)
        _check_labels(p, sheet, cells)
        grids[sheet.name] = cells

    findings: list[Finding] = []
    document: dict[str, Any] = {"form": form}
    agency: dict[str, Any] = {}
    meta: dict[str, Any] = {}

    # Cover first: the unit of 采购总金额 decides which units an amount may carry.
    cover = next(s for s in plan.sheets if s.name == COVER_SHEET)
    cells = grids[COVER_SHEET]
    for slot in cover.slots:
        value, note = _cover_value(slot, cells.get(slot.key))
        if note is not None:
            findings.append(note)
        if value is None:
            continue
        part, _, key = slot.pointer[1:].partition("/")
        if part == "agency":
            agency[key] = value
        elif part == "meta":
            meta[key] = value
        else:
            document[part] = value
    unit = meta.get(PROCUREMENT_UNIT_KEY) or DEFAULT_PROCUREMENT_UNIT
    contexts = {kind: Context(kind) for kind in (COUNT, CHANGE)}
    contexts[AMOUNT] = Context(AMOUNT, unit)

    values: list[Any] = [None] * len(m.cells)
    cached: dict[int, Any] = {}
    keep = frozenset(m.by_pointer[ptr].index for ptr in overrides if ptr in m.by_pointer)
    empty: list[_Slot] = []
    for sheet in plan.sheets:
        if sheet.name == COVER_SHEET:
            continue
        get = grids[sheet.name].get
        for slot in sheet.slots:
            raw = get(slot.key)
            index = slot.index
            assert index is not None and slot.kind is not None
            if slot.computed and index not in keep:
                cached[index] = raw
                continue
            if type(raw) is int:  # the common case: a whole number (nianbao.io.ooxml gives it so)
                values[index] = raw
                continue
            if type(raw) is float and raw.is_integer() and -EXACT_LIMIT < raw < EXACT_LIMIT:
                values[index] = int(raw)  # the same from python-calamine, which gives floats
                continue
            if raw == "" or raw is None:
                empty.append(slot)
                continue
            out = clean(raw, contexts[slot.kind])
            values[index] = out.value
            if out.note:
                label = m.cells[index].label
                findings.append(finding(Code.CELL, f"{label}：{out.note}", slot.pointer))

    if empty:  # blank, or what python-calamine shows as empty: a formula error, no result
        wanted: dict[str, set[str]] = {}
        for slot in empty:
            wanted.setdefault(slot.sheet, set()).add(slot.address)
        found = wb.hidden(wanted)
        for slot in empty:
            what = found.get((slot.sheet, slot.address))
            assert slot.index is not None
            if what is None:
                continue
            if what[0] == ERROR:
                values[slot.index] = what[1]  # kept as text: the validator reports it here
            else:
                findings.append(
                    finding(
                        Code.CACHE,
                        f"{m.cells[slot.index].label}：单元格中的公式「={what[1]}」没有保存计算结果，按未填写读取",
                        slot.pointer,
                    )
                )

    values = recompute(m, values, keep)
    for index, raw in cached.items():
        got, want = raw, values[index]
        if type(got) is int and got == want:
            continue  # the common case: the saved total is right
        if type(got) in (int, float) and type(want) in (int, float) and normal_number(got) != want:
            cell = m.cells[index]
            findings.append(
                finding(
                    Code.CACHE,
                    f"{cell.label}：文件中保存的计算结果为 {clean_label(got)}，"
                    f"按所填数字应为 {clean_label(want)}，已按后者读取",
                    cell.pointer,
                )
            )

    for part, node in (("agency", agency), ("meta", meta)):
        more = extra.get(part)
        if isinstance(more, dict):
            for k, v in more.items():
                node.setdefault(k, v)
    document["agency"] = agency
    document.update(m.document(values))
    meta[VERSION_KEY] = TEMPLATE_VERSION
    meta[SOURCE_KEY] = p.name
    document["meta"] = meta
    return Loaded(document, plan.where, tuple(findings), tuple(values))


@reader(*SUFFIXES)
def _registered(path: Path, container: Any) -> Loaded:
    # nianbao.io.readers.read runs the container check on every non-JSON file before it calls
    # a reader (tests/test_workbook.py checks that it happens exactly once).
    return read_workbook(path, container=container)


__all__ = ["SUFFIXES", "read_parsed", "read_workbook"]
