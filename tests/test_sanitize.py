"""Text copied from inputs into outputs (nianbao.core.sanitize.safe_text): never a formula,
never a control character or a surrogate, and unchanged otherwise."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from nianbao.core.sanitize import FORMULA_STARTS, safe_text, unsurrogated

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def reference(value):
    """What safe_text does, step by step, without its shortcut for plain text."""
    if isinstance(value, str):
        value = unsurrogated(value)
        value = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


tricky = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "＝", "\x1b", "\ud800", "\udcff", "\u202e", "\u3000",
                          " ", "局", "a", "\n", "\x85"])
texts = st.one_of(st.text(), st.lists(tricky).map("".join), st.tuples(tricky, st.text()).map("".join))


@given(texts)
def test_safe_text_is_the_reference_step_by_step(text):
    assert safe_text(text) == reference(text)


@given(texts)
def test_safe_text_never_starts_a_formula_nor_holds_a_control_character(text):
    out = safe_text(text)
    assert not out.startswith(FORMULA_STARTS) or out.startswith("'")
    assert not _CONTROLS.search(out)
    out.encode("utf-8")  # no surrogate left


def test_plain_text_and_other_values_are_unchanged():
    assert safe_text("阿荣旗医疗保障局") == "阿荣旗医疗保障局"
    assert safe_text("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_text("－1") == "'－1"
    assert safe_text("a\x1bb") == "a\\x1bb"
    assert safe_text(12) == 12
    assert safe_text(None) is None
