"""The marking plan and its application, on an in-memory canvas."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from nianbao.core.findings import Finding, finding
from nianbao.excel.marks import (
    FILLS,
    LIGHT_FILLS,
    MARKER,
    REGISTRY_SHEET,
    RESULT_HEADER,
    RESULT_SHEET,
    Link,
    MarkedCell,
    NewSheet,
    apply,
    clear,
    parse_registry,
    plan,
    registry_sheet,
)

I1 = finding(
    "I1",
    "表三 自然人列：一(2)+二(0)=2，三(七)总计(1)+四(0)=1，相差1",
    "/applications/new/natural",
    pointers=("/applications/new/natural", "/applications/outcomes/total/natural"),
    difference=1,
).located("表三", "D5", ("表三!D5", "表三!D28"))
W1 = finding("W1", "表二 规章：现行有效件数(0) 小于 本年制发件数(5)", "/active/rules/in_force", difference=-5).located(
    "表二", "D4", ("表二!D4", "表二!B4")
)
# a warning on a cell that an error also involves
W_ON_ERROR_CELL = Finding("CELL", "warning", "表三 …：单元格内容「１」按 1 读取", "/x").located("表三", "D28")
UNLOCATED = finding("YEAR", "报告年度 2018 与表式不符", "/year")


def test_no_findings_passes():
    p = plan([])
    assert p.summary == "校验通过"
    assert p.marks == () and p.rows == () and p.first is None
    grid = p.result_sheet().grid
    assert grid[0] == [f"{RESULT_SHEET}：校验通过"]
    assert grid[2] == list(RESULT_HEADER)


def test_pointed_cell_strong_involved_cells_light():
    p = plan([I1])
    assert p.summary == "发现 1 个错误"
    assert p.mark("表三", "D5").fill == FILLS["error"]
    assert p.mark("表三", "D28").fill == LIGHT_FILLS["error"]
    assert p.first == ("表三", "D5")


def test_note_names_rule_title_values_difference_and_hint():
    note = plan([I1]).mark("表三", "D5").note
    assert note.startswith(MARKER)
    assert "错误 I1 " + I1.title in note
    assert I1.message in note
    assert "提示：" + I1.hint in note
    assert note.count("相差") == 1  # the message already says it


def test_difference_added_when_message_lacks_it():
    note = plan([W1]).mark("表二", "D4").note
    assert "相差 5" in note


def test_error_wins_and_notes_combine():
    p = plan([W_ON_ERROR_CELL, I1])
    m = p.mark("表三", "D28")
    assert m.severity == "error"
    assert m.fill == LIGHT_FILLS["error"]  # involved in I1, pointed at by a warning only
    assert I1.message in m.note and W_ON_ERROR_CELL.message in m.note
    assert p.mark("表三", "D5").fill == FILLS["error"]


def test_warning_colours():
    p = plan([W1])
    assert p.mark("表二", "D4").fill == FILLS["warning"]
    assert p.mark("表二", "B4").fill == LIGHT_FILLS["warning"]
    assert FILLS["warning"] != FILLS["error"]


def test_rows_errors_first_with_links():
    p = plan([W1, UNLOCATED, I1])
    assert [r[0] for r in p.rows] == [1, 2, 3]
    assert [r[2] for r in p.rows] == ["YEAR", "I1", "W1"]
    assert [r[1] for r in p.rows] == ["错误", "错误", "警告"]
    assert p.rows[0][4] == "/year"  # no cell: the pointer, no link, no mark
    assert p.rows[1][4] == Link("表三!D5", "'表三'!D5")
    assert p.rows[2][4] == Link("表二!D4", "'表二'!D4")
    assert p.first == ("表三", "D5")  # the first error with a cell
    assert all(m.sheet in ("表二", "表三") for m in p.marks)
    assert p.summary == "发现 2 个错误、1 个警告"


def test_text_from_inputs_never_becomes_a_formula():
    f = Finding("USCC", "error", "=HYPERLINK(\"http://x\")", "/agency/uscc").located("封面", "B4")
    row = plan([f]).rows[0]
    assert row[5].startswith("'=")


def test_link_quotes_sheet_names():
    assert Link.to("O'Brien", "A1").target == "'O''Brien'!A1"


def test_registry_round_trip_and_garbage():
    entries = [
        MarkedCell("表三", "D5", "FFF2CC", "", "FF7C80"),
        MarkedCell("表二", "B4", "", "=clerk's note", "FFE699"),
    ]
    grid = registry_sheet(entries).grid
    assert all(not str(v).startswith("=") for row in grid for v in row)
    grid += [["表三", "D6", "not json"], [None, None, None], ["表三", "D7", '{"fill": 1}']]
    assert parse_registry(grid) == entries


class MemoryCanvas:
    """The simplest Canvas: dictionaries."""

    def __init__(self, sheets: Sequence[str]):
        self.sheets: dict[str, dict[str, list[Any]]] = {s: {} for s in sheets}
        self.fills: dict[tuple[str, str], str] = {}
        self.notes: dict[tuple[str, str], str] = {}
        self.hidden: set[str] = set()
        self.locked = True
        self.grids: dict[str, list[list[Any]]] = {}

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def read_sheet(self, name: str) -> list[list[Any]]:
        return self.grids[name]

    def fill(self, sheet: str, cell: str) -> str:
        return self.fills.get((sheet, cell), "")

    def set_fill(self, sheet: str, cell: str, fill: str) -> None:
        assert not self.locked
        self.fills[(sheet, cell)] = fill

    def note(self, sheet: str, cell: str) -> str:
        return self.notes.get((sheet, cell), "")

    def set_note(self, sheet: str, cell: str, text: str) -> None:
        assert not self.locked
        if text:
            self.notes[(sheet, cell)] = text
        else:
            self.notes.pop((sheet, cell), None)

    def add_sheet(self, sheet: NewSheet) -> None:
        assert not self.locked and sheet.name not in self.sheets
        self.sheets[sheet.name] = {}
        self.grids[sheet.name] = sheet.grid
        if sheet.hidden:
            self.hidden.add(sheet.name)

    def delete_sheet(self, name: str) -> None:
        assert not self.locked
        del self.sheets[name]
        self.grids.pop(name, None)

    @contextlib.contextmanager
    def unlocked(self) -> Iterator[None]:
        self.locked = False
        try:
            yield
        finally:
            self.locked = True


def test_apply_records_and_clear_restores_the_clerks_formatting():
    c = MemoryCanvas(["表二", "表三"])
    c.fills[("表三", "D5")] = "FFF2CC"  # the template's shading
    c.notes[("表三", "D28")] = "clerk: checked with 办公室"
    c.fills[("表三", "A1")] = "123456"  # a cell no finding touches
    apply(plan([I1]), c)
    assert c.locked
    assert c.fill("表三", "D5") == FILLS["error"]
    assert c.note("表三", "D28").startswith(MARKER)
    assert RESULT_SHEET in c.sheets and REGISTRY_SHEET in c.hidden
    cleared = clear(c)
    assert cleared.cells == 2 and cleared.kept == 0
    assert c.fill("表三", "D5") == "FFF2CC"
    assert c.fill("表三", "D28") == ""
    assert c.note("表三", "D28") == "clerk: checked with 办公室"
    assert c.note("表三", "D5") == ""
    assert c.fill("表三", "A1") == "123456"
    assert set(c.sheets) == {"表二", "表三"}


def test_reapplying_replaces_instead_of_piling_up():
    c = MemoryCanvas(["表二", "表三"])
    c.fills[("表三", "D5")] = "FFF2CC"
    apply(plan([I1, W1]), c)
    apply(plan([I1]), c)  # W1 was fixed
    assert list(c.sheets).count(RESULT_SHEET) == 1
    assert c.fill("表二", "D4") == "" and c.note("表二", "D4") == ""
    assert c.note("表三", "D5").count(MARKER) == 1
    registry = parse_registry(c.grids[REGISTRY_SHEET])
    # the original under the mark is the template's fill, not the previous mark
    assert {(e.sheet, e.cell): e.fill for e in registry}[("表三", "D5")] == "FFF2CC"


def test_clear_leaves_cells_the_clerk_changed_since():
    c = MemoryCanvas(["表三"])
    apply(plan([I1]), c)
    c.fills[("表三", "D5")] = "00B050"  # the clerk painted it green
    c.notes[("表三", "D5")] = "my own note"
    cleared = clear(c)
    assert cleared.kept == 1
    assert c.fill("表三", "D5") == "00B050"
    assert c.note("表三", "D5") == "my own note"


def test_clear_without_marks_does_nothing():
    c = MemoryCanvas(["表三"])
    c.fills[("表三", "D5")] = "FF7C80"  # the clerk's red, same colour as a mark
    assert clear(c).cells == 0
    assert c.fill("表三", "D5") == "FF7C80"


def test_a_result_sheet_of_the_clerks_own_is_never_deleted():
    import pytest

    from nianbao.excel.marks import MarkError

    c = MemoryCanvas(["表三", RESULT_SHEET])
    c.grids[RESULT_SHEET] = [["我的校验记录"]]
    c.fills[("表三", "D5")] = "FFF2CC"
    with pytest.raises(MarkError, match="改名"):
        apply(plan([I1]), c)
    assert RESULT_SHEET in c.sheets and c.grids[RESULT_SHEET] == [["我的校验记录"]]
    assert c.fill("表三", "D5") == "FFF2CC" and c.note("表三", "D5") == ""
    assert c.locked
