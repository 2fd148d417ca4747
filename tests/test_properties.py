"""Property tests: consistent reports validate clean; one changed count breaks exactly the
identities that involve it."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import consistent_reports, identities_involving

from nianbao import validate
from nianbao.core.model import model


def scope_of(finding) -> tuple[str, str]:
    """(rule, scope) of an identity finding, read from the cell it points at first."""
    parts = finding.pointer.strip("/").split("/")
    if finding.rule in ("I1", "I2"):
        return finding.rule, parts[-1]
    if finding.rule == "I3":
        return finding.rule, "/".join(parts[1:-1])
    if finding.rule == "I4":
        return finding.rule, parts[1]
    raise AssertionError(finding)


@settings(max_examples=150, deadline=None)
@given(consistent_reports())
def test_consistent_reports_have_no_findings(doc):
    assert validate(doc) == ()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_changing_one_count_breaks_exactly_its_identities(data):
    doc = data.draw(consistent_reports())
    cells = [c for c in model(doc["form"]).cells if c.kind == "count"]
    cell = data.draw(st.sampled_from(cells))
    delta = data.draw(st.integers(1, 1000))
    changed = copy.deepcopy(doc)
    node = changed
    for key in cell.path[:-1]:
        node = node[key]
    node[cell.path[-1]] += delta

    errors = [f for f in validate(changed) if f.severity == "error"]
    assert {scope_of(f) for f in errors} == identities_involving(doc["form"], cell.path)
    assert all(abs(f.difference) == delta for f in errors)
    assert all(cell.pointer in f.pointers for f in errors)
