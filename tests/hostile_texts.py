"""Hostile published reports, round three: web pages, text and Markdown copies (issue 24).

Each builder writes its files into a folder and says how to run ``nianbao`` on them and what
must come of it (a :class:`hostile_inputs.Case`); ``tests/test_hostile_published_text.py``
runs each in a real process with the 30-second and 500 MB limits of the earlier rounds.
Most cases are the seed report as agencies publish it (:mod:`publications`) with one hostile
thing added, so that a case which reads at all must read the seed's numbers exactly.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import hostile_cases as hc
import publications as pb
from hostile_inputs import Case

TABLES = ("active", "applications", "appeals")


def seed() -> dict:
    return copy.deepcopy(hc.seed_document())


def decoy() -> dict:
    """The seed with other numbers: what hidden content holds."""
    doc = seed()
    doc["active"]["procurement"]["items"] = 99
    doc["applications"]["new"]["natural"] = 7777
    return doc


def page(doc: dict | None = None, **kw) -> str:
    return pb.to_html(doc or seed(), **kw).decode("utf-8")


def body(html: str) -> str:
    return html[html.index("<body>") + len("<body>") : html.index("</body>")]


def put(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def reads_the_seed(name: str) -> Callable[[Path], None]:
    """A check: the imported JSON holds the seed's numbers, table by table."""

    def check(folder: Path) -> None:
        got = json.loads((folder / name).read_text(encoding="utf-8"))
        want = seed()
        for table in TABLES:
            assert got[table] == want[table], table

    return check


def imported(folder: Path, source: Path, status: int | tuple[int, ...], words: tuple[str, ...] = (), **kw) -> Case:
    """``nianbao import source -o 结果.json``, the result checked against the seed."""
    out = folder / "结果.json"
    return Case(["import", source, "-o", out], status, (source.name, *words), outputs=(out,),
                check=reads_the_seed(out.name), **kw)


def refused(source: Path, words: tuple[str, ...], command: str = "validate") -> Case:
    """Refused as unreadable (status 2), the message naming the file and the cause."""
    return Case([command, source], 2, (source.name, *words), absent=("不像是", "Error"))


# --- hidden content read as the table -----------------------------------------------------------


def _hidden_before(folder: Path, name: str, wrap: str, style: str = "") -> Case:
    html = page()
    hidden = wrap.format(body(page(decoy())))
    html = html.replace("<body>", "<body>" + hidden, 1)
    if style:
        html = html.replace("</head>", f"<style>{style}</style></head>", 1)
    return imported(folder, put(folder, name, html), 0, ("浏览器不显示",))


def hidden_display_none_before_the_table(folder: Path) -> Case:
    return _hidden_before(folder, "隐藏.html", '<div style="color:red; DISPLAY : none !important">{}</div>')


def hidden_attribute_before_the_table(folder: Path) -> Case:
    return _hidden_before(folder, "隐藏属性.html", "<section hidden>{}</section>")


def hidden_visibility_inline(folder: Path) -> Case:
    return _hidden_before(folder, "不可见.html", '<div style="visibility:hidden">{}</div>')


def hidden_by_a_style_rule(folder: Path) -> Case:
    # a rule inside @media print shows it (not on screen); the top-level rule hides it
    css = "/* 样式 */ @media print { .old { display: block } } div.old , .gone { visibility : hidden }"
    return _hidden_before(folder, "样式隐藏.html", '<div class="box old">{}</div>', css)


# --- a label with an invalid character ---------------------------------------------------------


def label_with_a_lone_surrogate_reference(folder: Path) -> Case:
    html = page().replace("规范性文件", "规范性&#xD800;文件", 1)
    return imported(folder, put(folder, "代理项.html", html), 0, ("无法识别的字符", "规范性文件"))


def label_with_invalid_bytes_in_a_text_copy(folder: Path) -> Case:
    surrogate = "规范性".encode() + b"\xed\xa0\x80" + "文件".encode()  # U+D800 as UTF-8 would spell it
    text = pb.to_text(seed(), "tabs").encode("utf-8").replace("规范性文件".encode(), surrogate, 1)
    return imported(folder, put(folder, "代理项.txt", text), 0, ("无效字节", "无法识别的字符"))


# --- regular expressions that backtracked ------------------------------------------------------


def _markdown_with(folder: Path, name: str, line: str, command: str) -> Case:
    text = pb.to_text(seed(), "markdown").replace("\n", "\n" + line + "\n", 1)
    path = put(folder, name, text)
    if command == "import":
        return imported(folder, path, 0)
    return Case(["validate", path], 0, (path.name, "校验通过"))


def markdown_heading_of_100k_spaces(folder: Path) -> Case:
    return _markdown_with(folder, "标题.md", "# " + " " * 100_000 + "x", "import")


def markdown_heading_of_100k_spaces_inside(folder: Path) -> Case:
    # (each place the heading's text could end tried every run of spaces after it: 16 s for 20,000)
    return _markdown_with(folder, "标题.md", "# 标题" + " " * 100_000 + "x", "import")


def markdown_heading_of_100k_spaces_inside_validated(folder: Path) -> Case:
    return _markdown_with(folder, "标题.md", "# 标题" + " " * 100_000 + "x", "validate")


def markdown_strong_marks_100k(folder: Path) -> Case:
    return _markdown_with(folder, "加粗.md", "**a " * 100_000, "import")


def markdown_strong_marks_100k_validated(folder: Path) -> Case:
    return _markdown_with(folder, "加粗.md", "**a " * 100_000, "validate")


def markdown_rule_of_100k_spaces(folder: Path) -> Case:
    return _markdown_with(folder, "分隔.md", " " * 100_000 + "-x", "import")


# --- rows of unlabelled numbers ----------------------------------------------------------------


def unlabelled_rows_of_a_large_page(folder: Path) -> Case:
    """40,000 rows of numbers without a label inside table 3 (1.3 MB): each is named as not
    used — the first ten one by one, the rest counted — in linear time."""
    rows = "<table>" + "<tr><td>1</td><td>2</td><td>3</td></tr>" * 40_000 + "</table>"
    parts = page().split("</table>")  # the navigation's table, tables 2, 3 and 4
    html = "</table>".join(parts[:3]) + "</table>" + rows + "</table>".join(["", *parts[3:]])
    path = put(folder, "无标签.html", html)
    return Case(["import", path, "-o", folder / "结果.json"], 1, (path.name, "没有行标签", "另有"),
                outputs=(folder / "结果.json",))


def a_million_rows(folder: Path) -> Case:
    path = put(folder, "百万行.txt", pb.to_text(seed(), "tabs") + "1\t2\t3\n" * 1_000_000)
    return refused(path, ("超过 200,000 个单元格",))


# --- nesting -----------------------------------------------------------------------------------


def nested_200k_divs(folder: Path) -> Case:
    path = put(folder, "嵌套.html", "<html><body>" + "<div>" * 200_000 + "x</body></html>")
    return refused(path, ("层层嵌套",))


def nested_200k_spans_then_paragraphs(folder: Path) -> Case:
    # (no block nested in a block: the inline elements make each <p> look through 200,000)
    path = put(folder, "行内嵌套.html", "<html><body>" + "<span>" * 200_000 + "<p>x" * 1_000 + "</body></html>")
    return refused(path, ("层层嵌套",))


def nested_200k_divs_in_utf16(folder: Path) -> Case:
    html = "<html><body>" + "<div>" * 200_000 + "x</body></html>"
    return refused(put(folder, "嵌套16.html", html.encode("utf-16")), ("层层嵌套",))


def stray_table_cells_with_attributes(folder: Path) -> Case:
    """Cells outside any table, each with a style (a table's rows pasted after it 1,000 times):
    the parser keeps the dropped tags' attributes at a cost growing with the square of their
    number (a fuzz finding: 5.8 MB, 3.7 GB)."""
    stray = ("数字<td style=\"" + "border:1px solid #000;" * 8 + "\">") * 40_000
    return refused(put(folder, "游离单元格.html", page_with(stray)), ("无效的标记",))


def stray_cells_after_a_table_ended_by_another(folder: Path) -> Case:
    """A table started straight inside another (not in a cell) ends the first: the cells after
    its end tag are outside any table, though one more table was opened than closed (a fuzz
    finding: 3.2 MB, 1.1 GB)."""
    rows = "<tr>" + "<td colspan=1000000>1</td>" * 30 + "</tr>"
    stray = "<table><tr>" + "<table>" + rows * 10 + "</table>" + "<td colspan=1000000>1</td>" * 60_000
    return refused(put(folder, "表中表.html", page_with(stray)), ("无效的标记",))


def stray_cells_after_a_table_tag_inside_attributes(folder: Path) -> Case:
    """``<td co<table>`` is one cell tag whose attributes hold "<table": no table is opened, so
    the cells after the one table's end are outside any table (the fuzz finding itself)."""
    rows = "<tr>" + "<td colspan=1000000>1</td>" * 30 + "</tr>"
    stray = "<table>" + rows * 10 + "<tr><td co<table><tr>" + "</table>" + "<td colspan=1000000>1</td>" * 60_000
    return refused(put(folder, "属性中的表.html", page_with(stray)), ("无效的标记",))


def stray_end_tags(folder: Path) -> Case:
    return refused(put(folder, "多余结束.html", page_with('x</div class="a">' * 40_000)), ("无效的标记",))


def page_with(extra: str) -> str:
    return page().replace("</body>", extra + "</body>", 1)


def nested_3000_divs_around_the_report(folder: Path) -> Case:
    """Deeper than Python's recursion, well within the bound: read as the report it holds."""
    html = page()
    html = html.replace("<body>", "<body>" + "<div>" * 3000, 1).replace("</body>", "</div>" * 3000 + "</body>", 1)
    return imported(folder, put(folder, "深.html", html), 0)


def nested_20000_spans_around_the_report(folder: Path) -> Case:
    html = page().replace("<body>", "<body>" + "<span>" * 20_000, 1)
    return imported(folder, put(folder, "深行内.html", html), 0)


def nested_tables_20000_deep(folder: Path) -> Case:
    path = put(folder, "嵌套表格.html", "<html><body>" + "<table><tr><td>" * 20_000 + "x</body></html>")
    return refused(path, ("层层嵌套",))  # (was a RecursionError)


# --- memory: merged cells and empty cells ------------------------------------------------------


def rowspan_65535_colspan_1e6_thirty_times(folder: Path) -> Case:
    """The 8 KB page of the issue: 30 such cells in a table of their own before the report."""
    flood = "<table><tr>" + "<td rowspan=65535 colspan=1000000>1</td>" * 30 + "</tr><tr><td>2</td></tr></table>"
    html = page().replace("<body>", "<body>" + flood, 1)
    return imported(folder, put(folder, "合并.html", html), 0)


def colspan_1e6_on_many_rows(folder: Path) -> Case:
    row = "<tr>" + "<td colspan=1000000>1</td>" * 100 + "</tr>"
    html = page().replace("<body>", "<body><table>" + row * 100 + "</table>", 1)
    return refused(put(folder, "列合并.html", html), ("超过 200,000 个单元格",))


def markdown_table_of_100k_columns(folder: Path) -> Case:
    wide = "| " + " | ".join(["x"] * 100_000) + " |\n|" + "---|" * 100_000
    text = pb.to_text(seed(), "markdown") + "\n" + wide + "\n"
    return imported(folder, put(folder, "宽表.md", text), 0)


def eight_million_empty_cells(folder: Path) -> Case:
    path = put(folder, "空格.txt", pb.to_text(seed(), "tabs") + "x" + "\t" * 8_000_000 + "\n")
    return refused(path, ("超过 200,000 个单元格",))


def eight_million_empty_pipe_cells(folder: Path) -> Case:
    path = put(folder, "空格.md", pb.to_text(seed(), "markdown") + "|" * 8_000_000 + "\n")
    return refused(path, ("超过 200,000 个单元格",))


def eight_million_empty_html_cells(folder: Path) -> Case:
    html = page().replace("<body>", "<body><table><tr>" + "<td>" * 8_000_000 + "</table>", 1)
    return refused(put(folder, "空格.html", html), ("个标记",))


# --- messages naming the real cause ------------------------------------------------------------


def declared_gbk_really_utf16(folder: Path) -> Case:
    html = page().replace('charset="utf-8"', 'charset="gbk"')
    return imported(folder, put(folder, "UTF16.html", html.encode("utf-16-le")), 0)


def declared_gbk_with_one_bad_byte(folder: Path) -> Case:
    html = page().replace('charset="utf-8"', 'charset="gbk"').encode("gbk")
    html = html.replace("五、存在".encode("gbk"), b"\xff" + "存在".encode("gbk"), 1)
    return imported(folder, put(folder, "坏字节.html", html), 0, ("GBK", "1 处无效字节", "请对照原件核对"))


def utf8_with_one_bad_byte_in_a_text_copy(folder: Path) -> Case:
    text = pb.to_text(seed(), "tabs").encode("utf-8").replace("五、存在".encode(), b"\xff" + "存在".encode(), 1)
    return imported(folder, put(folder, "坏字节.txt", text), 0, ("UTF-8", "1 处无效字节"))


def empty_page(folder: Path) -> Case:
    return refused(put(folder, "空.html", b""), ("文件为空",))


def empty_text(folder: Path) -> Case:
    return refused(put(folder, "空.md", b""), ("文件为空",))


def byte_order_mark_only(folder: Path) -> Case:
    return refused(put(folder, "BOM.txt", b"\xef\xbb\xbf"), ("没有任何文字",))


def byte_order_mark_only_page(folder: Path) -> Case:
    return refused(put(folder, "BOM.html", b"\xff\xfe"), ("没有任何文字",))


def random_bytes_as_a_page(folder: Path) -> Case:
    data = bytes(random_bytes(5000))
    return refused(put(folder, "乱码.html", data), ("无法识别文字编码",))


def random_bytes_as_text(folder: Path) -> Case:
    return refused(put(folder, "乱码.txt", bytes(random_bytes(5000))), ("无法识别文字编码",))


def random_bytes(n: int) -> bytes:
    import random

    return random.Random(24).randbytes(n)


def page_of_nul_bytes(folder: Path) -> Case:
    return refused(put(folder, "零.html", b"\x00" * 4096 + b"\xff"), ("零字节", "不是文本"))


def symlink_loop_as_a_publication(folder: Path) -> Case:
    (folder / "循环.html").symlink_to(folder / "循环.html")
    return Case(["import", folder / "循环.html", "-o", folder / "结果.json"], 2, ("循环.html", "符号链接循环"),
                absent=("Too many", "文件不存在"))


def symlink_loop_validated(folder: Path) -> Case:
    (folder / "循环.md").symlink_to(folder / "循环.md")
    return Case(["validate", folder / "循环.md"], 2, ("循环.md", "符号链接循环"), absent=("Too many", "文件不存在"))


def a_row_with_its_numbers_not_placed_is_not_said_to_be_blank(folder: Path) -> Case:
    """A row printed with one cell too many is not read (which number is which column is not
    known): that is said, and the validator does not call it a row left blank."""
    html = page().replace("<td>16</td>", "<td>16</td><td>5</td>", 1)
    path = put(folder, "多一格.html", html)
    return Case(["validate", path], 1, (path.name, "对不上"), absent=("整行未填写",))


INPUT_CASES: dict[str, Callable[[Path], Case]] = {
    name: fn
    for name, fn in globals().items()
    if callable(fn) and getattr(fn, "__module__", None) == __name__ and fn.__annotations__.get("return") == "Case"
    and not name.startswith("_") and name not in ("imported", "refused")
}
