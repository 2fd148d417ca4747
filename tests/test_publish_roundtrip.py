"""Round trip: importing a published document (nianbao.io.published.read_published) gives
back exactly the report it was made from — form, year, agency name and every cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPORTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import consistent_reports

from nianbao.core.forms import AMOUNT
from nianbao.core.model import model
from nianbao.io.published import read_published
from nianbao.publish import publish

# Agency names as agencies are named (the importer reads the name from the title)
names = st.builds(
    lambda place, body: place + body,
    st.sampled_from(["尚志市", "张店区", "阿荣旗", "安阳市", "北京市海淀区"]),
    st.sampled_from(["卫生健康局", "民政局", "医疗保障局", "人民政府办公室", "教育委员会"]),
)


def essence(document: dict[str, Any]) -> tuple[Any, ...]:
    """What a published report states: form, year, agency name, and every cell — a count
    with its type (read back as 3.0 it would not be the 3 it was), an amount (万元) as the
    exact number it is (0 and 0.0, 12 and 12.0 are the same amount in the interchange format)."""
    m = model(document["form"])
    cells = tuple(
        ("amount", Decimal(repr(v) if isinstance(v, float) else str(v))) if c.kind == AMOUNT and v is not None
        else (type(v).__name__, v)
        for c, v in zip(m.cells, m.values(document), strict=True)
    )
    return document["form"], document["year"], document["agency"]["name"], cells


def _round_trip(document: dict[str, Any], path: Path) -> dict[str, Any]:
    publish(document, path)
    return read_published(path).document


FULL = [".docx", ".html"]


@pytest.mark.parametrize("suffix", FULL)
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_fixture_comes_back_exactly(name, suffix, report, tmp_path):
    doc = report(name)
    assert essence(_round_trip(doc, tmp_path / f"r{suffix}")) == essence(doc)


@pytest.mark.parametrize("suffix", FULL)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=consistent_reports(), name=names)
def test_random_reports_of_both_forms_come_back_exactly(doc, name, suffix, tmp_path):
    doc["agency"]["name"] = name
    assert essence(_round_trip(doc, tmp_path / f"r{suffix}")) == essence(doc)


# Markdown does not round-trip yet: the importer (nianbao.io.published, branch import) reads
# the title with its Markdown heading mark ("#尚志市卫生健康局") and does not recognise table 4
# laid out as a pipe table (one row per group — 行政复议, 行政诉讼（未经复议直接起诉）,
# 行政诉讼（复议后起诉） — under the five result columns), so table 4 comes back blank.
# Tables 2 and 3 come back exactly (the test below); the full round trip is held to a strict
# xfail, so it fails loudly the day the importer reads the whole page.


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_markdown_tables_2_and_3_come_back_exactly(name, report, tmp_path):
    doc = report(name)
    got = _round_trip(doc, tmp_path / "r.md")
    m = model(doc["form"])
    for cell, want, have in zip(m.cells, m.values(doc), m.values(got), strict=True):
        if cell.table.key in ("active", "applications"):
            assert have == want and (cell.kind == AMOUNT or type(have) is type(want)), cell.label


@pytest.mark.xfail(strict=True, reason="the importer reads neither the Markdown title nor the Markdown table 4")
@pytest.mark.parametrize("name", ["shangzhi-2021", "anyang-2020"])
def test_markdown_comes_back_exactly(name, report, tmp_path):
    doc = report(name)
    assert essence(_round_trip(doc, tmp_path / "r.md")) == essence(doc)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=consistent_reports(), name=names)
def test_markdown_tables_2_and_3_of_random_reports_come_back_exactly(doc, name, tmp_path):
    doc["agency"]["name"] = name
    got = _round_trip(doc, tmp_path / "r.md")
    want, have = essence(doc)[3], essence(got)[3]
    for cell, a, b in zip(model(doc["form"]).cells, want, have, strict=True):
        if cell.table.key in ("active", "applications"):
            assert a == b, cell.label
