"""The lists of a summary workbook, as plain rows: what each sheet says, not how it looks.

* 各单位明细 — one row per input file: agency, codes, source file, status, whether it was
  summed and why not, and the headline numbers (filterable);
* 问题清单 — every finding of every input (and every break across years, with both files
  and cells), with file, sheet, cell, rule and message;
* 未报送 — agencies on the roster with no report, and reports from agencies not on it;
* 重复报送 — the agencies held by more than one input, each input on its own row, then the
  look-alike names to review;
* the hidden members sheet — what the summary holds (code, name, file hash).

Every text copied from the inputs goes through :func:`nianbao.core.sanitize.safe_text`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ...core.forms import FORM_LABEL, NAME_LABEL, REGION_LABEL, SOURCE_LABEL, USCC_LABEL, YEAR_LABEL
from ...core.model import model
from ...core.sanitize import safe_text
from ..marker import DETAIL_SHEET, DUPLICATES_SHEET, MISSING_SHEET, PREVIOUS_SHEET, PROBLEMS_SHEET
from ..outcome import Entry, Outcome, describe, plain

# Column headers (the numbers' headers derive from the form, see :func:`headlines`).
DETAIL_HEADERS = (
    "序号", NAME_LABEL, USCC_LABEL, REGION_LABEL, YEAR_LABEL, FORM_LABEL, SOURCE_LABEL,
    "校验结果", "错误数", "警告数", "汇总情况", "未汇总原因",
)
PROBLEM_HEADERS = (SOURCE_LABEL, NAME_LABEL, "工作表", "单元格", "规则", "严重程度", "问题", "处理建议")
MISSING_HEADERS = ("类别", NAME_LABEL, USCC_LABEL, REGION_LABEL, "来源文件或名单行号")
DUPLICATE_HEADERS = ("组号", "重复依据", NAME_LABEL, USCC_LABEL, SOURCE_LABEL, "校验结果", "说明")
LONG_HEADERS = (NAME_LABEL, USCC_LABEL, REGION_LABEL, SOURCE_LABEL, "表", "行", "列", "字段", "数值")

MISSING = "未报送"
UNEXPECTED = "不在名单中"


@cache
def headlines(form: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The headline numbers of a report: (header, cell indexes to add) — the 总计 column of
    each top-level row of table 3 (for 三、本年度办理结果, its last row, （七）总计), and
    the 总计 of each group of table 4 (行政诉讼's two groups together)."""
    m = model(form)
    t3 = m.form.table("applications")
    total = t3.columns[-1]
    out: list[tuple[str, tuple[int, ...]]] = []
    for row in t3.rows:
        if row.is_leaf:
            out.append((f"{row.label}·{total.label}", (m.by_path[(t3.key, row.key, total.key)].index,)))
        else:
            last = row.children[-1]
            out.append((f"{row.label}{last.label}", (m.by_path[(t3.key, row.key, last.key, total.key)].index,)))
    t4 = m.form.table("appeals")
    heads: dict[str, list[int]] = {}
    for g in t4.groups:
        heads.setdefault(g.parent or g.label, []).append(m.by_path[(t4.key, g.key, g.columns[-1].key)].index)
    for head, indexes in heads.items():
        out.append((f"{head}·{t4.groups[0].columns[-1].label}", tuple(indexes)))
    return tuple(out)


def headline_headers(c: Outcome) -> tuple[str, ...]:
    return tuple(h for h, _ in headlines(c.form or "2021"))


def headline_values(entry: Entry) -> list[Any]:
    r = entry.record
    values = r.values
    if values is None or r.form is None:
        return [None] * len(headlines("2021"))
    out = []
    for _, indexes in headlines(r.form):
        vals = [values[i] for i in indexes]
        out.append(None if None in vals else plain(sum(vals)))
    return out


# ---------------------------------------------------------------------------------------
# Rows of each sheet, as plain data


def detail_rows(c: Outcome) -> Iterator[list[Any]]:
    for n, e in enumerate(c.entries, 1):
        r = e.record
        t = r.tally
        errors, warnings = (t.errors, t.warnings) if r.readable else (None, None)
        yield [
            n, safe_text(r.name), safe_text(r.uscc), safe_text(r.region_code), r.year, r.form, safe_text(r.source),
            r.status.display, errors, warnings, e.disposition.display, safe_text(e.reason), *headline_values(e),
        ]


def problem_rows(c: Outcome) -> Iterator[list[Any]]:
    for e in c.entries:
        for f in e.findings:
            yield [
                safe_text(e.record.source), safe_text(e.record.name), f.sheet or "", f.cell or (f.pointer or ""),
                f.rule, f.severity.display, safe_text(f.message), f.hint,
            ]
    if c.previous is not None:
        for b in c.previous.breaks:  # across years: both files, both cells
            f = b.finding
            source = f"{b.source or '汇总数'}；上年：{b.last_source or '上年汇总数'}"
            sheet, cell = (b.cells[0].split("!") if b.cells else ("", ""))
            where = "、".join(b.cells) + "；上年 " + "、".join(b.last_cells)
            yield [
                safe_text(source), safe_text(b.name), sheet, where, f.rule, f.severity.display,
                safe_text(f.message), f.hint,
            ]


def missing_rows(c: Outcome) -> Iterator[list[Any]]:
    for m in c.missing:
        yield [MISSING, safe_text(m.name), safe_text(m.uscc), safe_text(m.region_code), f"名单第 {m.line} 行"]
    for e in c.unexpected:
        r = e.record
        yield [UNEXPECTED, safe_text(r.name), safe_text(r.uscc), safe_text(r.region_code), safe_text(r.source)]


def duplicate_rows(c: Outcome) -> Iterator[list[Any]]:
    """Each agency held by more than one input (a group per agency, each input on its row),
    then each pair of look-alike names, for review."""
    n = 0
    for n, group in enumerate(c.duplicates, 1):
        for e in group:
            r = e.record
            if r.summary is None:
                name, code = r.name, r.uscc
            else:  # the agency in question, which this summary holds
                name, code = group.name, group.uscc
            yield [n, group.by, safe_text(name), safe_text(code), safe_text(r.source), r.status.display,
                   safe_text(e.reason), *headline_values(e)]
    for m, pair in enumerate(c.lookalikes, n + 1):
        note = f"名称「{pair.names[0]}」与「{pair.names[1]}」相近，仅作提示，均已按各自情况处理；请核对是否为同一单位"
        for e in pair.entries:
            r = e.record
            yield [m, pair.kind.display, safe_text(r.name), safe_text(r.uscc), safe_text(r.source), r.status.display,
                   note, *headline_values(e)]


def member_rows(c: Outcome) -> Iterator[list[Any]]:
    for p in c.members:
        yield [safe_text(p.uscc), safe_text(p.name), p.sha256, p.via if p.via != p.sha256 else ""]


class Note(str):
    """A line of the cover's notes; ``alert`` when it warns (shown bold red)."""

    alert: bool = False

    @classmethod
    def warning(cls, text: str) -> Note:
        note = cls(text)
        note.alert = True
        return note


def cover_notes(c: Outcome) -> list[str]:
    """What the summary's cover says about how it was made."""
    notes: list[str] = [
        (
            f"汇总说明：本报告由 {len(c.summed)} 份报告逐格相加而成（{describe(c.year, c.form, '，')}）；"
            f"共收到 {len(c.entries)} 个文件，未汇总 {len(c.left_out)} 个，详见「{DETAIL_SHEET}」。"
        )
    ]
    if c.include_errors:
        k = len(c.included_with_errors)
        text = f"注意：按要求（--include-errors），有错误的报告也计入了汇总，共 {k} 份"
        if c.unusable_cells:
            text += f"；其中 {c.unusable_cells} 个空白或无效的单元格未计入"
        notes.append(Note.warning(text + f"。本汇总可能不满足勾稽关系，请核对「{PROBLEMS_SHEET}」。"))
    if c.missing:
        notes.append(f"名单中有 {len(c.missing)} 个单位未报送，详见「{MISSING_SHEET}」。")
    if c.duplicates:
        notes.append(f"有 {len(c.duplicates)} 个单位重复报送，均未计入，详见「{DUPLICATES_SHEET}」。")
    if c.lookalikes:
        notes.append(f"有 {len(c.lookalikes)} 组单位名称相近，已分别汇总，请在「{DUPLICATES_SHEET}」中核对。")
    if c.previous is not None:
        breaks = len(c.previous.breaks)
        where = f"「{PREVIOUS_SHEET}」" + (f"与「{PROBLEMS_SHEET}」" if breaks else "")
        notes.append(f"与上年报告对比：{c.previous.line()}；详见{where}。")
    return notes




COMPARE_FIXED = ("类别", NAME_LABEL)
COMPARE_PARTS = ("本年", "上年", "变化", "变化率")
COMPARE_TAIL = ("提示", USCC_LABEL, "本年来源文件", "上年来源文件")
SWING_NOTE = "变化较大"
COMPARED = "可比单位合计"
ALL_REPORTS = "全部报告"
GROUPS_PER_PAGE = 2  # headline numbers printed side by side on one A4 page (each four columns)


def comparison_headers(c: Outcome) -> tuple[tuple[str, ...], tuple[tuple[str, int, int], ...]]:
    """The columns of 上年对比, and above them each headline number's title over its four
    columns (本年, 上年, 变化, 变化率)."""
    heads = headline_headers(c)
    first = len(COMPARE_FIXED) + 1
    groups = tuple((h, first + 4 * n, first + 4 * n + 3) for n, h in enumerate(heads))
    return (*COMPARE_FIXED, *(part for _ in heads for part in COMPARE_PARTS), *COMPARE_TAIL), groups


def comparison_pages(c: Outcome) -> tuple[int, ...]:
    """The columns after which 上年对比 breaks to a new page: a few headline numbers to a page,
    then the notes, codes and files (类别 and 单位名称 repeat on each)."""
    _, groups = comparison_headers(c)
    ends = [last for n, (_, _, last) in enumerate(groups, 1) if n % GROUPS_PER_PAGE == 0 or n == len(groups)]
    return (*ends, ends[-1] + len(COMPARE_TAIL))


def _numbers(form: str | None, values: Any) -> list[Any]:
    if values is None or form is None:
        return [None] * len(headlines("2021"))
    out = []
    for _, indexes in headlines(form):
        vals = [values[i] for i in indexes]
        out.append(None if None in vals else sum(vals))
    return out


def _added(rows: list[list[Any]], width: int) -> list[Any]:
    """Column by column sums of headline numbers (None where one of them is unknown)."""
    out: list[Any] = []
    for col in range(width):
        vals = [r[col] for r in rows]
        out.append(None if None in vals else sum(vals))
    return out


def compared_totals(c: Outcome) -> tuple[list[Any], list[Any], int]:
    """This year's and last year's headline numbers of the same agencies (the comparable
    ones; the totals themselves when last year's summary held exactly this year's agencies),
    and how many agencies that is."""
    cmp = c.previous
    if cmp.whole:
        return _numbers(c.form, c.values), _numbers(cmp.last.form, cmp.last.values), cmp.compared_count
    pairs = cmp.comparable
    width = len(headline_headers(c))
    now = _added([_numbers(p.this.record.form, p.this.record.values) for p in pairs], width)
    before = _added([_numbers(p.last.form, p.last.values) for p in pairs], width)
    return now, before, len(pairs)


def comparison_notes(c: Outcome) -> list[str]:
    """What 上年对比 says above its table: what its total compares, and what is missing."""
    cmp = c.previous
    if cmp is None:
        return []
    n = cmp.compared_count
    if cmp.whole:
        scope = f"两年的合计为同样的 {n} 个单位（上年为汇总表），直接比较"
    else:
        scope = f"「{COMPARED}」一行只比较两年都有报告、且本年已计入汇总的单位（可比单位 {n} 个）"
    notes: list[str] = [
        f"对比说明：{scope}；本年新增 {len(cmp.new)} 个、上年有本年无 {len(cmp.gone)} 个单位分别列出，不计入变化。"
    ]
    if cmp.incomplete:
        notes.append(Note.warning("注意：上年的输入不完整：" + "；".join(cmp.incomplete) + "。变化只就可比单位计算。"))
    return notes


def _compared(now: list[Any], before: list[Any], heads: tuple[str, ...]) -> tuple[list[Any], str]:
    from ..previous import swing

    cells: list[Any] = []
    flagged = []
    for h, a, b in zip(heads, now, before, strict=True):
        change, share, large = swing(a, b)
        cells += [a if type(a) is int else plain(a), b if type(b) is int else plain(b), change, share]
        if large:
            flagged.append(h.split("·")[0])
    return cells, (f"{SWING_NOTE}：" + "、".join(flagged)) if flagged else ""


def _side_by_side(now: list[Any], before: list[Any]) -> list[Any]:
    """Both years' numbers without a change: they hold different agencies."""
    return [v for a, b in zip(now, before, strict=True) for v in (plain(a), plain(b), None, None)]


def comparison_rows(c: Outcome) -> Iterator[list[Any]]:
    """上年对比: the comparable agencies' total first (and, when the two years' inputs hold
    different agencies, both years' whole totals side by side without a change), then each
    agency once: the comparable ones, those in both years but not summed this year, those new
    this year and those present only last year."""
    cmp = c.previous
    if cmp is None:
        return
    heads = headline_headers(c)
    now, before, n = compared_totals(c)
    cells, note = _compared(now, before, heads)
    yield [COMPARED, f"{safe_text(c.name)}：可比单位 {n} 个", *cells, note, "", "", ""]
    if not cmp.whole:
        whole = _side_by_side(_numbers(c.form, c.values), _numbers(cmp.last.form, cmp.last.values))
        yield [ALL_REPORTS, f"本年 {c.member_count} 个单位，上年 {cmp.last.member_count} 个单位", *whole,
               "两年的单位不同，不计算变化", "", "", ""]
    order = {True: 0, False: 1}
    for p in sorted(cmp.pairs, key=lambda p: (p.this is None, p.last is None, order[p.comparable], p.name)):
        now = _numbers(p.this.record.form, p.this.record.values) if p.this else [None] * len(heads)
        before = _numbers(p.last.form, p.last.values) if p.last else [None] * len(heads)
        cells, note = _compared(now, before, heads)
        if p.this is not None and p.last is not None and not p.comparable:
            note = "；".join(filter(None, ["本年报告未计入汇总，不在可比单位合计中", note]))
        elif p.held_last:
            note = "上年只在上年汇总表的合计中，无分单位数字"
        yield [
            p.status.display, safe_text(p.name), *cells, note, safe_text(p.uscc),
            safe_text(p.this.record.source) if p.this else "", safe_text(p.last.source) if p.last else "",
        ]
