"""Hostile inputs, round two: special files, unbounded reads, odd names and numbers, deep or
odd JSON, rosters, glob loops, terminal escapes, sizes, formulas and links.

Each case builds its files in a folder and says how to run ``nianbao`` on them and what must
come of it (:class:`Case`). ``tests/test_hostile_inputs.py`` runs every case in a real
process (file names that are not UTF-8, terminal escapes and memory are a real process's
business) with a 30-second limit, and checks the exit status, the Chinese words, that no
traceback and no raw control character is printed, that peak memory stays under 500 MB,
and that no input changed.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import hostile_cases as hc

AMOUNT_POINTER = ("active", "procurement", "amount")  # 采购总金额 (form 2019, 万元)
COUNT_POINTER = ("applications", "new", "natural")  # 表三 一、本年新收 × 自然人


@dataclass
class Case:
    args: list[str | bytes | Path]  # after "nianbao"
    status: int | tuple[int, ...]
    words: tuple[str, ...] = ()  # each must be in stdout + stderr
    absent: tuple[str, ...] = ()  # none may be
    # outputs that must exist afterwards (and be at most max_output bytes each)
    outputs: tuple[Path, ...] = ()
    max_output: int = 2 << 20
    check: Callable[[Path], None] | None = None  # anything more, given the folder
    inputs: tuple[Path, ...] = field(default=())  # special files left out of the snapshot


def seed(**changes) -> dict:
    """The seed report with values set at (key, ..., key) paths."""
    doc = copy.deepcopy(hc.seed_document())
    for path, value in changes.items():
        node = doc
        keys = path.split("/")
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return doc


def put_json(folder: Path, name: str | bytes, doc: dict | str) -> Path:
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    raw = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode())
    with open(raw, "wb") as f:
        f.write(text.encode("utf-8", "surrogatepass"))
    return Path(os.fsdecode(raw))


def _with_count(value) -> dict:
    doc = seed()
    doc["applications"]["new"]["natural"] = value
    return doc


# --- non-regular files ------------------------------------------------------------------------


def json_links_to_dev_zero(folder: Path) -> Case:
    link = folder / "零.json"
    link.symlink_to("/dev/zero")
    return Case(["validate", link], 2, ("零.json", "字符设备", "不是普通文件"))


def fifo_in_an_input_folder(folder: Path) -> Case:
    inputs = folder / "各单位"
    inputs.mkdir()
    put_json(inputs, "安阳.json", seed())
    os.mkfifo(inputs / "pipe.json")
    out = folder / "汇总.json"
    return Case(["consolidate", inputs, "-o", out, "-q", "-j", "1"], 1, ("无法读取 1 个",), outputs=(out,))


def fifo_as_roster(folder: Path) -> Case:
    put_json(folder, "安阳.json", seed())
    os.mkfifo(folder / "名单.csv")
    return Case(["consolidate", folder / "安阳.json", "-o", folder / "汇总.json", "-r", folder / "名单.csv", "-q"], 2,
                ("单位名单 名单.csv", "命名管道"))


def device_as_previous(folder: Path) -> Case:
    good = put_json(folder, "安阳.json", seed())
    (folder / "上年.json").symlink_to("/dev/urandom")
    return Case(["validate", "--previous", folder / "上年.json", good], 2, ("上年报告无法读取", "字符设备"))


def fifo_as_fill_input(folder: Path) -> Case:
    os.mkfifo(folder / "报告.json")
    return Case(["fill", folder / "报告.json", "-o", folder / "新.xlsx"], 2, ("命名管道",))


def published_report_links_to_dev_zero(folder: Path) -> Case:
    (folder / "年报.html").symlink_to("/dev/zero")
    os.mkfifo(folder / "年报.docx")
    return Case(["import", folder / "年报.html", folder / "年报.docx", "-o", folder / "导入"], 2,
                ("年报.html", "字符设备", "年报.docx", "命名管道"))


def export_onto_a_fifo(folder: Path) -> Case:
    (folder / "报告.xlsx").write_bytes(hc.template_bytes())
    os.mkfifo(folder / "导出.json")
    return Case(["export", folder / "报告.xlsx", "-o", folder / "导出.json"], 2, ("命名管道", "另选输出文件"),
                check=lambda f: _still_fifo(f / "导出.json"))


def _still_fifo(p: Path) -> None:
    import stat

    assert stat.S_ISFIFO(os.lstat(p).st_mode)


def consolidate_onto_a_fifo(folder: Path) -> Case:
    put_json(folder, "安阳.json", seed())
    os.mkfifo(folder / "汇总.csv")
    args = ["consolidate", folder / "安阳.json", "-o", folder / "汇总.xlsx", "--csv", folder / "汇总.csv", "-q"]
    return Case(args, 2,
                ("汇总.csv", "命名管道"), check=lambda f: _still_fifo(f / "汇总.csv"))


def export_onto_dev_null(folder: Path) -> Case:
    (folder / "报告.xlsx").write_bytes(hc.template_bytes())
    (folder / "导出.json").symlink_to("/dev/null")
    return Case(["export", folder / "报告.xlsx", "-o", folder / "导出.json"], 2, ("字符设备", "另选输出文件"),
                check=lambda f: _still_device())


def _still_device() -> None:
    import stat

    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


# --- names the file system allows ------------------------------------------------------------


def name_not_utf8(folder: Path) -> Case:
    inputs = folder / "各单位"
    inputs.mkdir()
    put_json(inputs, b"\xb0\xb2\xd1\xf4.json", seed())  # 安阳 in GBK
    wb = os.path.join(os.fsencode(inputs), b"\xff\xfe.xlsx")
    with open(wb, "wb") as f:
        f.write(hc.template_bytes(hc.seed_document() | {"agency": {"name": "另一个局"}}))
    out, table = folder / "汇总.xlsx", folder / "汇总.csv"
    return Case(["consolidate", inputs, "-o", out, "--csv", table, "-q", "-j", "1"], 0, ("汇总 2 个",),
                outputs=(out, table))


def name_not_utf8_validate_json(folder: Path) -> Case:
    p = put_json(folder, b"\xff.json", seed())
    return Case(["validate", "--format", "json", p], 0, ('"source"', "\\udcff"), check=None)


def name_not_utf8_export(folder: Path) -> Case:
    wb = os.path.join(os.fsencode(folder), b"\xc3(.xlsx")
    with open(wb, "wb") as f:
        f.write(hc.template_bytes())
    out = folder / "导出.json"
    return Case(["export", os.fsdecode(wb), "-o", out], 0, ("已导出",), outputs=(out,))


def lone_surrogate_in_a_name(folder: Path) -> Case:
    doc = json.dumps(seed(**{"agency/name": "某\ud800局"}))  # as \ud800 in the JSON text
    put_json(folder, "孤立代理.json", doc)
    out, table = folder / "汇总.xlsx", folder / "汇总.csv"
    args = ["consolidate", folder / "孤立代理.json", "-o", out, "--csv", table, "-q", "-j", "1"]
    return Case(args, 0, ("汇总 1 个",),
                outputs=(out, table))


# --- numbers --------------------------------------------------------------------------------------


def amounts_of_1e308(folder: Path) -> Case:
    for n in (1, 2):
        doc = seed(**{"agency/name": f"单位{n}"})
        doc["active"]["procurement"]["amount"] = 1e308
        put_json(folder, f"金额{n}.json", doc)
    out = folder / "汇总.json"
    args = ["consolidate", folder, "-o", out, "--include-errors", "-q", "-j", "1"]
    return Case(args, (0, 1), ("汇总 2 个",), outputs=(out,),
                check=lambda f: _finite(f / "汇总.json"))


def _finite(p: Path) -> None:
    text = p.read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text)["active"]["procurement"]["amount"] == 0  # the two out-of-bound amounts never added


def amount_1e308_validates_as_an_error(folder: Path) -> Case:
    doc = seed()
    doc["active"]["procurement"]["amount"] = 1e308
    return Case(["validate", put_json(folder, "金额.json", doc)], 1, ("RANGE", "超过上限 1000000000000"))


def count_of_400_digits(folder: Path) -> Case:
    p = put_json(folder, "四百位.json", _with_count(int("9" * 400)))
    return Case(["validate", p], 1, ("RANGE", "超过上限", "共 400 个字符"))


def count_of_400_digits_filled(folder: Path) -> Case:
    p = put_json(folder, "四百位.json", _with_count(int("9" * 400)))
    return Case(["fill", p, "-o", folder / "填好.xlsx"], 0, ("已填入",), outputs=(folder / "填好.xlsx",))


def digits_beyond_python(folder: Path) -> Case:
    p = put_json(folder, "五千位.json", json.dumps(seed()).replace('"natural": 2,', '"natural": ' + "9" * 5000, 1))
    return Case(["validate", p], 2, ("位数过多的数值",))


def number_beyond_double(folder: Path) -> Case:
    p = put_json(folder, "溢出.json", json.dumps(seed()).replace('"natural": 2,', '"natural": 1e400', 1))
    return Case(["validate", p], 2, ("超出可表示的范围",))


def nan_constant(folder: Path) -> Case:
    p = put_json(folder, "非数.json", json.dumps(seed()).replace('"natural": 2,', '"natural": NaN', 1))
    return Case(["validate", p], 2, ("NaN", "不是合法的 JSON 数值"))


def superscript_digit(folder: Path) -> Case:
    return Case(["validate", hc.with_cell("5²")(folder, hc.template_bytes())], 1, ("TYPE 表三!D5", "「5²」", "上标"))


def circled_digit(folder: Path) -> Case:
    return Case(["validate", hc.with_cell("3①")(folder, hc.template_bytes())], 1, ("TYPE 表三!D5", "「3①」", "圈码"))


# --- deep or odd JSON ------------------------------------------------------------------------------


def nested_300_levels(folder: Path) -> Case:
    text = json.dumps(seed())[:-1] + ', "x": ' + "[" * 300 + "]" * 300 + "}"
    return Case(["validate", put_json(folder, "三百层.json", text)], 2, ("嵌套层次过深", "最多 5 层"))


def nested_100000_levels(folder: Path) -> Case:
    text = '{"meta": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001
    return Case(["validate", put_json(folder, "十万层.json", text)], 2, ("嵌套层次过深",))


def duplicate_key(folder: Path) -> Case:
    text = json.dumps(seed(), ensure_ascii=False).replace('"natural": 2,', '"natural": 2, "natural": 7,', 1)
    words = ("键「natural」", "出现了两次", "/applications/new")
    return Case(["validate", put_json(folder, "重复键.json", text)], 2, words)


# --- rosters ------------------------------------------------------------------------------------


def roster_with_cr_only(folder: Path) -> Case:
    put_json(folder, "安阳.json", seed())
    name = hc.seed_document()["agency"]["name"]
    (folder / "名单.csv").write_bytes(f"单位名称,统一社会信用代码\r{name},\r某某县不存在局,\r".encode())
    return Case(["consolidate", folder / "安阳.json", "-o", folder / "汇总.json", "-r", folder / "名单.csv", "-q"], 1,
                ("名单 2 个单位，未报送 1 个",))


def roster_with_a_huge_field(folder: Path) -> Case:
    put_json(folder, "安阳.json", seed())
    (folder / "名单.csv").write_text('单位名称\n"' + "局" * 200_000 + '"\n', encoding="utf-8")
    return Case(["consolidate", folder / "安阳.json", "-o", folder / "汇总.json", "-r", folder / "名单.csv", "-q"], 2,
                ("名单.csv 第", "131072"))


# --- glob loops -----------------------------------------------------------------------------------


def glob_through_a_link_to_its_parent(folder: Path) -> Case:
    inputs = folder / "各单位"
    (inputs / "乙").mkdir(parents=True)
    put_json(inputs, "甲.json", seed(**{"agency/name": "甲局"}))
    put_json(inputs / "乙", "乙.json", seed(**{"agency/name": "乙局"}))
    (inputs / "乙" / "上一级").symlink_to("..", target_is_directory=True)
    (inputs / "自己").symlink_to(".", target_is_directory=True)
    out = folder / "汇总.json"
    return Case(["consolidate", f"{inputs}/**/*.json", inputs, "-o", out, "-q", "-j", "1"], 0,
                ("汇总 2 个", "未进入", "上一级"), outputs=(out,))


# --- terminal escapes -----------------------------------------------------------------------------


def escape_sequence_in_a_cell(folder: Path) -> Case:
    """``_x001B_]0;PWNED_x0007_625`` as Excel writes control characters into a shared string:
    python-calamine turns it into ESC ] 0 ; PWNED BEL 625, which a terminal would obey."""
    base = hc.template_bytes()
    sheet, address = hc.where()
    path = hc.with_cell("MARKER")(folder, base)
    part = next(n for n, data in hc.entries_of(path.read_bytes()) if b"MARKER" in data)
    escaped = b"_x001B_]0;PWNED_x0007_625"
    path.write_bytes(hc.replace_entry(path.read_bytes(), part, lambda x: x.replace(b"MARKER", escaped)))
    return Case(["validate", path], 1, ("\\x1b]0;PWNED\\x07625", f"{sheet}!{address}"), absent=("\x1b", "\x07"))


def escape_sequence_annotated(folder: Path) -> Case:
    """The same cell through ``--annotate``: the note and the result sheet show it escaped
    (a workbook cannot hold the raw characters)."""
    case = escape_sequence_in_a_cell(folder)
    out = folder / "标注.xlsx"
    return Case([*case.args, "--annotate", out], 1, case.words, case.absent, outputs=(out,),
                check=lambda f: _noted(out))


def _noted(path: Path) -> None:
    from openpyxl import load_workbook

    sheet, address = hc.where()
    assert "\\x1b]0;PWNED\\x07625" in load_workbook(path)[sheet][address].comment.text


def escape_sequence_in_a_json_value(folder: Path) -> Case:
    doc = _with_count("\x1b[2J\x1b]0;PWNED\x07\u202e")
    return Case(["validate", put_json(folder, "控制符.json", doc)], 1, ("TYPE", "\\x1b[2J", "\\u202e"),
                absent=("\x1b", "\x07", "\u202e"))


# --- sizes ----------------------------------------------------------------------------------------


def name_of_15_million_characters(folder: Path) -> Case:
    p = put_json(folder, "超长名称.json", seed(**{"agency/name": "局" * 5_000_000}))  # 15 MB of UTF-8
    out, table = folder / "汇总.xlsx", folder / "汇总.csv"
    return Case(["consolidate", p, "-o", out, "--csv", table, "--include-errors", "-q", "-j", "1"], (0, 1),
                ("汇总 1 个",), outputs=(out, table), max_output=1 << 20)


def name_of_15_million_characters_validated(folder: Path) -> Case:
    p = put_json(folder, "超长名称.json", seed(**{"agency/name": "局" * 5_000_000}))
    return Case(["validate", p], 1, ("TEXT", "单位名称", "超过上限 100 个字符"))


# --- formulas and links in inputs -----------------------------------------------------------------


def hyperlink_in_the_name_cell(folder: Path) -> Case:
    """The name cell as Excel saves a HYPERLINK formula: the formula and its cached result."""
    from nianbao.core.forms import agency_pointer
    from nianbao.core.layout import layout

    sheet, address = layout(hc.seed_document()["form"]).where[agency_pointer("name")]
    base = hc.template_bytes()
    index = [s.name for s in layout(hc.seed_document()["form"]).sheets].index(sheet) + 1
    cell = (f'<c r="{address}" t="str"><f>HYPERLINK("http://example.invalid/","安阳市卫生健康委员会")</f>'
            "<v>安阳市卫生健康委员会</v></c>").encode()

    def edit(xml: bytes) -> bytes:
        import re

        return re.sub(rf'<c r="{address}"[^>]*?(/>|>.*?</c>)'.encode(), cell, xml, count=1)

    path = folder / "超链接.xlsx"
    path.write_bytes(hc.replace_entry(base, f"xl/worksheets/sheet{index}.xml", edit))
    return Case(["validate", path], 0, ("FORMULA", f"{sheet}!{address}", "HYPERLINK", "1 个警告"), absent=("校验通过",))


def external_link_part(folder: Path) -> Case:
    path = folder / "外部链接.xlsx"
    path.write_bytes(with_external_link(hc.template_bytes()))
    return Case(["validate", path], 0, ("LINK", "外部链接", "file:///C:/机密/台账.xlsx"), absent=("校验通过",))


def with_external_link(xlsx: bytes) -> bytes:
    out = []
    for n, d in hc.entries_of(xlsx):
        if n == "[Content_Types].xml":
            d = d.replace(b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                          b'"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')
        if n == "xl/_rels/workbook.xml.rels":
            d = d.replace(b"</Relationships>", b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/'
                          b'officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/>'
                          b"</Relationships>")
        out.append((n, d))
    out.append(("xl/externalLinks/externalLink1.xml",
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/>'
                b"</sheetNames></externalBook></externalLink>"))
    out.append(("xl/externalLinks/_rels/externalLink1.xml.rels",
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                'openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
                'Target="file:///C:/机密/台账.xlsx" TargetMode="External"/></Relationships>'.encode()))
    return hc.rezip(out)


# name -> builder; each builder returns the Case to run
INPUT_CASES: dict[str, Callable[[Path], Case]] = {
    fn.__name__: fn
    for fn in (
        json_links_to_dev_zero, fifo_in_an_input_folder, fifo_as_roster, device_as_previous, fifo_as_fill_input,
        published_report_links_to_dev_zero,
        export_onto_a_fifo, export_onto_dev_null, consolidate_onto_a_fifo,
        name_not_utf8, name_not_utf8_validate_json, name_not_utf8_export, lone_surrogate_in_a_name,
        amounts_of_1e308, amount_1e308_validates_as_an_error, count_of_400_digits, count_of_400_digits_filled,
        digits_beyond_python, number_beyond_double, nan_constant, superscript_digit, circled_digit,
        nested_300_levels, nested_100000_levels, duplicate_key,
        roster_with_cr_only, roster_with_a_huge_field,
        glob_through_a_link_to_its_parent,
        escape_sequence_in_a_cell, escape_sequence_annotated, escape_sequence_in_a_json_value,
        name_of_15_million_characters, name_of_15_million_characters_validated,
        hyperlink_in_the_name_cell, external_link_part,
    )
}
