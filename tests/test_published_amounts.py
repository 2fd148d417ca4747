"""Amounts as real reports print them: to the 分 (six decimals in 万元), with the unit written in
the cell (``75394432.52元``): read into the amount and, where the form prints no unit, into
``procurement_amount_unit`` as the template's unit field says it; never a string in a number."""

from __future__ import annotations

from publications import to_text

from nianbao.core.codes import Code
from nianbao.core.forms import PROCUREMENT_UNIT_KEY
from nianbao.core.validate import validate
from nianbao.io.published import read_published


def _with_cell(tmp_path, doc: dict, before: str, after: str):
    text = to_text(doc, "tabs")
    assert text.count(f"\t{before}\t") + text.count(f"\t{before}\n") == 1
    text = text.replace(f"\t{before}\t", f"\t{after}\t").replace(f"\t{before}\n", f"\t{after}\n")
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return read_published(path)


def _doc(report, name: str) -> dict:
    doc = report(name)
    doc.pop("meta", None)
    return doc


def test_an_amount_in_wan_to_the_fen_is_read_as_printed(tmp_path, report):
    doc = _doc(report, "shangzhi-2021")
    doc["active"]["fees"]["amount"] = 24252.311082
    loaded = _with_cell(tmp_path, doc, "24252.311082", "24252.311082")
    assert loaded.document["active"]["fees"]["amount"] == 24252.311082
    assert not [f for f in validate(loaded.document) if f.rule == Code.DECIMALS]


def test_yuan_in_the_cell_of_an_amount_without_a_printed_unit_is_the_reports_unit(tmp_path, report):
    doc = _doc(report, "anyang-2020")
    loaded = _with_cell(tmp_path, doc, "117186", "75394432.52元")
    assert loaded.document["active"]["procurement"]["amount"] == 75394432.52
    assert loaded.document["meta"][PROCUREMENT_UNIT_KEY] == "元"
    (note,) = [f for f in loaded.findings if f.pointer == "/active/procurement/amount"]
    assert note.rule == Code.CELL and "75394432.52元" in note.message
    assert not [f for f in validate(loaded.document) if f.rule in (Code.DECIMALS, Code.TYPE)]


def test_yuan_in_a_column_printed_in_wan_is_converted(tmp_path, report):
    doc = _doc(report, "shangzhi-2021")
    loaded = _with_cell(tmp_path, doc, "1.25", "251000元")
    assert loaded.document["active"]["fees"]["amount"] == 25.1
    assert PROCUREMENT_UNIT_KEY not in loaded.document["meta"]
    (note,) = [f for f in loaded.findings if f.pointer == "/active/fees/amount"]
    assert note.rule == Code.CELL and "25.1 万元" in note.message


def test_yuan_beyond_the_fen_is_refused_at_the_cell(tmp_path, report):
    doc = _doc(report, "anyang-2020")
    loaded = _with_cell(tmp_path, doc, "117186", "75394432.521元")
    assert loaded.document["active"]["procurement"]["amount"] is None
    (f,) = [f for f in loaded.findings if f.pointer == "/active/procurement/amount"]
    assert f.rule == Code.AMBIGUOUS and "75394432.521元" in f.message
