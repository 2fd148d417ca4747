"""The three real published reports (tests/fixtures/published) import exactly: the numbers
transcribed in tests/fixtures/seeds, 张店's table 3 as blanks, each number located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.core.model import model
from nianbao.io.check import check_file
from nianbao.io.published import read_published
from nianbao.io.readers import read

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = ("anyang-2020", "zhangdian-2020", "arongqi-2020")
TABLES = ("form", "year", "active", "applications", "appeals")


def expected(name: str) -> dict:
    return json.loads((FIXTURES / "seeds" / f"{name}.json").read_text(encoding="utf-8"))


def published(name: str) -> Path:
    return FIXTURES / "published" / f"{name}.txt"


@pytest.mark.parametrize("name", ["anyang-2020", "arongqi-2020"])
def test_a_seed_imports_exactly(name):
    loaded = read_published(published(name))
    want = expected(name)
    for k in TABLES:
        assert loaded.document[k] == want[k], k
    assert loaded.document["agency"]["name"] == want["agency"]["name"]
    assert loaded.findings == ()


def test_zhangdian_table_3_imports_as_blanks_and_its_zero_is_read_under_its_header():
    loaded = read_published(published("zhangdian-2020"))
    want = expected("zhangdian-2020")
    for k in ("form", "year", "active", "appeals"):
        assert loaded.document[k] == want[k], k
    m = model("2019")
    table3 = [v for c, v in zip(m.cells, m.values(loaded.document), strict=True) if c.table.key == "applications"]
    assert [v for v in table3 if v is not None] == [0]  # blanks, never zeros, but the one 0 printed
    # the transcription reads the 0 as 总计; the tab layout aligns it under 其他: every row of the
    # copy has nine cells, and the 0 is in the eighth, where the header row has 其他
    want["applications"]["new"]["total"] = None
    want["applications"]["new"]["other"] = 0
    assert loaded.document["applications"] == want["applications"]
    (position,) = loaded.findings
    assert position.rule == "POSITION" and "列标题的位置" in position.message
    assert "一、本年新收政府信息公开申请数量" in position.message
    assert position.pointer == "/applications/new/natural"


@pytest.mark.parametrize("name", SEEDS)
def test_every_number_of_a_seed_says_where_it_came_from(name):
    loaded = read_published(published(name))
    lines = published(name).read_text(encoding="utf-8").splitlines()
    m = model(loaded.document["form"])
    for cell, value in zip(m.cells, m.values(loaded.document), strict=True):
        if value is None:
            continue
        place, where = loaded.locations[cell.pointer]
        assert place == "正文"
        line = int(where.split()[1])
        assert str(value) in lines[line - 1]
        assert loaded.document["meta"]["source_locations"][cell.pointer] == f"{place} {where}"


def test_the_reader_registry_takes_published_reports_and_validation_locates_findings():
    loaded = read(published("anyang-2020"))
    assert loaded.document["active"]["licensing"] == {"prev_items": 3980, "change": -373, "decisions": 3607}
    result = check_file(published("zhangdian-2020"))
    # a row of table 3 left blank is said once, and points at every cell of it
    blank = next(f for f in result.findings if f.rule == "BLANK" and "/applications/carried_over/natural" in f.pointers)
    assert blank.message == "表三 二、上年结转政府信息公开申请数量：整行未填写" and blank.sheet == "正文"
    assert any(c.startswith("正文!第 96 行") for c in blank.cells)
    assert not result.unreadable and result.tally.errors > 0


def test_a_seed_is_never_modified(tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes(published("arongqi-2020").read_bytes())
    before = src.read_bytes()
    read_published(src)
    assert src.read_bytes() == before


def test_overrides_replace_what_the_title_says():
    loaded = read_published(published("anyang-2020"), agency="安阳市卫健委", year=2019)
    assert loaded.document["agency"]["name"] == "安阳市卫健委" and loaded.document["year"] == 2019
    assert "/year" not in loaded.locations
