"""What a cell of a workbook holds, turned into a report value: a defined outcome for every
kind of content.

Real workbooks carry more than clean numbers: ``0件``, ``—``, ``无``, full-width digits
``１２``, thousands separators ``1,234``, stray spaces, numbers stored as text, dates,
booleans, formula errors (``#REF!``). :func:`clean` gives each an outcome:

* **number** — a clean number, taken as is (an integral float such as ``3.0`` becomes ``3``;
  floats are rounded to Excel's 15 significant digits, so ``0.1+0.2`` is ``0.3``);
* **accepted with a note** — text that clearly means a number; the number is taken and the
  note becomes a ``CELL`` warning at the cell, saying what was read;
* **kept** — anything else stays as text (dates as ``YYYY-MM-DD``, booleans as
  ``TRUE``/``FALSE``, errors as ``#REF!``) and the validator reports it at its cell as not
  a number (``TYPE``); numbers that break the cell's kind (decimals in a count, negative
  counts, five decimals in an amount) are kept too and reported by the validator
  (``INTEGER``, ``RANGE``, ``DECIMALS``);
* **blank** — an empty cell, or one holding only spaces, is ``None``, never 0.

The text rules are a table of small functions (:data:`TEXT_RULES`), tried in order; each
returns an outcome or ``None`` to pass. Nothing here knows Excel files: the reader gives
the raw value python-calamine read.

:func:`recompute` gives the value of every computed cell (totals) from its inputs.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from .forms import AMOUNT, COUNT, DEFAULT_PROCUREMENT_UNIT
from .model import FormModel
from .sanitize import brief

# Excel keeps 15 significant digits; a number beyond this many digits is not exact.
SIGNIFICANT = 15
EXACT_LIMIT = 10**SIGNIFICANT
# Every whole number up to this is exactly a double (what a workbook's number cell holds);
# beyond it a template keeps the number as text, so that it reads back unchanged.
EXACT_INT = 2**53

NUMBER = "number"
ACCEPTED = "accepted"
KEPT = "kept"
BLANK = "blank"


@dataclass(frozen=True)
class Cleaned:
    value: Any  # what goes into the report document
    outcome: str  # NUMBER, ACCEPTED, KEPT or BLANK
    note: str = ""  # ACCEPTED: how the text was read (Chinese), for a CELL warning

    @property
    def accepted(self) -> bool:
        return self.outcome == ACCEPTED


def normal_number(x: int | float) -> int | float:
    """Integral floats become ints; other floats are cut to 15 significant digits."""
    if type(x) is float:
        if x.is_integer() and -EXACT_LIMIT < x < EXACT_LIMIT:
            return int(x)
        if x != x or x in (float("inf"), float("-inf")):
            return x
        x = float(f"{x:.{SIGNIFICANT}g}")
        if x.is_integer() and abs(x) < EXACT_LIMIT:
            return int(x)
    return x


def _shown(x: int | float) -> str:
    if isinstance(x, float):
        return format(Decimal(repr(x)).normalize(), "f")
    return str(x)


# ---------------------------------------------------------------------------------------
# Text rules


@dataclass(frozen=True)
class Context:
    kind: str = COUNT  # COUNT, CHANGE or AMOUNT
    unit: str = DEFAULT_PROCUREMENT_UNIT  # unit of an amount cell


TextRule = Callable[[str, str, Context], "Cleaned | None"]
TEXT_RULES: list[tuple[str, TextRule]] = []


def text_rule(name: str) -> Callable[[TextRule], TextRule]:
    def register(fn: TextRule) -> TextRule:
        TEXT_RULES.append((name, fn))
        return fn

    return register


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_ERRORS = (
    "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA",
)
NOTHING = ("无", "—", "——", "-", "--", "－", "–", "―", "─")
COUNT_UNITS = ("件", "个", "项", "次", "宗", "起", "份", "人")


def _parse(text: str) -> int | float:
    d = Decimal(text)
    if d == d.to_integral_value() and "." not in text:
        return int(d)
    return normal_number(float(d))


def _accept(value: int | float, raw: str, why: str) -> Cleaned:
    return Cleaned(value, ACCEPTED, f"单元格内容「{brief(raw)}」按 {brief(_shown(value))} 读取（{why}）")


@text_rule("error")
def _formula_error(text: str, raw: str, ctx: Context) -> Cleaned | None:
    if text.upper() in _ERRORS:
        return Cleaned(text.upper(), KEPT)
    return None


@text_rule("nothing")
def _nothing(text: str, raw: str, ctx: Context) -> Cleaned | None:
    if text in NOTHING:
        return _accept(0, raw, "表示没有")
    return None


@text_rule("number_as_text")
def _number_as_text(text: str, raw: str, ctx: Context) -> Cleaned | None:
    if _NUMBER.match(text):
        return _accept(_parse(text), raw, _why(raw, "以文本形式存储的数字"))
    return None


@text_rule("thousands")
def _thousands(text: str, raw: str, ctx: Context) -> Cleaned | None:
    if _THOUSANDS.match(text):
        return _accept(_parse(text.replace(",", "")), raw, "去掉了千位分隔符")
    return None


@text_rule("unit")
def _unit(text: str, raw: str, ctx: Context) -> Cleaned | None:
    if ctx.kind == AMOUNT:  # 万元 only, and only where the amount is in 万元: never mix units
        units: tuple[str, ...] = (ctx.unit,) if ctx.unit == DEFAULT_PROCUREMENT_UNIT else ()
    else:
        units = COUNT_UNITS
    for unit in units:
        if text.endswith(unit):
            body = text[: -len(unit)].strip()
            if _NUMBER.match(body):
                return _accept(_parse(body), raw, f"去掉了单位「{unit}」")
            if _THOUSANDS.match(body):
                return _accept(_parse(body.replace(",", "")), raw, f"去掉了单位「{unit}」和千位分隔符")
    return None


def _why(raw: str, base: str) -> str:
    extra = []
    if raw.strip() != raw:
        extra.append("去掉了空格")
    if unicodedata.normalize("NFKC", raw.strip()) != raw.strip():
        extra.append("全角字符按半角读取")
    return "，".join([base, *extra])


def _normalize(raw: str) -> str:
    """Full-width forms to ASCII (NFKC), full-width comma and minus included; spaces out."""
    text = unicodedata.normalize("NFKC", raw)
    text = text.replace("，", ",").replace("−", "-").replace("\u3000", " ")
    return text.strip()


def non_decimal_digits(text: str) -> str:
    """The characters of ``text`` that are digits but no decimal digits — the superscript
    ``²``, the circled ``①``, the parenthesised ``⑴`` — or "". (``str.isdigit`` takes them
    for digits, and NFKC would turn ``5²`` into ``52`` and ``3①`` into ``31``: such text is
    never a number.)"""
    if text.isascii():
        return ""
    odd = (c for c in text if unicodedata.digit(c, None) is not None and unicodedata.decimal(c, None) is None)
    return "".join(dict.fromkeys(odd))


def clean_text(raw: str, ctx: Context = Context()) -> Cleaned:
    """The outcome of a text cell in a number column."""
    if non_decimal_digits(raw):
        return Cleaned(raw, KEPT)  # the validator reports it at its cell (TYPE), naming why
    text = _normalize(raw)
    if not text:
        return Cleaned(None, BLANK)
    for _name, rule in TEXT_RULES:
        try:
            out = rule(text, raw, ctx)
        except (InvalidOperation, ValueError):
            out = None
        if out is not None:
            return out
    return Cleaned(raw, KEPT)


# ---------------------------------------------------------------------------------------
# Any cell value


def clean(raw: Any, ctx: Context = Context()) -> Cleaned:
    """The outcome of a cell in a number column, whatever python-calamine read there."""
    if raw is None or raw == "":
        return Cleaned(None, BLANK)
    t = type(raw)
    if t is float and raw.is_integer() and -EXACT_LIMIT < raw < EXACT_LIMIT:
        return Cleaned(int(raw), NUMBER)
    if isinstance(raw, bool):
        return Cleaned("TRUE" if raw else "FALSE", KEPT)
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
            return Cleaned(str(raw), KEPT)
        value = normal_number(raw)
        if abs(value) >= EXACT_LIMIT:
            return Cleaned(
                value, ACCEPTED, f"数值 {_shown(value)} 超过 {SIGNIFICANT} 位有效数字，Excel 无法精确保存，请核对"
            )
        return Cleaned(value, NUMBER)
    if isinstance(raw, (_dt.datetime, _dt.date, _dt.time)):
        text = raw.date().isoformat() if isinstance(raw, _dt.datetime) else raw.isoformat()
        return Cleaned(text, KEPT)
    if isinstance(raw, _dt.timedelta):
        return Cleaned(str(raw), KEPT)
    if isinstance(raw, str):
        return clean_text(raw, ctx)
    return Cleaned(str(raw), KEPT)


def clean_label(raw: Any) -> str:
    """A cover field holding text: numbers typed there (a region code, a phone number) become
    their digits; dates become ``YYYY-MM-DD``."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (int, float)):
        value = normal_number(raw)
        return _shown(value)
    if isinstance(raw, _dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, (_dt.date, _dt.time)):
        return raw.isoformat()
    return str(raw)


# ---------------------------------------------------------------------------------------
# Computed cells


@cache
def _order(m: FormModel) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Computed cells with the cells they sum, each after the computed cells it uses."""
    d = {index: tuple(t.index for t in check.rhs) for index, check in m.derived.items()}
    out: list[tuple[int, tuple[int, ...]]] = []
    seen: set[int] = set()

    def visit(index: int) -> None:
        if index in seen:
            return
        seen.add(index)
        for part in d[index]:
            if part in d:
                visit(part)
        out.append((index, d[index]))

    for index in d:
        visit(index)
    return tuple(out)


def recompute(m: FormModel, values: Sequence[Any], keep: frozenset[int] = frozenset()) -> list[Any]:
    """Every cell value with computed cells (totals, :attr:`nianbao.core.model.FormModel.derived`)
    recomputed from their inputs: the sum when every input is a number, else ``None`` (a
    blank or bad input is reported on its own, never read as 0). Cells in ``keep`` are taken
    as given."""
    out = list(values)
    for index, parts in _order(m):
        if index in keep:
            continue
        total: Any = 0
        for part in parts:
            v = out[part]
            t = type(v)
            if t is not int and t is not float:
                total = None
                break
            total += v
        out[index] = normal_number(total) if type(total) is float else total
    return out


def overrides(m: FormModel, values: Sequence[Any]) -> frozenset[int]:
    """The computed cells whose given value their formula would not reproduce (a report
    whose total disagrees with its parts): they must keep their own number for the report to
    read back as it was. Decided in dependency order, since a total over an overridden cell
    sums the overridden value."""
    given = list(values)
    keep: set[int] = set()
    for index, _parts in _order(m):
        out = recompute(m, given, frozenset(keep))
        v, want = given[index], out[index]
        if not (type(v) is type(want) and v == want):
            keep.add(index)
    return frozenset(keep)


__all__ = [
    "ACCEPTED",
    "BLANK",
    "KEPT",
    "NUMBER",
    "TEXT_RULES",
    "Cleaned",
    "Context",
    "clean",
    "clean_label",
    "clean_text",
    "non_decimal_digits",
    "normal_number",
    "overrides",
    "recompute",
]
