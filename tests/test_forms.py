"""The form declarations reproduce the official labels exactly, as the national forms print them
(transcribed in tests/data/national-forms.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.core.forms import FORMS, form_for_year
from nianbao.core.model import leaf_rows, model

REFERENCE = Path(__file__).resolve().parent / "data" / "national-forms.md"


def labels(form):
    for table in form.tables:
        yield table.title
        if table.note:
            yield table.note
        if table.column_header:
            yield table.column_header
        for group in table.groups:
            yield group.label
            if group.parent:
                yield group.parent
            if group.row_header:
                yield group.row_header
            for col in group.columns:
                yield col.label
            for row in group.rows:
                yield row.label
        for col in table.columns:
            yield col.label
            if col.parent:
                yield col.parent
        for parents, row in leaf_rows(table.rows):
            yield row.label
            for p in parents:
                yield p.label


@pytest.mark.parametrize("key", FORMS)
def test_every_label_is_printed_in_the_reference(key):
    reference = REFERENCE.read_text(encoding="utf-8")
    missing = [label for label in labels(FORMS[key]) if label not in reference]
    assert missing == []


def test_every_row_of_table_3_in_the_reference_is_declared():
    """The other way round: each row the reference lists under table 3 is a row of some form."""
    text = REFERENCE.read_text(encoding="utf-8")
    block = text[text.index("Rows:"):text.index("### Table 4")]
    printed = [line.split("<-")[0].strip() for line in block.splitlines()[1:] if line.startswith("    ")]
    declared = {label for form in FORMS.values() for label in labels(form)}
    assert len(printed) == 30
    assert [row for row in printed if row not in declared] == []


def test_forms_by_year():
    assert form_for_year(2018) is None
    assert form_for_year(2019).key == form_for_year(2020).key == "2019"
    assert form_for_year(2021).key == form_for_year(2035).key == "2021"


def test_table_3_rows_and_columns():
    m19, m21 = model("2019"), model("2021")
    # 7 applicant columns; 23 leaf rows on form 2019, 25 on form 2021 (（六） split in three).
    assert len([c for c in m19.cells if c.table.key == "applications"]) == 7 * 23
    assert len([c for c in m21.cells if c.table.key == "applications"]) == 7 * 25
    assert len([c for c in m21.cells if c.table.key == "appeals"]) == 15


def test_identities_expand_to_the_expected_number_of_checks():
    for key in FORMS:
        m = model(key)
        rules = [c.rule for c in m.checks]
        assert rules.count("I1") == rules.count("I2") == 7
        assert rules.count("I4") == 3
        assert rules.count("I3") == len({c.path[:-1] for c in m.cells if c.table.key == "applications"})


@pytest.mark.parametrize("key", sorted(FORMS))
def test_a_document_is_built_from_cell_values_cell_by_cell_in_order(key):
    m = model(key)
    values = [f"值{i}" for i in range(len(m.cells))]
    expected: dict = {}
    for cell, value in zip(m.cells, values, strict=True):  # the plain way: each cell set at its path
        node = expected
        for k in cell.path[:-1]:
            node = node.setdefault(k, {})
        node[cell.path[-1]] = value
    built = m.document(values)
    assert built == expected
    assert json.dumps(built, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)  # the same key order
    assert m.values(built) == values
