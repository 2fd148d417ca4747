"""Numbers split across inline elements of a web page read as a browser shows them."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from publications import to_html
from test_published_formats import assert_imported, publishable

from nianbao.core.codes import Code
from nianbao.io.published import read_published

QUICK = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
_NUMBER_CELL = re.compile(r"<td>(\d[\d.]*)</td>")


def _spans(match: re.Match[str]) -> str:
    """A number's characters each in a span of its own inside a paragraph, an empty span after,
    as word processors save a table as a web page."""
    digits = "".join(f"<span>{ch}</span>" for ch in match.group(1))
    return f"<td><p>{digits}<span></span></p></td>"


@QUICK
@given(publishable())
def test_numbers_split_across_spans_import_exactly(tmp_path_factory, doc):
    page = _NUMBER_CELL.sub(_spans, to_html(doc).decode("utf-8"))
    assert "<span>" in page
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(page, encoding="utf-8")
    assert_imported(read_published(path), doc)


def test_a_space_a_browser_shows_inside_a_number_is_named_with_the_identities_it_stops(tmp_path, report):
    doc = report("shangzhi-2021")
    doc["agency"] = {"name": doc["agency"]["name"]}
    total = doc["applications"]["outcomes"]["total"]["natural"] = 7531
    page = to_html(doc).decode("utf-8")
    assert page.count(f"<td>{total}</td>") == 1
    spaced = "<span>" + str(total)[0] + "</span>\n<span>" + str(total)[1:] + "</span>"
    path = tmp_path / "r.html"
    path.write_text(page.replace(f"<td>{total}</td>", f"<td>{spaced}</td>"), encoding="utf-8")
    loaded = read_published(path)
    found = [f for f in loaded.findings if f.rule == Code.AMBIGUOUS]
    assert found and all("数字中间有空格" in f.message for f in found)
    assert any(f.pointer == "/applications/outcomes/total/natural" and "I2" in f.message for f in found)
    assert not any(isinstance(v, str) for v in loaded.values)
