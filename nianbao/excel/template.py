"""Writing the locked Excel template of a form, blank or filled with a report.

Every label, input cell, computed total and live check is placed where
:func:`nianbao.core.layout.layout` says; this module only decides how things look and behave in
Excel (styles, formulas, data validation, protection, printing). Nothing here knows the
rules beyond what the layout's checks carry.

The written workbook:

* input cells are unlocked and shaded light yellow, with data validation (whole numbers
  ≥ 0; 本年增/减 any whole number; amounts ≥ 0 to the 分: at most 6 decimals in 万元, 2 in 元) and Chinese
  input and error messages;
* totals that are the plain sum of other cells are ``=IF(COUNT(...)=0,"",SUM(...))``
  formulas (locked); a report whose total disagrees with its parts keeps its own number
  there, recorded in the hidden sheet as an *override* so the reader takes it as typed;
* each identity that needs a human decision (I1 above all) has a ✓/✗ (⚠ for warnings)
  formula beside the table, and conditional formatting paints the cells involved when it
  fails — plain formulas, so it works in Excel, WPS and LibreOffice alike;
* every sheet is protected without a password (formatting cells stays allowed, so the
  add-in can mark cells) and so is the workbook structure;
* every input and computed cell has a workbook defined name derived from its JSON pointer
  (``nb.applications.new.natural``);
* the hidden sheet :data:`nianbao.core.layout.META_SHEET` records the form, the template
  version, overrides and report data the sheets have no cell for.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from ..core.cleaning import EXACT_INT
from ..core.cleaning import overrides as computed_overrides
from ..core.forms import (
    AMOUNT,
    AMOUNT_DECIMALS,
    CHANGE,
    DEFAULT_PROCUREMENT_UNIT,
    ERROR,
    FILLED_DATE_POINTER,
    FORMS,
    PROCUREMENT_UNITS,
    PROVENANCE_KEYS,
    REPORT_TITLE,
    UNIT_DECIMALS,
    YEAR_POINTER,
    YUAN,
    YUAN_DECIMALS,
    Form,
    agency_pointer,
)
from ..core.layout import (
    COVER_SHEET,
    FIELD,
    HEADER,
    META_EXTRA,
    META_FORM,
    META_KEYS,
    META_OVERRIDES,
    META_SHEET,
    META_VERSION,
    NOTE,
    PROCUREMENT_UNIT_FIELD,
    ROW,
    TEMPLATE_VERSION,
    TITLE,
    CheckCell,
    Layout,
    SheetLayout,
    cell_index,
    col_letter,
    layout,
    meta_cell,
    meta_key_cell,
    position,
    quoted_sheet,
    ranges,
    sum_formula,
)
from ..core.model import FormModel
from ..core.sanitize import json_text, looks_like_formula, unsurrogated
from ..io.atomic import check_output, write_bytes

# Fixed timestamps: regenerating a template gives the same bytes.
FIXED_TIME = _dt.datetime(2019, 1, 1, 0, 0, 0)
CREATOR = "nianbao"


# Check marks.
PASS, FAIL, WARN = "✓", "✗", "⚠"

# Sheets wider than this (in column-width units) print landscape: 表三 and 表四 do.
PORTRAIT_WIDTH = 100


class TemplateError(Exception):
    """A template that cannot be written. ``str(error)`` is the Chinese message."""


# ---------------------------------------------------------------------------------------
# Styles

FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: type here
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")  # light grey: formula
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
# Conditional formatting (differential formats) takes a solid fill's colour from bgColor in
# Excel and from fgColor elsewhere: both are set.
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
WARN_FILL = PatternFill("solid", fgColor="FFE699", bgColor="FFE699")

ROLE_FONT = {
    TITLE: Font(name=FONT_NAME, size=14, bold=True),
    HEADER: Font(name=FONT_NAME, size=11, bold=True),
    ROW: Font(name=FONT_NAME, size=11),
    NOTE: Font(name=FONT_NAME, size=10),
    FIELD: Font(name=FONT_NAME, size=11, bold=True),
}
ROLE_ALIGN = {
    TITLE: Alignment(horizontal="center", vertical="center", wrap_text=True),
    HEADER: Alignment(horizontal="center", vertical="center", wrap_text=True),
    ROW: Alignment(horizontal="left", vertical="center", wrap_text=True),
    NOTE: Alignment(horizontal="left", vertical="center", wrap_text=True),
    FIELD: Alignment(horizontal="left", vertical="center", wrap_text=True),
}
VALUE_FONT = Font(name=FONT_NAME, size=11)
CHECK_FONT = Font(name=FONT_NAME, size=12, bold=True)
CENTER = Alignment(horizontal="center", vertical="center")
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LINE_HEIGHT = 15.0  # points per line of 11 pt text

# Number formats of the cover's inputs.
TEXT_FORMAT = "@"
COVER_FORMATS = {YEAR_POINTER: "0", FILLED_DATE_POINTER: "yyyy-mm-dd"}


# ---------------------------------------------------------------------------------------
# Names


_NAME_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")


def defined_name(pointer: str) -> str:
    """The workbook name of the cell at a JSON pointer: ``/applications/new/natural`` ->
    ``nb.applications.new.natural``."""
    name = "nb" + pointer.replace("/", ".")
    if not _NAME_OK.match(name) or _LOOKS_LIKE_CELL.match(name) or len(name) > 255:
        raise ValueError(f"not a valid Excel name: {name!r}")
    return name


def _absolute(address: str) -> str:
    row, col = cell_index(address)
    return f"${col_letter(col + 1)}${row + 1}"


# ---------------------------------------------------------------------------------------
# Formulas, built from layout addresses


def _in_order(addresses: Iterable[str]) -> list[str]:
    """Distinct addresses row by row, left to right."""
    return sorted(set(addresses), key=cell_index)


def _side(terms: list[tuple[int, str]]) -> str:
    if not terms:
        return "0"
    text = ""
    for n, (sign, a) in enumerate(terms):
        text += ("-" if sign < 0 else ("+" if n else "")) + a
    return text


def check_formula(check: CheckCell, where: dict[int, str]) -> str:
    """✓ when the identity holds, ✗ (⚠ for a warning) when not, blank while a cell involved
    is still empty."""
    c = check.check
    lhs = _side([(t.sign, where[t.index]) for t in c.lhs])
    rhs = _side([(t.sign, where[t.index]) for t in c.rhs])
    cells = ",".join(ranges(_in_order(check.cells)))
    n = len(set(check.cells))
    bad = FAIL if c.severity == ERROR else WARN
    cond = f"ROUND(({lhs})-({rhs}),{AMOUNT_DECIMALS})" + ("=0" if c.op == "=" else ">=0")
    return f'=IF(COUNT({cells})<{n},"",IF({cond},"{PASS}","{bad}"))'


# ---------------------------------------------------------------------------------------
# Data validation


def _validation(kind: str, unit: str | None = None) -> DataValidation:
    if kind == CHANGE:
        dv = DataValidation(type="whole", operator="between", formula1="-999999999", formula2="999999999")
        dv.promptTitle, dv.prompt = "本年增/减", "请填写整数，减少时填负数（如 -3）；没有变化的填 0。"
        dv.errorTitle, dv.error = "应为整数", "本年增/减应为整数，可以为负数。"
    elif kind == AMOUNT:
        dv = DataValidation(type="custom")
        places = ("、".join(f"以{u}为单位最多 {n} 位小数" for u, n in UNIT_DECIMALS.items()) if unit
                  else f"最多 {AMOUNT_DECIMALS} 位小数")
        dv.promptTitle, dv.prompt = "金额", f"请填写不小于 0 的金额（精确到分），{places}；没有的填 0。"
        dv.errorTitle, dv.error = "金额有误", f"金额应为不小于 0 的数字，{places}。"
    else:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        dv.promptTitle, dv.prompt = "件数", "请填写不小于 0 的整数；没有的填 0，不要留空。"
        dv.errorTitle, dv.error = "应为整数", "件数、数量应为不小于 0 的整数。"
    dv.allow_blank = True
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    return dv


def _amount_formula(address: str, unit: str | None = None) -> str:
    """Data validation of an amount: a number, not below 0, to the 分 (``unit``: the cell where
    the report says the amount's unit, when the form prints none)."""
    places = f'IF({unit}="{YUAN}",{YUAN_DECIMALS},{AMOUNT_DECIMALS})' if unit else str(AMOUNT_DECIMALS)
    return f"AND(ISNUMBER({address}),{address}>=0,ROUND({address},{places})={address})"


# ---------------------------------------------------------------------------------------
# The workbook


def _text_width(text: str) -> int:
    """Display width in Excel column units: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _style_range(ws: Any, ref: str, *, font: Font | None = None, fill: PatternFill | None = None,
                 alignment: Alignment | None = None, border: Border | None = None) -> None:
    for row in ws[ref] if ":" in ref else ((ws[ref],),):
        for cell in row:
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if alignment is not None:
                cell.alignment = alignment
            if border is not None:
                cell.border = border


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """"B3:D5" -> (3, 2, 5, 4): the one-based (row, col) of its top-left and bottom-right."""
    a, _, b = ref.partition(":")
    return *position(a), *position(b or a)


def _write_labels(ws: Any, s: SheetLayout, form: Form) -> None:
    printed_notes = {t.note for t in form.tables if t.note}  # part of the table, boxed like it
    heights: dict[int, float] = {}
    for label in s.labels:
        ws[label.anchor] = label.text
        if ":" in label.ref:
            ws.merge_cells(label.ref)
        bordered = label.role in (HEADER, ROW, FIELD) or label.text in printed_notes
        _style_range(
            ws, label.ref, font=ROLE_FONT[label.role], alignment=ROLE_ALIGN[label.role],
            fill=HEADER_FILL if label.role == HEADER else None, border=BORDER if bordered else None,
        )
        # Row heights so wrapped labels print whole (a label over several rows shares them).
        r1, c1, r2, c2 = _bounds(label.ref)
        width = sum(s.widths.get(col_letter(c), 9) for c in range(c1, c2 + 1))
        lines = math.ceil(_text_width(label.text) / max(width - 1.5, 1))
        points = lines * (LINE_HEIGHT + (5 if label.role == TITLE else 0))
        per_row = points / (r2 - r1 + 1)
        for r in range(r1, r2 + 1):
            heights[r] = max(heights.get(r, LINE_HEIGHT), per_row)
    for r, h in heights.items():
        if h > LINE_HEIGHT:
            ws.row_dimensions[r].height = round(h, 1)


def _value(v: Any) -> Any:
    """A document value as it goes into a cell."""
    if v is None:
        return None
    if isinstance(v, bool):
        return json.dumps(v)
    if isinstance(v, int):
        # beyond 2**53 a workbook's number (a double) cannot hold it: kept exactly as text,
        # which the reader takes back as the same number
        return v if -EXACT_INT <= v <= EXACT_INT else str(v)
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    if not isinstance(v, str):
        v = json_text(v, indent=None)
    # Control characters cannot be stored in a workbook, nor surrogates in its XML.
    return ILLEGAL_CHARACTERS_RE.sub("", unsurrogated(v))


def _put(cell: Any, v: Any) -> None:
    """A document value into a cell; text stays text (openpyxl would take "#REF!" for an
    error value)."""
    cell.value = _value(v)
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            # Stored as text with Excel's quote prefix: shown and kept as typed, never a
            # formula, not even after the clerk edits the cell.
            cell.quotePrefix = True


def _get(document: Any, pointer: str) -> Any:
    node = document
    for key in pointer.strip("/").split("/"):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _extra(document: dict[str, Any], lay: Layout) -> dict[str, Any]:
    """Agency and meta data the sheets have no cell for, kept in the hidden sheet."""
    placed = {p for s in lay.sheets for p in s.inputs}
    out: dict[str, Any] = {}
    for part in ("agency", "meta"):
        node = document.get(part)
        if isinstance(node, dict):
            rest = {
                k: v for k, v in node.items()
                if f"/{part}/{k}" not in placed and not (part == "meta" and k in PROVENANCE_KEYS)
            }
            if rest:
                out[part] = rest
    return out


def build_workbook(form: str | Form, document: dict[str, Any] | None = None, *, year: int | None = None,
                   agency: str | None = None) -> Workbook:
    """The template of a form as an openpyxl workbook (not saved)."""
    key = form.key if isinstance(form, Form) else str(form)
    if key not in FORMS:
        raise TemplateError(f"表式「{key}」无法识别，应为 " + " 或 ".join(f'"{k}"' for k in sorted(FORMS)))
    if document is not None and not isinstance(document, dict):
        raise TemplateError("报告应为一个 JSON 对象")
    if document is not None and document.get("form") not in (None, key):
        raise TemplateError(f"报告的表式为「{document.get('form')}」，与模板表式 {key} 不符")
    lay = layout(key)
    m = lay.model
    where = {m.by_pointer[p].index: a for p, (_, a) in lay.where.items() if p in m.by_pointer}

    values: dict[str, Any] = {}
    overrides: list[str] = []
    if document is not None:
        raw = m.values(document)
        for cell in m.cells:
            values[cell.pointer] = raw[cell.index]
        kept = computed_overrides(m, raw)
        overrides = [m.cells[index].pointer for index in sorted(kept)]
        for ptr in lay.sheet(COVER_SHEET).inputs:
            values[ptr] = _get(document, ptr)
    if year is not None:
        values[YEAR_POINTER] = year
    if agency is not None:
        values[agency_pointer("name")] = agency
    if document is None:
        values.setdefault(PROCUREMENT_UNIT_FIELD[0], DEFAULT_PROCUREMENT_UNIT)

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.title = f"{REPORT_TITLE}（{FORMS[key].document}表式）"

    for s in lay.sheets:
        ws = wb.create_sheet(s.name)
        _write_sheet(ws, s, lay, m, where, values, set(overrides))
        for ptr, a in {**s.inputs, **s.computed}.items():
            name = defined_name(ptr)
            wb.defined_names[name] = DefinedName(name, attr_text=f"{quoted_sheet(s.name)}!{_absolute(a)}")

    meta = wb.create_sheet(META_SHEET)
    meta_values = {
        META_FORM: key,
        META_VERSION: TEMPLATE_VERSION,
        META_OVERRIDES: json.dumps(overrides, ensure_ascii=False),
        META_EXTRA: json_text(_extra(document, lay) if document else {}, indent=None, sort_keys=True),
    }
    for k in META_KEYS:  # each key beside its value, both as text
        for address, value in ((meta_key_cell(k), k), (meta_cell(k), meta_values[k])):
            meta[address] = value
            meta[address].data_type = "s"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def _write_sheet(ws: Any, s: SheetLayout, lay: Layout, m: FormModel, where: dict[int, str],
                 values: dict[str, Any], overrides: set[str]) -> None:
    for col, width in s.widths.items():
        ws.column_dimensions[col].width = width
    _write_labels(ws, s, lay.form)

    # Inputs: unlocked, shaded, validated.
    validations: dict[str, DataValidation] = {}
    unit_where = lay.where.get(PROCUREMENT_UNIT_FIELD[0])  # the unit of an amount the form prints none for
    unit_at = f"{quoted_sheet(unit_where[0])}!{_absolute(unit_where[1])}" if unit_where else None
    for ptr, a in s.inputs.items():
        cell = ws[a]
        _put(cell, values.get(ptr))
        cell.protection = Protection(locked=False)
        cell.fill = INPUT_FILL
        cell.border = BORDER
        cell.font = VALUE_FONT
        if ptr in m.by_pointer:
            kind = m.by_pointer[ptr].kind
            cell.alignment = CENTER
            cell.number_format = "0" if kind != AMOUNT else "0." + "#" * AMOUNT_DECIMALS
            if kind == AMOUNT:
                unit = unit_at if m.by_pointer[ptr].index in m.unit_cells else None
                dv = _validation(AMOUNT, unit)
                dv.formula1 = _amount_formula(a, unit)
                ws.add_data_validation(dv)
                dv.add(a)
            else:
                dv = validations.get(kind)
                if dv is None:
                    dv = validations[kind] = _validation(kind)
                    ws.add_data_validation(dv)
                dv.add(a)
        else:
            cell.alignment = LEFT
            cell.number_format = COVER_FORMATS.get(ptr, TEXT_FORMAT)
    if s.name == COVER_SHEET:
        _cover_validations(ws, s, lay.form)

    # Computed totals: locked formulas (or the report's own number, see overrides).
    for ptr, a in s.computed.items():
        cell = ws[a]
        if ptr in overrides:
            _put(cell, values.get(ptr))
        else:
            cell.value = lay.total_formula(ptr)
        cell.fill = COMPUTED_FILL
        cell.border = BORDER
        cell.font = VALUE_FONT
        cell.alignment = CENTER
        cell.number_format = "0"

    # Live checks and the formatting of the cells they involve.
    for check in s.checks:
        cell = ws[check.address]
        cell.value = check_formula(check, where)
        cell.font = CHECK_FONT
        cell.alignment = CENTER
        ref = _absolute(check.address)
        bad, fill = (FAIL, ERROR_FILL) if check.check.severity == ERROR else (WARN, WARN_FILL)
        explanation = _check_explanation(check, bad)
        ws.add_data_validation(explanation)
        explanation.add(check.address)
        targets = " ".join(ranges(_in_order(check.cells)))
        ws.conditional_formatting.add(targets, FormulaRule(formula=[f'{ref}="{bad}"'], fill=fill))
        for mark, color in ((bad, "C00000"), (PASS, "008000")):
            ws.conditional_formatting.add(
                check.address, FormulaRule(formula=[f'{ref}="{mark}"'], font=Font(color=color, bold=True))
            )

    # Protection, printing, panes.
    ws.protection.sheet = True
    ws.protection.formatCells = False  # allowed: the add-in marks cells
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(s.widths.values()) > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_area = s.print_area
    if s.freeze:
        ws.freeze_panes = s.freeze
        header_rows = cell_index(s.freeze)[0]
        if header_rows >= 1:
            ws.print_title_rows = f"1:{header_rows}"


def _check_explanation(check: CheckCell, bad: str) -> DataValidation:
    """What a ✓/✗ beside the table checks, shown when the cell is selected (an input message:
    cell comments are left to the annotator)."""
    ident = check.check.identity
    meaning = "不符，须改正" if bad == FAIL else "请核对"
    dv = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=False)
    dv.promptTitle = f"勾稽关系核对（{ident.rule}）"
    dv.prompt = (f"{check.check.context}：{ident.title}。"
                 f"{PASS} 相符；{bad} {meaning}；空白表示相关单元格尚未填齐。")[:255]
    return dv


def _field_labels(s: SheetLayout) -> dict[str, str]:
    """Cover input pointer -> the label printed left of it in the same row."""
    by_row = {cell_index(lb.anchor)[0]: lb.text for lb in s.labels if lb.role == FIELD}
    return {ptr: by_row.get(cell_index(a)[0], "") for ptr, a in s.inputs.items()}


def _excel_serial(day: _dt.date) -> int:
    return (day - _dt.date(1899, 12, 30)).days


def _cover_validations(ws: Any, s: SheetLayout, form: Form) -> None:
    first, last = form.years
    earliest = min(f.years[0] for f in FORMS.values())
    span = f"{first} 年度" + (f"至 {last} 年度" if last else "起")
    units = "、".join(PROCUREMENT_UNITS)
    specs: dict[str, tuple[DataValidation, str, str]] = {
        YEAR_POINTER: (
            DataValidation(type="whole", operator="between", formula1=str(first), formula2=str(last or 2100)),
            f"请填写报告年度（本表式适用于 {span}）。",
            f"本表式（{form.document}）适用于 {span}。",
        ),
        agency_pointer("uscc"): (
            DataValidation(type="textLength", operator="equal", formula1="18"),
            "请填写 18 位代码（末位为校验码，GB 32100-2015）。",
            "应为 18 位。",
        ),
        agency_pointer("region_code"): (
            DataValidation(type="textLength", operator="equal", formula1="6"),
            "请填写 6 位数字代码（如 230183）。",
            "应为 6 位数字。",
        ),
        agency_pointer("name"): (
            DataValidation(type="textLength", operator="greaterThan", formula1="0"),
            "请填写报告单位的全称。",
            "请填写单位全称。",
        ),
        FILLED_DATE_POINTER: (
            DataValidation(type="date", operator="greaterThanOrEqual",
                           formula1=str(_excel_serial(_dt.date(earliest, 1, 1)))),
            "请填写日期，如 2022-01-20。",
            f"请填写 {earliest} 年 1 月 1 日以后的日期。",
        ),
        PROCUREMENT_UNIT_FIELD[0]: (
            DataValidation(type="list", formula1='"' + ",".join(PROCUREMENT_UNITS) + '"'),
            f"请选择采购总金额的单位（{units}）；未选择时按{DEFAULT_PROCUREMENT_UNIT}计。",
            f"请从列表中选择：{units}。",
        ),
    }
    titles = _field_labels(s)
    for ptr, (dv, prompt, error) in specs.items():
        if ptr == PROCUREMENT_UNIT_FIELD[0] and ptr not in s.inputs:
            continue  # form 2021 prints its units; every other field is on every cover
        title = titles[ptr].split("（")[0]
        dv.promptTitle, dv.prompt = title[:32], prompt
        dv.errorTitle, dv.error = f"{title[:28]}有误", error
        dv.allow_blank = True
        dv.showInputMessage = True
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(s.inputs[ptr])


# ---------------------------------------------------------------------------------------
# Saving


FAST_DEFLATE_BYTES = 1 << 20  # parts this large (long lists) get the fastest deflate level


def workbook_bytes(wb: Workbook, edit: Callable[[dict[str, bytes]], None] | None = None) -> bytes:
    """The .xlsx bytes of a workbook, deterministic: fixed document and zip timestamps.
    ``edit`` may change the parts (name -> bytes) before they are zipped for good."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:  # read back at once
        wb.properties.modified = wb.properties.modified or FIXED_TIME
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src:
        parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    if edit is not None:
        edit(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            fixed = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            # a few times faster for long lists, files ~20% larger
            dst.writestr(fixed, data, compresslevel=1 if len(data) > FAST_DEFLATE_BYTES else None)
    return out.getvalue()


def write_workbook(path: str | os.PathLike[str], form: str | Form, document: dict[str, Any] | None = None, *,
                   year: int | None = None, agency: str | None = None,
                   inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Write the locked template of ``form`` to ``path`` — blank, or filled with ``document``
    (a report in the interchange format) — whole or not at all. ``year`` and ``agency``
    (the agency's name) fill the cover. Raises :class:`TemplateError` or
    :class:`nianbao.io.atomic.OutputError` with a Chinese message."""
    target = check_output(path, inputs)
    data = workbook_bytes(build_workbook(form, document, year=year, agency=agency))
    write_bytes(target, data)
    return target


__all__ = [
    "FAIL",
    "PASS",
    "TemplateError",
    "WARN",
    "build_workbook",
    "check_formula",
    "defined_name",
    "sum_formula",
    "workbook_bytes",
    "write_workbook",
]
