"""Reading a filled template back into a report document.

The reader trusts nothing but the declaration: it finds the form and template version in
the hidden sheet, checks that every label of :func:`nianbao.core.layout.layout` still sits at
its anchor (a renamed or deleted sheet, an inserted row or column, an edited label is
refused with a :class:`~nianbao.io.readers.ReadError` naming sheet and cell), then reads every
input cell where the layout puts it. Cell contents are cleaned by :mod:`nianbao.core.cleaning`
(blank stays ``None``, never 0; text that clearly means a number is taken with a ``CELL``
warning). Computed totals are recomputed from their inputs, never taken from cached formula
results; a cached result that disagrees is a ``CACHE`` warning at its cell, or, in an
.xlsx/.xlsm whose total no longer holds the template's formula (a number typed over it,
another formula), a ``TOTAL`` error there (:func:`typed_totals`).

An .xlsx/.xlsm that the container check's quick path vouched for is read from the parts that
check already inflated, by :mod:`nianbao.io.xlsx.ooxml` (about half the cost of opening the file
again; see ``scripts/bench_read.py``); whatever that reader is not sure of, and every other
format, is parsed by python-calamine. Both show a formula error (``#REF!``) and a formula
saved without its result alike as an empty cell; for .xlsx/.xlsm, input cells that read as
empty are looked up in the sheet XML so that an error is reported as such (``TYPE``) and a
formula without a result is explained (``CACHE``) instead of passing for a blank. (In .xls
and .ods files both still read as blank.)

The reader of .xlsx, .xlsm, .xls, .ods and .et (:data:`nianbao.io.readers.READERS`).
:func:`read_workbook` runs the container check of :mod:`nianbao.io.container.safety` before
parsing; :func:`nianbao.io.readers.read` has already run it and passes on what it found.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ...core.cleaning import EXACT_LIMIT, Context, clean, clean_label, normal_number, recompute
from ...core.codes import Code
from ...core.findings import Finding, finding
from ...core.forms import (
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
from ...core.layout import (
    COVER_FIELDS,
    COVER_SHEET,
    META_EXTRA,
    META_FORM,
    META_KEYS,
    META_OVERRIDES,
    META_SHEET,
    META_VERSION,
    PROCUREMENT_UNIT_FIELD,
    TEMPLATE_VERSION,
    Layout,
    layout,
    meta_cell,
    meta_key_cell,
)
from ...core.sanitize import brief, printable, unsurrogated
from ..container import safety
from ..container.panics import is_panic, panic_messages_hidden
from ..memory import MEMORY
from ..registry import Loaded, ReadError
from . import SUFFIXES, ooxml
from .calamine_sheets import CalamineSource, explain
from .ooxml import ANY_FORMULA, ANY_VALUE, WORKBOOK, WORKBOOK_RELS
from .sheets import ERROR, Cells, GridSource, SheetSource

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
class _SheetLayout:
    name: str
    labels: tuple[tuple[bytes, str, str], ...]  # (key, text, address)
    slots: tuple[_Slot, ...]

    @cached_property
    def label_keys(self) -> tuple[bytes, ...]:
        return tuple(key for key, _, _ in self.labels)

    @cached_property
    def label_texts(self) -> list[str]:
        return [text for _, text, _ in self.labels]

    @cached_property
    def inputs(self) -> tuple[tuple[bytes, ...], tuple[int, ...], slice | None]:
        """The keys and model indexes of the cells a clerk fills (the table's cells), and
        the slice of the model's values they fill when their indexes run in a row."""
        slots = [s for s in self.slots if not s.computed and s.index is not None]
        indexes = tuple(s.index for s in slots if s.index is not None)
        run = bool(indexes) and indexes == tuple(range(indexes[0], indexes[0] + len(indexes)))
        return tuple(s.key for s in slots), indexes, slice(indexes[0], indexes[-1] + 1) if run else None

    @cached_property
    def totals(self) -> tuple[tuple[bytes, ...], tuple[int, ...]]:
        """The keys and model indexes of the cells the template computes (its totals)."""
        slots = [s for s in self.slots if s.computed and s.index is not None]
        return tuple(s.key for s in slots), tuple(s.index for s in slots if s.index is not None)


@dataclass(frozen=True)
class _FormPlan:
    sheets: tuple[_SheetLayout, ...]
    where: Mapping[str, tuple[str, str]]


@cache
def _plan(form_key: str) -> _FormPlan:
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
        sheets.append(_SheetLayout(s.name, labels, tuple(slots)))
    return _FormPlan(tuple(sheets), MappingProxyType(dict(lay.where)))


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
        problem = f"无法识别模板的表式「{brief(form)}」，应为 {known}；隐藏工作表被改动，请将数据重新填入新模板"
        raise ReadError(path, problem, META_SHEET, cell)
    version, cell = meta.get(META_VERSION, (None, meta_cell(META_VERSION)))
    version = clean_label(version) if version not in (None, "") else ""
    if version != TEMPLATE_VERSION:
        raise ReadError(
            path,
            f"模板版本「{brief(version)}」不受支持（本工具读取版本 {TEMPLATE_VERSION}）；"
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
    except (ValueError, RecursionError):  # (nested deeper than the parser goes)
        value = None
    if not isinstance(value, kind):
        raise ReadError(path, "隐藏工作表内容已损坏；请将数据重新填入新模板", META_SHEET, cell)
    return value


def _check_labels(path: Path, sheet: _SheetLayout, cells: Cells) -> None:
    get = cells.get
    if list(map(get, sheet.label_keys)) == sheet.label_texts:
        return  # every label exactly as written (the common case, compared in one go)
    for key, text, address in sheet.labels:
        actual = get(key)
        if actual != text and not (isinstance(actual, str) and actual.strip() == text):
            shown = "空白" if actual in (None, "") else brief(clean_label(actual))
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
                note = f"报告年度：单元格内容「{brief(raw)}」按 {out.value} 读取"
                return out.value, finding(Code.CELL, note, slot.pointer)
            return raw, None
        return clean_label(raw), None
    if isinstance(raw, str):
        return raw, None
    return clean_label(raw), None


def read_workbook(path: str | os.PathLike[str], *, container: Any = None, fast: bool = True) -> Loaded:
    """Read a filled template (any form) into a report document, where each value sits, and
    what the reader noticed. Raises :class:`ReadError` for a file that is not an intact
    template. The file's container is checked first (:func:`nianbao.io.container.safety.open_container`)
    unless the caller passes what that check returned.

    An .xlsx/.xlsm the quick container check vouched for is read from the parts it already
    inflated (:mod:`nianbao.io.xlsx.ooxml`); anything that reader does not vouch for, and every
    other format, is read with python-calamine (always, with ``fast=False``: the tests and
    benchmarks hold the two to the same result)."""
    p = path if isinstance(path, Path) else Path(path)
    if container is None:
        container = safety.open_container(p)  # (looked up here: tests count the calls)
    if fast and container.parts is not None:
        try:
            return _flagged(p, read_parsed(p, ooxml.Workbook(container.parts)), container.parts)
        except ReadError:
            raise
        except Exception:  # noqa: BLE001, S110 - Unsupported (or a flaw of the fast reader, which
            pass  # scripts/fuzz_reader.py would report): python-calamine reads the file
    safety.ready_for_calamine(p, container)
    try:
        with panic_messages_hidden():  # a Rust panic's report stays off the terminal
            source = CalamineSource(p)
            try:
                return _flagged(p, read_parsed(p, source), _xml_parts(p, container))
            finally:
                source.close()
    except BaseException as e:  # pyo3's PanicException is no Exception
        if is_panic(e):
            explain(p)
        raise


def read_parsed(p: Path, wb: SheetSource | Any) -> Loaded:
    """The report in a parsed workbook: a :class:`~nianbao.io.xlsx.sheets.SheetSource` (the fast
    path's :class:`nianbao.io.xlsx.ooxml.Workbook`, python-calamine's
    :class:`~nianbao.io.xlsx.calamine_sheets.CalamineSource`), or anything with ``sheet_names``
    and ``get_sheet_by_name(name).to_python()`` (the add-in's grids read from the open
    workbook — :mod:`nianbao.io.xlsx.values`). ``p`` names it in messages.

    In named steps: the declaration on the hidden sheet (:func:`_meta`), the template's sheets
    with their labels in place (:func:`_sheets`), the cover (:func:`_read_cover`), the tables'
    cells (:func:`_read_tables`), the cells that read as empty explained (:func:`_explain_empty`),
    the totals recomputed and the saved ones compared (:func:`_check_totals`), the document."""
    if not hasattr(wb, "cells"):
        wb = GridSource(p, wb)
    names = list(wb.sheet_names)
    form, overrides, extra = _meta(p, wb, names)
    plan = _plan(form)
    m = layout(form).model
    grids = _sheets(p, wb, plan, names)
    findings: list[Finding] = []
    document, agency, meta = _read_cover(form, plan, grids, findings)
    keep = frozenset(m.by_pointer[ptr].index for ptr in overrides if ptr in m.by_pointer)
    values, cached, empty = _read_tables(plan, grids, m, keep, meta, findings)
    if empty:
        _explain_empty(wb, m, values, empty, findings)
    values = recompute(m, values, keep)
    _check_totals(m, values, cached, findings)

    for part, node in (("agency", agency), ("meta", meta)):
        more = extra.get(part)
        if isinstance(more, dict):
            for k, v in more.items():
                node.setdefault(k, v)
    document["agency"] = agency
    document.update(m.document(values))
    meta[VERSION_KEY] = TEMPLATE_VERSION
    meta[SOURCE_KEY] = unsurrogated(p.name)  # a name that is not UTF-8 shown escaped (\xff)
    document["meta"] = meta
    return Loaded(document, plan.where, tuple(findings), tuple(values), tuple(names))


def _sheets(p: Path, wb: SheetSource, plan: _FormPlan, names: list[str]) -> dict[str, Cells]:
    """Each of the template's sheets, its labels checked in place."""
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
    return grids


def _read_cover(
    form: str, plan: _FormPlan, grids: dict[str, Cells], findings: list[Finding]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The cover's fields: the document's own (year, ...), the agency's and the meta's."""
    document: dict[str, Any] = {"form": form}
    agency: dict[str, Any] = {}
    meta: dict[str, Any] = {}
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
    return document, agency, meta


def _read_tables(
    plan: _FormPlan, grids: dict[str, Cells], m: Any, keep: frozenset[int], meta: dict[str, Any],
    findings: list[Finding],
) -> tuple[list[Any], dict[int, Any], list[_Slot]]:
    """The tables' cells in the model's order, cleaned; the totals as saved (by index); the
    cells that read as empty. The cover was read first: the unit of 采购总金额 decides which
    units an amount may carry."""
    unit = meta.get(PROCUREMENT_UNIT_KEY) or DEFAULT_PROCUREMENT_UNIT
    contexts = {kind: Context(kind) for kind in (COUNT, CHANGE)}
    contexts[AMOUNT] = Context(AMOUNT, unit)

    values: list[Any] = [None] * len(m.cells)
    cached: dict[int, Any] = {}
    empty: list[_Slot] = []
    for sheet in plan.sheets:
        if sheet.name == COVER_SHEET:
            continue
        get = grids[sheet.name].get
        if not keep and len(sheet.inputs[0]) + len(sheet.totals[0]) == len(sheet.slots):
            # the common case in one go: every cell a whole number, every total as saved
            keys, indexes, run = sheet.inputs
            raws = list(map(get, keys))
            if set(map(type, raws)) <= {int}:
                if run is not None:
                    values[run] = raws
                else:
                    list(map(values.__setitem__, indexes, raws))  # (a loop in C)
                keys, indexes = sheet.totals
                cached.update(zip(indexes, map(get, keys), strict=True))
                continue
        for slot in sheet.slots:
            raw = get(slot.key)
            index = slot.index
            assert index is not None and slot.kind is not None
            if slot.computed and index not in keep:
                cached[index] = raw
                continue
            if type(raw) is int:  # the common case: a whole number (nianbao.io.xlsx.ooxml gives it so)
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
    return values, cached, empty


def _explain_empty(wb: SheetSource, m: Any, values: list[Any], empty: list[_Slot], findings: list[Finding]) -> None:
    """Cells that read as empty: blank, or what python-calamine shows as empty — a formula
    error (kept as text: the validator reports it there) or a formula saved without its result."""
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
                    f"{m.cells[slot.index].label}：单元格中的公式「={brief(what[1])}」没有保存计算结果，按未填写读取",
                    slot.pointer,
                )
            )


def _check_totals(m: Any, values: list[Any], cached: dict[int, Any], findings: list[Finding]) -> None:
    """Each total as saved in the file against the total recomputed from its inputs."""
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


# ---------------------------------------------------------------------------------------
# Formulas in the cells a clerk fills, and external links (.xlsx/.xlsm)

_FORMULA_AT = re.compile(rb"<(?:\w+:)?f[\s>/]")
_PLAIN_FORMULA = re.compile(rb"<f[\s>/]")
_PREFIXED_ROOT = re.compile(rb"(?:<\?[^>]*>\s*)?<\w+:")  # <x:worksheet ...>: every tag may be prefixed
_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
EXTERNAL_LINKS = "xl/externalLinks/"
_TARGET = re.compile(rb'Target="([^"]*)"')


@cache
def _labels(form: str) -> Mapping[str, str]:
    """Pointer -> label of every input cell: the cover's fields and the tables' cells."""
    lay = layout(form)
    out = {ptr: label for ptr, label in (*COVER_FIELDS, PROCUREMENT_UNIT_FIELD)}
    out.update((c.pointer, c.label) for c in lay.model.cells)
    return MappingProxyType(out)


def _sheet_parts(parts: tuple[bytes, bytes]) -> Mapping[str, str]:
    """Sheet name -> part, from the workbook part and its relationships (workbooks made from
    one template share these two parts: remembered in nianbao.io.memory.MEMORY)."""
    return MappingProxyType({name: part for name, part in ooxml.sheet_parts(*parts) if part})


@cache
def _template_formulas(form: str) -> Mapping[str, int]:
    """How many cell formulas the template writes on each sheet: its totals and its checks.
    A sheet holding exactly as many is taken to hold only those (the cells are locked); one
    with more (or fewer, as when a total keeps the report's own number) is looked at cell by
    cell."""
    return MappingProxyType({s.name: len(s.computed) + len(s.checks) for s in layout(form).sheets})


def formula_findings(p: Path, form: str, parts: Mapping[str, bytes]) -> list[Finding]:
    """A FORMULA warning for each input cell of the template holding a formula (a
    ``HYPERLINK`` in the name cell, a reference into another workbook, ...: the reader takes
    its cached result, and the formula would go on into every copy), and a LINK warning for
    each external link the workbook carries. ``parts`` are its XML parts, by name."""
    out: list[Finding] = []
    if WORKBOOK not in parts or WORKBOOK_RELS not in parts:
        return out
    labels = _labels(form)
    where = MEMORY.derived("sheet_parts", _sheet_parts, (parts[WORKBOOK], parts[WORKBOOK_RELS]))
    expected = _template_formulas(form)
    for sheet in _plan(form).sheets:
        xml = parts.get(where.get(sheet.name) or "")
        if not xml:
            continue
        if len(_PLAIN_FORMULA.findall(xml)) == expected[sheet.name] and not _PREFIXED_ROOT.match(xml):
            continue  # the common case: the template's own formulas, as many as it writes
        inputs = {slot.key: slot.pointer for slot in sheet.slots if not slot.computed}
        for m in _FORMULA_AT.finditer(xml):
            start = max(xml.rfind(b"<c ", 0, m.start()), xml.rfind(b":c ", 0, m.start()))
            ref = _REF.search(xml, start, m.start()) if start >= 0 else None
            pointer = inputs.get(ref.group(1)) if ref else None
            if pointer is None:
                continue  # a template's own formula (a total, a check)
            end = xml.find(b"c>", m.start())
            value = ANY_VALUE.search(xml, m.start(), end if end >= 0 else len(xml))
            if not value or not value.group(1) or b't="e"' in xml[start:xml.find(b">", start)]:
                continue  # no result, or an error: said at the cell already (CACHE, TYPE)
            formula = ANY_FORMULA.match(xml, m.start())
            text = ooxml.text(formula.group(1)) if formula and formula.group(1) else ""
            out.append(finding(
                Code.FORMULA,
                f"{labels.get(pointer, pointer)}：单元格中是公式「={brief(printable(text))}」，"
                "不是填写的内容；已按其保存的结果读取",
                pointer,
            ))
    for name in sorted(n for n in parts if n.startswith(EXTERNAL_LINKS) and n.endswith(".xml") and "/_rels/" not in n):
        rels = parts.get(f"{EXTERNAL_LINKS}_rels/{name[len(EXTERNAL_LINKS):]}.rels", b"")
        target = _TARGET.search(rels)
        to = f"，指向「{brief(printable(ooxml.text(target.group(1))))}」" if target else ""
        out.append(finding(Code.LINK, f"{p.name}：工作簿含有外部链接（{name}{to}）；打开时可能访问该文件或网址", None))
    return out


def _xml_parts(p: Path, container: Any) -> Mapping[str, bytes]:
    """The XML parts of an .xlsx/.xlsm that :func:`formula_findings` looks at: the ones the
    container check inflated, or (when it kept none) read again, within the check's limits."""
    if container is not None and container.parts is not None:
        kept: Mapping[str, bytes] = container.parts
        return kept
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        with zipfile.ZipFile(p) as z:
            names = [n for n in z.namelist() if n.endswith((".xml", ".rels")) and (
                n.startswith(("xl/worksheets/", EXTERNAL_LINKS)) or n in (WORKBOOK, WORKBOOK_RELS))]
            parts: dict[str, bytes] = {n: z.read(n) for n in names}
            return parts
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, zlib.error):
        return {}  # the container check refuses such a zip; should one get here, nothing is found


_FORMULA_SPACE = re.compile(r"[\s$]")


def _same_formula(a: str, b: str) -> bool:
    return _FORMULA_SPACE.sub("", a).upper() == _FORMULA_SPACE.sub("", b).upper()


def typed_totals(form: str, loaded: Loaded, parts: Mapping[str, bytes]) -> tuple[Finding, ...]:
    """The findings with each CACHE warning of a total told apart by what its cell holds. A
    total whose saved result disagrees with its parts is, in the sheet's XML: the template's
    own formula (a stale result: recalculating helps, the warning stays), or a number typed
    over it or another formula (recalculating cannot help, and the sheet shows a number the
    report does not hold): an error at that cell, naming both numbers and the fix."""
    findings = loaded.findings
    if loaded.values is None:
        return findings
    lay = layout(form)
    computed = {ptr for s in lay.sheets for ptr in s.computed}
    if not any(f.rule == Code.CACHE and f.pointer in computed for f in findings):
        return findings
    if WORKBOOK not in parts or WORKBOOK_RELS not in parts:
        return findings
    where = MEMORY.derived("sheet_parts", _sheet_parts, (parts[WORKBOOK], parts[WORKBOOK_RELS]))
    m = lay.model
    out = []
    for f in findings:
        if f.rule != Code.CACHE or f.pointer not in computed:
            out.append(f)
            continue
        sheet, address = lay.where[f.pointer]
        xml = parts.get(where.get(sheet) or "", b"")
        cell = re.search(rb'<(?:\w+:)?c\b[^>]*?\br="' + address.encode() + rb'"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)',
                         xml, re.DOTALL)
        body = (cell.group(1) or b"") if cell else None
        formula = ANY_FORMULA.search(body) if body is not None else None
        value = ANY_VALUE.search(body) if body is not None else None
        text = ooxml.text(formula.group(1)) if formula and formula.group(1) else ""
        template = lay.total_formula(f.pointer)
        if body is None or value is None or (formula is not None and (not text or _same_formula(text, template[1:]))):
            out.append(f)  # the template's formula (or one Excel shares from it): a stale result
            continue
        typed = clean_label(normal_number(float(value.group(1)))) if _NUMBER.fullmatch(value.group(1)) else None
        if typed is None:
            out.append(f)
            continue
        index = m.by_pointer[f.pointer].index
        want, label = clean_label(loaded.values[index]), m.cells[index].label
        held = (f"填写的数字 {typed}" if formula is None
                else f"另一公式「={brief(printable(text))}」，其结果为 {typed}")
        out.append(finding(
            Code.TOTAL,
            f"{label}：合计格中是{held}，不是模板的求和公式；各项之和为 {want}，已按各项之和读取。"
            f"请恢复公式：用 nianbao fill 把报告填入新模板，或在该格输入「{template}」",
            f.pointer,
        ))
    return tuple(out)


_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _flagged(p: Path, loaded: Loaded, parts: Mapping[str, bytes]) -> Loaded:
    found = formula_findings(p, loaded.document["form"], parts) if parts else []
    totals = typed_totals(loaded.document["form"], loaded, parts) if parts else loaded.findings
    if totals is not loaded.findings:
        loaded = replace(loaded, findings=totals)
    return replace(loaded, findings=loaded.findings + tuple(found)) if found else loaded


def read_checked(path: Path, container: Any) -> Loaded:
    """The reader of :data:`nianbao.io.readers.READERS`: ``container`` is what the container
    check found."""
    # nianbao.io.readers.read runs the container check on every non-JSON file before it calls
    # a reader (tests/test_workbook.py checks that it happens exactly once).
    return read_workbook(path, container=container)


__all__ = ["SUFFIXES", "read_checked", "read_parsed", "read_workbook", "typed_totals"]
