"""Every kind of cell content has a defined outcome (nianbao.core.cleaning), case by case."""

from __future__ import annotations

import datetime as dt

import pytest

from nianbao.core.cleaning import ACCEPTED, BLANK, KEPT, NUMBER, TEXT_RULES, Context, clean, clean_label, recompute
from nianbao.core.forms import AMOUNT, CHANGE, COUNT
from nianbao.core.model import model

COUNT_CELL = Context(COUNT)
AMOUNT_CELL = Context(AMOUNT)

# (what the cell holds, the value read, the outcome)
CASES = [
    # clean numbers
    (3.0, 3, NUMBER),
    (0.0, 0, NUMBER),
    (7, 7, NUMBER),
    (12.5, 12.5, NUMBER),  # kept: a count with decimals is the validator's INTEGER error
    (-3.0, -3, NUMBER),  # kept: a negative count is the validator's RANGE error
    (0.1 + 0.2, 0.3, NUMBER),  # Excel's 15 significant digits, not binary noise
    (117186.1234, 117186.1234, NUMBER),
    # blank is never 0
    (None, None, BLANK),
    ("", None, BLANK),
    ("   ", None, BLANK),
    ("\u3000", None, BLANK),  # a full-width space only
    # text that clearly means a number: accepted with a note
    ("0件", 0, ACCEPTED),
    ("12 件", 12, ACCEPTED),
    ("3项", 3, ACCEPTED),
    ("—", 0, ACCEPTED),
    ("——", 0, ACCEPTED),
    ("-", 0, ACCEPTED),
    ("－", 0, ACCEPTED),
    ("无", 0, ACCEPTED),
    ("１２", 12, ACCEPTED),  # full-width digits
    ("1,234", 1234, ACCEPTED),
    ("1，234", 1234, ACCEPTED),  # full-width comma
    (" 3 ", 3, ACCEPTED),  # stray spaces
    ("3", 3, ACCEPTED),  # a number stored as text
    ("-2", -2, ACCEPTED),
    ("2.5", 2.5, ACCEPTED),  # then the validator's INTEGER error in a count cell
    ("1,234件", 1234, ACCEPTED),
    # anything else is kept as text: the validator reports it (TYPE) at its cell
    ("#REF!", "#REF!", KEPT),
    ("#VALUE!", "#VALUE!", KEPT),
    ("#DIV/0!", "#DIV/0!", KEPT),
    ("#N/A", "#N/A", KEPT),
    ("不详", "不详", KEPT),
    ("约20", "约20", KEPT),
    ("5%", "5%", KEPT),
    ("1e5", "1e5", KEPT),
    ("12,34", "12,34", KEPT),  # not a thousands separator
    ("/", "/", KEPT),
    ("5元", "5元", KEPT),  # a unit that is not a count's
    (True, "TRUE", KEPT),
    (False, "FALSE", KEPT),
    (dt.datetime(2021, 3, 4, 0, 0), "2021-03-04", KEPT),
    (dt.date(2021, 3, 4), "2021-03-04", KEPT),
    (dt.time(12, 30), "12:30:00", KEPT),
    (float("nan"), "nan", KEPT),
]


@pytest.mark.parametrize(("raw", "value", "outcome"), CASES, ids=[repr(c[0]) for c in CASES])
def test_every_kind_of_content_has_a_defined_outcome(raw, value, outcome):
    out = clean(raw, COUNT_CELL)
    assert out.outcome == outcome
    assert out.value == value and type(out.value) is type(value)
    # a note exactly when something was converted, and it quotes what the cell held
    assert bool(out.note) == (outcome == ACCEPTED)
    if outcome == ACCEPTED and isinstance(raw, str):
        assert f"「{raw}」" in out.note


def test_notes_say_what_was_done():
    assert "千位分隔符" in clean("1,234").note
    assert "全角" in clean("１２").note
    assert "空格" in clean(" 3 ").note
    assert "单位「件」" in clean("0件").note
    assert "没有" in clean("无").note


def test_huge_numbers_are_taken_with_a_warning():
    out = clean(1e20, COUNT_CELL)
    assert out.outcome == ACCEPTED and out.value == 1e20
    assert "15 位有效数字" in out.note
    assert clean(123456789012345.0).outcome == NUMBER


def test_amount_units_depend_on_the_cell():
    assert clean("5万元", AMOUNT_CELL).value == 5
    assert clean("5万元", Context(AMOUNT, unit="元")).outcome == KEPT  # never mix units
    assert clean("5件", AMOUNT_CELL).outcome == KEPT
    assert clean("3件", Context(CHANGE)).value == 3
    assert clean("0.1234", AMOUNT_CELL).value == 0.1234


def test_rules_are_a_table_of_small_functions():
    names = [name for name, _ in TEXT_RULES]
    assert names[0] == "error"  # errors are never read as numbers
    assert len(names) == len(set(names)) >= 5


def test_cover_text():
    assert clean_label(410500.0) == "410500"
    assert clean_label(13800000000) == "13800000000"
    assert clean_label(dt.datetime(2022, 1, 20, 0, 0)) == "2022-01-20"
    assert clean_label("某某局") == "某某局"


@pytest.mark.parametrize("form", ["2019", "2021"])
def test_recompute_sums_totals_and_never_reads_blank_as_zero(form):
    m = model(form)
    d = m.derived
    new_total = m.by_pointer["/applications/new/total"].index
    grand = m.by_pointer["/applications/outcomes/total/total"].index
    values = [1] * len(m.cells)
    out = recompute(m, values)
    assert out[new_total] == 6  # six applicant columns
    leaves = len(d[m.by_pointer["/applications/outcomes/total/natural"].index].rhs)
    assert out[grand] == 6 * leaves  # the sum of the leaves' totals, themselves recomputed first
    values[m.by_pointer["/applications/new/natural"].index] = None
    out = recompute(m, values)
    assert out[new_total] is None
    values[m.by_pointer["/applications/new/natural"].index] = "abc"
    assert recompute(m, values)[new_total] is None
    kept = recompute(m, values, keep=frozenset({new_total}))
    assert kept[new_total] == 1  # an override is taken as given
