"""Titles as real pages print them: without 工作, broken over two lines, behind a crawler's
field name."""

from __future__ import annotations

import pytest

from nianbao.io.published.grid import Cell
from nianbao.io.published.title import find_title


def _rows(lines: list[str]):
    return [(Cell(t, "正文", f"第 {i} 行"),) for i, t in enumerate(lines, 1)]


@pytest.mark.parametrize(
    "lines, agency, year, at",
    [
        (["某某县发展和改革局2023年政府信息公开年度报告"], "某某县发展和改革局", 2023, 0),
        (
            ["2025 年某某市人民政府办公厅政府信息公开", "工作年度报告", "本年度报告根据……编制。"],
            "某某市人民政府办公厅",
            2025,
            0,
        ),
        (["正文", "2022年某某局政府信息公开工作", "年度报告"], "某某局", 2022, 1),
        (
            ["标题：某某县发展和改革局2023年政府信息公开年度报告-某某县发改局", "单位：某某县发改局"],
            "某某县发展和改革局",
            2023,
            0,
        ),
        (["题名:某某局2021年度政府信息公开工作年度报告"], "某某局", 2021, 0),
    ],
)
def test_titles_as_pages_print_them(lines, agency, year, at):
    rows = _rows(lines)
    name, y, cell = find_title(rows)
    assert (name, y) == (agency, year) and cell is rows[at][0]


def test_a_sentence_before_a_title_line_is_not_joined_to_it():
    rows = _rows(["现将本机关年度报告公布如下", "某某局2020年政府信息公开工作年度报告"])
    name, y, cell = find_title(rows)
    assert (name, y) == ("某某局", 2020) and cell is rows[1][0]


def test_a_breadcrumb_broken_over_lines_is_no_title():
    rows = _rows(["当前位置：首页 > 政务公开 > 政府信息公开", "年度报告"])
    assert find_title(rows) == (None, None, None)
