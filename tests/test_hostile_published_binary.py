"""Hostile published reports in the binary formats (issue 24: PDF, Word, .doc through
LibreOffice), each through a real ``nianbao`` process as the earlier rounds
(:mod:`test_hostile_inputs`): a defined exit status, Chinese words naming the file and the
cause, no traceback, within 30 s and 500 MB, no input changed — and nothing left behind: no
file in the temporary folder, no process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hostile_binary as hb
import pytest
from test_hostile_inputs import LIMIT_MB, LIMIT_SECONDS, run, snapshot


def _processes_naming(text: str) -> list[str]:
    """Command lines of running processes that mention ``text`` (a test's own folder)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd or text in env:
            found.append(f"{pid}: {cmd[:200]}")
    return found


def run_case(name: str, case, tmp_path: Path, folder: Path) -> tuple[int, str]:
    before = snapshot(folder)
    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(temp)  # the process's temporary folder: must stay empty
    try:
        status, stdout, stderr, seconds, peak = run(case.args, tmp_path)
    finally:
        if old is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = old
    shown = stdout + stderr
    assert seconds < LIMIT_SECONDS, f"{name}: {seconds:.0f} s"
    statuses = case.status if isinstance(case.status, tuple) else (case.status,)
    assert status in statuses, (name, status, shown[-3000:])
    assert "Traceback" not in shown and "Error:" not in shown, shown[-3000:]
    for word in case.words:
        assert word in shown, (name, word, shown[-3000:])
    for word in case.absent:
        assert word not in shown, (name, word, shown[-3000:])
    assert peak < LIMIT_MB, f"{name}: {peak:.0f} MB"
    after = snapshot(folder)
    assert {p: h for p, h in after.items() if p in before} == before, f"{name} changed an input"
    assert not os.listdir(temp), (name, os.listdir(temp))
    assert not _processes_naming(str(tmp_path)), _processes_naming(str(tmp_path))
    if case.check:
        case.check(folder)
    return status, shown


@pytest.mark.parametrize("name", sorted(hb.BINARY_CASES))
def test_each_hostile_binary_publication_has_a_defined_outcome(name, tmp_path):
    folder = tmp_path / "案例"
    folder.mkdir()
    case = hb.BINARY_CASES[name](folder)
    run_case(name, case, tmp_path, folder)


def test_every_binary_case_of_the_issue_is_in_the_corpus():
    for words in (
        "surrogate",
        "invisible",
        "white",
        "to_unicode",
        "bomb",
        "form_drawn",
        "rules",
        "hidden_digit",
        "hidden_table",
        "nested_50",
        "encrypted",
        "alt_chunk",
        "broken_xml",
    ):
        assert any(words in name for name in hb.BINARY_CASES), words


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
