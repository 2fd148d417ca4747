"""Round trip: importing a published document (nianbao.io.published.read_published) — Word,
web page or Markdown — gives back exactly the report it was made from (form, year, agency
name and every cell), without a finding."""

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
    loaded = read_published(path)
    assert loaded.findings == ()  # every label found, nothing read by position or left out
    return loaded.document


FULL = [".docx", ".html", ".md"]


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
