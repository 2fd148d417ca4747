"""One catalogue of the words shown for codes: every code that is shown has its word there."""

from __future__ import annotations

import pytest

from nianbao.core.codes import WORDS, Alike, Disposition, Exit, Presence, Reason, Severity, Status


@pytest.mark.parametrize("codes", [Severity, Status, Disposition, Reason, Presence, Alike])
def test_every_shown_code_has_one_chinese_word(codes):
    for code in codes:
        assert code.display == WORDS[code] and any("\u4e00" <= ch <= "\u9fff" for ch in code.display)


def test_a_status_says_how_a_batch_ends():
    assert [s.exit_code for s in Status] == [Exit.OK, Exit.OK, Exit.PROBLEMS, Exit.FAILED]
