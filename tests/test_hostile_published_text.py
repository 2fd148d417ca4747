"""Hostile published reports, round three (issue 24): web pages, text and Markdown copies.

Every case of :mod:`hostile_texts` runs in a real ``nianbao`` process, as the earlier rounds
do (:func:`test_hostile_inputs.run`): a defined exit status, a Chinese message naming the file
and the real cause, no traceback, done within 30 s and 500 MB (peak of that process), no input
changed, nothing left beside it. Then the pieces, each against what it replaced: merged cells
kept as spans, the style rules that hide, decoding, Markdown marks.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import hostile_texts as ht
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile_inputs import assert_defined_outcome, run, snapshot

from nianbao.cli import watchdog
from nianbao.io.published import grid as grid_module
from nianbao.io.published.grid import Budget, TooLarge, table_rows
from nianbao.io.published.html import PageTooLarge, check_page, hiding_selectors, html_grid
from nianbao.io.published.text import DecodeError, decode, plain, text_grid


@pytest.mark.parametrize("name", sorted(ht.INPUT_CASES))
def test_each_hostile_publication_has_a_defined_outcome(name, tmp_path):
    folder = tmp_path / "案例"
    folder.mkdir()
    case = ht.INPUT_CASES[name](folder)
    before = snapshot(folder)
    status, stdout, stderr, seconds, peak = run(case.args, tmp_path)
    shown = stdout + stderr
    assert_defined_outcome(name, case, status, shown, seconds, peak)
    assert "Error" not in shown, shown[-3000:]  # (not even an exception's name)
    assert re.search(r"[\u4e00-\u9fff]", shown)
    after = snapshot(folder)
    assert {p: h for p, h in after.items() if p in before} == before, f"{name} changed an input"
    made = {os.fsdecode(p) for p in after if p not in before}
    assert made == {str(p) for p in case.outputs}, made  # nothing left beside the outputs
    if case.check:
        case.check(folder)


def test_every_point_of_the_issue_is_in_the_corpus():
    for words in ("hidden_display_none", "hidden_attribute", "visibility", "style_rule", "surrogate",
                  "heading_of_100k", "strong_marks_100k", "validated", "unlabelled_rows", "million_rows",
                  "200k_divs", "rowspan_65535", "colspan_1e6", "100k_columns", "empty_cells", "utf16",
                  "one_bad_byte", "empty_page", "byte_order_mark", "random_bytes", "not_said_to_be_blank"):
        assert any(words in name for name in ht.INPUT_CASES), words


# --- merged cells as spans ------------------------------------------------------------------------


def _reference(rows, place):
    """The expansion before spans were kept sparse: one entry per covered place."""
    out, pending = [], {}
    for r, row in enumerate(rows):
        cells, col = [], 0
        for text, rowspan, colspan in row:
            while (r, col) in pending:
                cells.append(pending.pop((r, col)))
                col += 1
            cells.append((text, False, r, col))
            for dc in range(colspan):
                if dc:
                    cells.append((text, True, r, col))
                for dr in range(1, rowspan):
                    pending[(r + dr, col + dc)] = (text, True, r, col)
            col += colspan
        while (r, col) in pending:
            cells.append(pending.pop((r, col)))
            col += 1
        out.append(cells)
    return out


def _shape(grid):
    return [[(c.text, c.covered, c.where) for c in row] for row in grid]


def _ref_shape(rows):
    return [[(t, cov, f"第 {r + 1} 行第 {c + 1} 列") for t, cov, r, c in row] for row in rows]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from("ab1"), st.integers(1, 4), st.integers(1, 4)), max_size=5),
                max_size=6))
def test_spans_expand_as_one_entry_per_covered_place_did(rows):
    rows = [[(f"{t}{r}{i}", rs, cs) for i, (t, rs, cs) in enumerate(row)] for r, row in enumerate(rows)]
    assert _shape(table_rows(rows, "表格 1")) == _ref_shape(_reference(rows, "表格 1"))


def test_a_rowspan_past_the_table_costs_nothing_and_a_flood_is_refused():
    rows = [[("x", 65535, 1000)] * 30, [("y", 1, 1)]]
    out = table_rows(rows, "表格 1")
    assert len(out[0]) == 30_000 and len(out[1]) == 30_001  # the second row: covered, then its cell
    with pytest.raises(TooLarge, match="超过 200,000 个单元格"):
        table_rows([[("x", 1, 1000)] * 100] * 3, "表格 1")


def test_one_budget_spans_every_table_of_a_source():
    budget = Budget()
    table_rows([[("x", 1, 1000)] * 100], "表格 1", budget)
    with pytest.raises(TooLarge):
        table_rows([[("x", 1, 1000)] * 100] * 2, "表格 2", budget)
    assert grid_module.MAX_CELLS == 200_000


# --- web pages -------------------------------------------------------------------------------------


def test_style_rules_that_hide_are_found_at_the_top_level_only():
    css = """/* .c { display: none } */ .a, p.b { color: red; display:none }
    @media print { .d { display: none } } @font-face { src: url(x) } .e{visibility:hidden}
    .f { display: block } #g{DISPLAY:NONE!important} .h { display: none-ish }"""
    assert hiding_selectors(css) == [".a, p.b", ".e", "#g"]
    assert hiding_selectors("/* never closed .a{display:none}") == []
    assert hiding_selectors("}}}{{{ .a{display:none}") == []


def test_hidden_content_is_not_read_and_said_to_be_there():
    html = ht.page().replace("<body>", '<body><div style="display:none"><table><tr><td>行政复议</td><td>9</td>'
                             "</tr></table></div><p hidden>无数字</p>", 1)
    grid = html_grid(html.encode())
    texts = {c.text for row in grid for c in row}
    assert "9" not in texts and "无数字" not in texts
    assert len(grid.notes) == 1 and "1 处浏览器不显示的内容" in grid.notes[0]


def test_a_page_too_deep_is_refused_before_it_is_parsed_and_one_just_deep_enough_is_read():
    with pytest.raises(PageTooLarge, match="层层嵌套"):
        check_page("<div>" * 15_000)
    with pytest.raises(PageTooLarge, match="此处已有 200,000 层"):  # open inline elements, then blocks
        check_page("<span>" * 200_000 + "<p>x" * 1_000)
    check_page("<div></div>" * 100_000)  # many, one inside another never
    check_page("<p>段落<li>条目" * 100_000)  # closed by the next of their kind
    html = "<div>" * 5_000 + "<p>文字</p>"
    assert [c.text for row in html_grid(html.encode()) for c in row] == ["文字"]


# --- text --------------------------------------------------------------------------------------------


def test_decoding_names_what_it_could_not_read():
    notes: list[str] = []
    page = "<p>正文</p>" * 10
    assert decode(page.encode("utf-16-le")) == decode(page.encode("utf-16-be")) == page
    text = decode(("年度报告" * 50).encode("gb18030") + b"\xff" + "结束".encode("gb18030"), notes=notes)
    assert text.endswith("结束") and "GB18030" in notes[0] and "1 处无效字节" in notes[0]
    with pytest.raises(DecodeError, match="无法识别文字编码"):
        decode(bytes(range(256)) * 40)


def test_markdown_marks_are_dropped_as_before():
    old_strong = re.compile(r"(?<!\\)(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_\\])\1")
    for cell in ("**行政复议**", "__结果维持__", "a **b** c __d__", "**a*b**", "\\**x**", "**", "** a **"):
        if "*b*" not in cell:
            assert plain(cell) == plain(old_strong.sub(r"\2", cell)), cell
    rows = text_grid("## 某某局2021年政府信息公开工作年度报告 ##\n#不是标题\n####### 七个\n# 标题 #x\n")
    assert [r[0].text for r in rows] == ["某某局2021年政府信息公开工作年度报告", "不是标题", "####### 七个", "标题 #x"]


def test_a_text_of_too_many_lines_is_refused_before_it_is_split():
    with pytest.raises(TooLarge):
        text_grid("\n" * 1_000_000)


# --- Ctrl-C and SIGTERM inside a long call of a C library ---------------------------------------

STUCK = r"""
import signal, sys, pathlib
from nianbao.cli import _terminate
from nianbao.cli.watchdog import watching
from nianbao.io.atomic import UNFINISHED

signal.signal(signal.SIGTERM, _terminate)  # as the command installs it
signal.signal(signal.SIGINT, signal.default_int_handler)  # (as a terminal leaves it)
part = pathlib.Path(sys.argv[1])
part.write_bytes(b"half an output")
UNFINISHED.add(part)
with watching():
    print("ready", flush=True)
    # one call of the HTML5 parser (C) of a minute or more, without a Python step
    from selectolax.lexbor import LexborHTMLParser
    LexborHTMLParser("<div>" * 300_000)
"""


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_ends_a_command_stuck_in_a_c_call_promptly(sig, code, tmp_path):
    part = tmp_path / ".结果.json.x.part"
    proc = subprocess.Popen([sys.executable, "-c", STUCK, str(part)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline() == b"ready\n"
    time.sleep(0.3)
    sent = time.monotonic()
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == code
    assert time.monotonic() - sent < watchdog.GRACE + 3
    assert "已中断" in err.decode("utf-8") and "Traceback" not in err.decode("utf-8")
    assert not part.exists()


def test_a_command_running_python_code_ends_by_its_own_handler_not_the_watchdog(tmp_path):
    code = (
        "import signal, time\nfrom nianbao.cli.watchdog import GRACE, watching\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "with watching():\n"
        "    try:\n        print('ready', flush=True)\n        time.sleep(30)\n"
        "    except KeyboardInterrupt:\n"  # a cleanup longer than the watchdog's grace: not cut short
        "        time.sleep(GRACE + 1)\n        print('handled', flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline() == b"ready\n"
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert out == b"handled\n" and proc.returncode == 0


def test_style_rules_beyond_what_the_page_size_allows_are_said_to_be_unchecked(monkeypatch):
    from nianbao.io.published import html as html_module

    monkeypatch.setattr(html_module, "MAX_STYLE_WORK", 2_000)
    css = "".join(f".a{i}{{display:none}}" for i in range(50)) + ".a1{display:none}" * 1000  # repeated: once
    page = f"<style>{css}</style>" + "<p class=a3>7</p><p>正文</p>" * 20
    grid = html_grid(page.encode())
    assert [c.text for row in grid for c in row] == ["正文"] * 20  # the first rules are matched
    assert "有 50 条隐藏内容的规则，只检查了前 24 条" in grid.notes[0]  # 2,000 // 81 tags


def test_hidden_text_inside_a_cell_is_not_joined_to_its_number():
    html = ht.page().replace("<td>16</td>", '<td>16<span style="display:none">9</span></td>', 1)
    grid = html_grid(html.encode())
    texts = [c.text for row in grid for c in row]
    assert "16" in texts and "16 9" not in texts and "169" not in texts
    assert "「9」" in grid.notes[0]


def test_a_long_cell_is_quoted_briefly_in_a_message(tmp_path):
    from nianbao.io.published import read_published

    text = ht.pb.to_text(ht.seed(), "tabs").replace("\t16\t16\t106", "\t16\t" + "x" * 70_000 + "\t16\t106", 1)
    path = tmp_path / "长格.txt"
    path.write_text(text, encoding="utf-8")
    messages = [f.message for f in read_published(path).findings]
    assert any("x" * 24 + "…" in m for m in messages)
    assert max(map(len, messages)) < 300
