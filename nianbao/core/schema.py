"""The JSON Schemas of the two forms, built from their declarations, and the translation
of schema errors into findings.

The files in ``schemas/`` are exactly :func:`build_schema`'s output (a test keeps them
current): they are the published contract. Checking runs ``jsonschema-rs`` (compiled): a
yes/no for the common case of a valid document, and its errors for one that fails (about a
hundred times faster than the pure-Python ``jsonschema``, which the tests keep as the
reference: both give the same findings). Each error becomes a :class:`SchemaError`, and
error translation is a registry of small functions, one per JSON Schema keyword.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs

from .agency_codes import REGION_PATTERN, USCC_PATTERN
from .cleaning import non_decimal_digits
from .codes import Code
from .findings import Finding, finding
from .forms import (
    AGENCY_FIELDS,
    AMOUNT,
    AMOUNT_DECIMALS,
    CHANGE,
    COUNT,
    DEFAULT_PROCUREMENT_UNIT,
    FILLED_DATE_KEY,
    FILLED_DATE_LABEL,
    FORM_LABEL,
    FORMS,
    KIND_BOUNDS,
    LOCATIONS_KEY,
    LOCATIONS_LABEL,
    MAX_TEXT_LENGTH,
    PROCUREMENT_UNIT_KEY,
    PROCUREMENT_UNIT_LABEL,
    PROCUREMENT_UNITS,
    REPORT_TITLE,
    SOURCE_KEY,
    SOURCE_LABEL,
    SUMMARY_KEY,
    SUMMARY_LABEL,
    SUMMARY_LEVEL_KEY,
    SUMMARY_MEMBERS_KEY,
    TEXT_LENGTHS,
    VERSION_KEY,
    VERSION_LABEL,
    YEAR_LABEL,
    YEAR_POINTER,
    Form,
    Row,
    Table,
    agency_pointer,
)
from .model import model
from .sanitize import brief, without_surrogates

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://nianbao.github.io/schemas/"


def schema_id(form: str) -> str:
    return SCHEMA_BASE + schema_filename(form)


def schema_filename(form: str) -> str:
    return f"report-{form}.schema.json"


_KIND_TYPE = {COUNT: "integer", CHANGE: "integer", AMOUNT: "number"}
_KIND_SCHEMA: dict[str, dict[str, Any]] = {
    kind: {"type": _KIND_TYPE[kind], "minimum": low, "maximum": high} for kind, (low, high) in KIND_BOUNDS.items()
}
_KIND_TEXT = {
    COUNT: f"整数，0 至 {KIND_BOUNDS[COUNT][1]}；未填写为 null",
    CHANGE: f"整数，可以为负数，绝对值不超过 {KIND_BOUNDS[CHANGE][1]}；未填写为 null",
    AMOUNT: f"金额，0 至 {KIND_BOUNDS[AMOUNT][1]}，最多 {AMOUNT_DECIMALS} 位小数；未填写为 null",
}


def _obj(title: str, properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"title": title}
    if description:
        out["description"] = description
    out.update(
        {"type": "object", "required": list(properties), "additionalProperties": False, "properties": properties}
    )
    return out


def build_schema(form_key: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a form, derived from its declaration."""
    form: Form = FORMS[form_key]
    m = model(form)
    cells = {c.path: c for c in m.cells}

    def cell_schema(path: tuple[str, ...]) -> dict[str, Any]:
        c = cells[path]
        desc = f"{c.label}。{_KIND_TEXT[c.kind]}"
        if c.column.description:
            desc += f"。{c.column.description}"
        return {"title": c.column.label, "description": desc, **_KIND_SCHEMA[c.kind]}

    tables: dict[str, Any] = {}
    for table in form.tables:
        props: dict[str, Any] = {}
        if table.key == "active":
            for group in table.groups:
                for row in group.rows:
                    props[row.key] = _obj(
                        row.label,
                        {col.key: cell_schema((table.key, row.key, col.key)) for col in group.columns},
                        group.label,
                    )
        elif table.key == "applications":

            def rows(t: Table, rs: tuple[Row, ...], prefix: tuple[str, ...]) -> dict[str, Any]:
                out = {}
                for r in rs:
                    keys = prefix + (r.key,)
                    if r.is_leaf:
                        inner = {col.key: cell_schema((t.key, *keys, col.key)) for col in t.columns}
                    else:
                        inner = rows(t, r.children, keys)
                    out[r.key] = _obj(r.label, inner, r.description)
                return out

            props = rows(table, table.rows, ())
        else:
            for group in table.groups:
                props[group.key] = _obj(
                    group.title, {col.key: cell_schema((table.key, group.key, col.key)) for col in group.columns}
                )
        tables[table.key] = _obj(table.title, props, table.note)

    first, last = form.years
    year: dict[str, Any] = {"title": YEAR_LABEL, "type": "integer", "minimum": first}
    if last is not None:
        year["maximum"] = last
    year["description"] = f"本表式适用于 {first}" + (f"—{last} 年度" if last else " 年度起") + "的报告"

    agency_props: dict[str, Any] = {}
    for key, label in AGENCY_FIELDS:
        agency_props[key] = {"title": label, "type": "string", "maxLength": TEXT_LENGTHS.get(key, MAX_TEXT_LENGTH)}
    agency_props["name"]["minLength"] = 1
    agency_props["uscc"].update(
        pattern=USCC_PATTERN, description="18 位统一社会信用代码（GB 32100-2015），末位为校验码"
    )
    agency_props["region_code"].update(pattern=REGION_PATTERN, description="6 位行政区划代码（GB/T 2260）")

    text = {"type": "string", "maxLength": MAX_TEXT_LENGTH}
    meta_props: dict[str, Any] = {
        VERSION_KEY: {"title": VERSION_LABEL, **text},
        SOURCE_KEY: {"title": SOURCE_LABEL, **text},
        FILLED_DATE_KEY: {"title": FILLED_DATE_LABEL, **text},
        LOCATIONS_KEY: {
            "title": LOCATIONS_LABEL,
            "description": "从发布稿（网页、Word、PDF、文本）读入时，每个数字在原文中的位置：JSON 指针 → 位置",
            "type": "object",
            "additionalProperties": {"type": "string"},
        },
    }
    meta_props[SUMMARY_KEY] = {
        "title": SUMMARY_LABEL,
        "description": "汇总报告才有：汇总层级的名称与所汇总的单位（单位数，或各单位的列表）",
        "type": "object",
        "properties": {
            SUMMARY_LEVEL_KEY: {"title": "汇总层级", **text},
            SUMMARY_MEMBERS_KEY: {
                "title": "所汇总的单位",
                "oneOf": [{"type": "integer", "minimum": 0}, {"type": "array", "items": {"type": "object"}}],
            },
        },
    }
    if m.unit_cells:
        meta_props[PROCUREMENT_UNIT_KEY] = {
            "title": PROCUREMENT_UNIT_LABEL,
            "description": f"表式未印单位；未注明时为{DEFAULT_PROCUREMENT_UNIT}。不同单位的金额不相加",
            "enum": list(PROCUREMENT_UNITS),
        }

    return {
        "$schema": SCHEMA_DIALECT,
        "$id": schema_id(form.key),
        "title": f"{REPORT_TITLE}（{form.document}表式）",
        "description": (
            f"一份{REPORT_TITLE}的数字部分（表二、表三、表四），{form.document}规定的表式，"
            "用于模板读取、校验与汇总之间的数据交换。本 schema 描述一份填写完整的报告："
            "空白单元格在交换格式中记为 null，不符合本 schema，校验时报告为“未填写”，绝不当作 0。"
        ),
        "type": "object",
        "required": ["form", "year", "agency", *[t.key for t in form.tables]],
        "additionalProperties": False,
        "properties": {
            "$schema": {"title": "本文件所依据的 JSON Schema", "type": "string"},
            "form": {"title": FORM_LABEL, "description": f"表式代号：{form.document}", "const": form.key},
            "year": year,
            "agency": {
                "title": "填报单位",
                "type": "object",
                "required": ["name"],
                "properties": agency_props,
                "additionalProperties": text,
            },
            "meta": {
                "title": "附加信息",
                "description": "可选的元数据：模板版本、来源文件、填报日期等",
                "type": "object",
                "properties": meta_props,
            },
            **tables,
        },
    }


@cache
def schema(form_key: str) -> dict[str, Any]:
    return build_schema(form_key)


@cache
def _fast(form_key: str) -> Any:
    return jsonschema_rs.validator_for(schema(form_key))


@dataclass(frozen=True)
class SchemaError:
    """What a translator reads of one schema error (the names python-jsonschema uses)."""

    validator: str  # the keyword that failed: "type", "required", "minimum", ...
    absolute_path: tuple[str | int, ...]  # where in the document
    instance: Any  # the value there
    validator_value: Any  # the keyword's value in the schema
    schema: dict[str, Any]  # the (sub)schema holding the keyword
    message: str  # in English, for the rare keyword without a translator
    property: str | None = None  # for "required": the property missing


def schema_errors(document: Any, form_key: str) -> Iterator[SchemaError]:
    """The schema errors of a document, from jsonschema-rs."""
    root = schema(form_key)
    for error in _fast(form_key).iter_errors(document):
        *where, keyword = error.schema_path
        node: Any = root
        for step in where:
            node = node[step]
        yield SchemaError(
            validator=keyword,
            absolute_path=tuple(error.instance_path),
            instance=error.instance,
            validator_value=node.get(keyword),
            schema=node,
            message=error.message,
            property=getattr(error.kind, "property", None) if keyword == "required" else None,
        )


# ---------------------------------------------------------------------------------------
# Error translation: one small function per keyword


@cache
def _labels(form_key: str) -> dict[str, str]:
    """Pointer -> label for every named place of a document, cells included."""
    labels: dict[str, str] = {}  # the schema's titles name every place, the cells' labels every cell

    def walk(node: dict[str, Any], pointer: str, trail: str) -> None:
        for key, sub in node.get("properties", {}).items():
            ptr = f"{pointer}/{key}"
            title = sub.get("title", key)
            label = f"{trail} {title}".strip()
            labels.setdefault(ptr, label)
            if sub.get("type") == "object":
                walk(sub, ptr, label if pointer else "")

    walk(schema(form_key), "", "")
    for cell in model(form_key).cells:
        labels[cell.pointer] = cell.label
    for table in FORMS[form_key].tables:
        labels[f"/{table.key}"] = f"{table.sheet}（{table.title}）"
    return labels


def _pointer(path: Any) -> str:
    return "".join(f"/{p}" for p in path)


def _label(form: str, pointer: str) -> str:
    return _labels(form).get(pointer, pointer or "报告")


Translator = Callable[[SchemaError, str], Iterator[Finding]]
KEYWORDS: dict[str, Translator] = {}


def keyword(name: str) -> Callable[[Translator], Translator]:
    def register(fn: Translator) -> Translator:
        KEYWORDS[name] = fn
        return fn

    return register


@keyword("required")
def _required(error: SchemaError, form: str) -> Iterator[Finding]:
    base = _pointer(error.absolute_path)
    missing = [error.property] if error.property is not None else error.validator_value
    for key in missing:
        if isinstance(error.instance, dict) and key not in error.instance:
            ptr = f"{base}/{key}"
            yield finding(Code.MISSING, f"{_label(form, ptr)}：缺少该项（{ptr}）", ptr)


@keyword("additionalProperties")
def _additional(error: SchemaError, form: str) -> Iterator[Finding]:
    base = _pointer(error.absolute_path)
    allowed = error.schema.get("properties", {})
    for key in error.instance:
        if key not in allowed:
            ptr = f"{base}/{key}"
            where = f"{_label(form, base)}：多余的项目「{brief(key)}」（{brief(ptr)}）"
            yield finding(Code.UNKNOWN, f"{where}，不属于{form}年表式", ptr)


@keyword("type")
def _type(error: SchemaError, form: str) -> Iterator[Finding]:
    ptr = _pointer(error.absolute_path)
    if error.instance is None:
        yield finding(Code.BLANK, f"{_label(form, ptr)}：未填写", ptr)
    elif error.validator_value == "integer" and isinstance(error.instance, float):
        yield finding(Code.INTEGER, f"{_label(form, ptr)}：{error.instance!r} 不是整数", ptr)
    elif error.validator_value == "object":
        shown = brief(repr(error.instance))
        yield finding(Code.TEXT, f"{_label(form, ptr)}：应为一组数据（JSON 对象），实为 {shown}", ptr)
    elif error.validator_value == "string":
        yield finding(Code.TEXT, f"{_label(form, ptr)}：应为文本，实为 {brief(repr(error.instance))}", ptr)
    else:
        odd = non_decimal_digits(error.instance) if isinstance(error.instance, str) else ""
        why = f"（「{odd}」是上标、圈码等序号字符，不是数字）" if odd else ""
        yield finding(Code.TYPE, f"{_label(form, ptr)}：「{brief(error.instance)}」不是有效数值{why}", ptr)


def _bound(error: SchemaError, form: str) -> Iterator[Finding]:
    ptr = _pointer(error.absolute_path)
    if ptr == YEAR_POINTER:
        yield finding(
            Code.YEAR,
            f"报告年度 {error.instance} 与表式 {form} 不符：{FORMS[form].document}表式适用于"
            + error.schema.get("description", "").removeprefix("本表式适用于 "),
            ptr,
        )
    else:
        how = "超过上限" if error.validator == "maximum" else "不能小于"
        value = brief(str(error.instance))
        yield finding(Code.RANGE, f"{_label(form, ptr)}：{value} {how} {error.validator_value}", ptr)


KEYWORDS["minimum"] = KEYWORDS["maximum"] = _bound


@keyword("const")
def _const(error: SchemaError, form: str) -> Iterator[Finding]:
    ptr = _pointer(error.absolute_path)
    shown = brief(repr(error.instance))
    yield finding(Code.FORM, f"{_label(form, ptr)}：应为 {error.validator_value!r}，实为 {shown}", ptr)


@keyword("pattern")
def _pattern(error: SchemaError, form: str) -> Iterator[Finding]:
    from .rules import CODES, code_finding

    ptr = _pointer(error.absolute_path)
    for key, (_, _, problem_of) in CODES.items():
        if ptr == agency_pointer(key):
            yield code_finding(key, error.instance, problem_of(error.instance) or "格式不符")
            return
    # no pattern in the schemas but the agency codes' (above)
    yield finding(Code.TEXT, f"{_label(form, ptr)}：格式不符", ptr)  # pragma: no cover


@keyword("minLength")
def _min_length(error: SchemaError, form: str) -> Iterator[Finding]:
    ptr = _pointer(error.absolute_path)
    yield finding(Code.BLANK, f"{_label(form, ptr)}：未填写", ptr)


@keyword("maxLength")
def _max_length(error: SchemaError, form: str) -> Iterator[Finding]:
    ptr = _pointer(error.absolute_path)
    yield finding(
        Code.TEXT,
        f"{_label(form, ptr)}：长 {len(error.instance)} 个字符，超过上限 {error.validator_value} 个字符"
        f"（「{brief(error.instance, 20)}」）",
        ptr,
    )


@keyword("enum")
def _enum(error: SchemaError, form: str) -> Iterator[Finding]:
    ptr = _pointer(error.absolute_path)
    allowed = "、".join(map(str, error.validator_value))
    yield finding(Code.TEXT, f"{_label(form, ptr)}：「{brief(error.instance)}」应为 {allowed} 之一", ptr)


def _fallback(error: SchemaError, form: str) -> Iterator[Finding]:
    ptr = _pointer(error.absolute_path)
    yield finding(Code.TEXT, f"{_label(form, ptr)}：{brief(error.message, 200)}", ptr)


def schema_findings(document: Any, form_key: str) -> list[Finding]:
    """Findings of the form's JSON Schema; empty for a valid document."""
    try:
        if _fast(form_key).is_valid(document):
            return []
        return translate(schema_errors(document, form_key), form_key)
    except UnicodeEncodeError:  # a lone surrogate, which jsonschema-rs cannot take: as its escape
        return schema_findings(without_surrogates(document), form_key)


def translate(errors: Iterable[SchemaError], form_key: str) -> list[Finding]:
    """Findings of schema errors, each once, in order."""
    found = (f for error in errors for f in KEYWORDS.get(error.validator, _fallback)(error, form_key))
    return list(dict.fromkeys(found))
