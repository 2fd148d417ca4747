"""From a report document to the published report's :class:`~nianbao.publish.document.Document`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..core.findings import Finding
from ..core.forms import (
    DEFAULT_PROCUREMENT_UNIT,
    FILLED_DATE_KEY,
    FORMS,
    REPORT_TITLE,
    SUMMARY_KEY,
    SUMMARY_LEVEL_KEY,
    SUMMARY_MEMBERS_KEY,
    report_title,
    section_titles,
)
from ..core.model import model
from .document import (
    CLOSING,
    SUMMARY_NOTICE,
    TABLE_NOTE,
    WARNING_NOTICE,
    Block,
    Document,
    Paragraph,
    Section,
    Span,
    paragraph,
)
from .grids import grids
from .sentences import active_sentence, appeals_sentence, applications_sentence, states_fees

# How many of a refused report's errors the first page lists.
LISTED_ERRORS = 3
# What the first page of a document made from a report with errors says (--force).
UNVALIDATED = "本报告未通过校验"

UNKNOWN_YEAR = "____"


# Characters a document cannot hold (XML 1.0 forbids them) or that would break a line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ufffe\uffff\u2028\u2029]")


def printable(text: str) -> str:
    """Text copied from the report into the document: control characters and line breaks
    become spaces, and the ends are trimmed."""
    return _UNPRINTABLE.sub(" ", text).strip()


class PublishError(Exception):
    """A report that cannot be made into a document. ``str(error)`` is the Chinese message."""


def placeholder(text: str) -> Span:
    return Span(f"【{text}】", placeholder=True)


def summary_of(document: dict[str, Any]) -> tuple[str, int | None] | None:
    """(level name, how many agencies) when the report is a summary, else None."""
    meta = document.get("meta")
    info = meta.get(SUMMARY_KEY) if isinstance(meta, dict) else None
    if not isinstance(info, dict):
        return None
    agency = document.get("agency")
    name = agency.get("name") if isinstance(agency, dict) else None
    level = info.get(SUMMARY_LEVEL_KEY) or name or ""
    level = printable(level) if isinstance(level, str) else str(level)
    members = info.get(SUMMARY_MEMBERS_KEY)
    count = len(members) if isinstance(members, list) else members
    return level, count if type(count) is int else None


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def closing(name: str, meta: Any) -> tuple[Paragraph, ...]:
    """The 落款: the agency's name, then the date (the report's 填报日期 as 2021年1月20日, or a
    place for the agency to write it)."""
    filled = meta.get(FILLED_DATE_KEY) if isinstance(meta, dict) else None
    m = _DATE.fullmatch(filled.strip()) if isinstance(filled, str) else None
    date = Span(f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日") if m else placeholder("成文日期")
    return (paragraph(name or placeholder("单位名称"), kind=CLOSING), paragraph(date, kind=CLOSING))


def compose(document: dict[str, Any], findings: Sequence[Finding] = ()) -> Document:
    """The published report of ``document``. ``findings`` are what validation found: when
    any is an error the first page says the report has not passed validation."""
    form_key = document.get("form")
    if form_key not in FORMS:
        raise PublishError(f"无法识别报告的表式「{form_key}」，不能生成年度报告文档（表式应为 {' 或 '.join(FORMS)}）")
    m = model(form_key)
    form = m.form
    values = m.values(document)
    agency = document.get("agency")
    name = agency.get("name") if isinstance(agency, dict) else None
    name = printable(name) if isinstance(name, str) else ""
    year = document.get("year")
    year_text = str(year) if type(year) is int else UNKNOWN_YEAR

    notices: list[Paragraph] = []
    errors = [f for f in findings if f.is_error]
    if errors:
        listed = "；".join(f.message for f in errors[:LISTED_ERRORS])
        more = "等" if len(errors) > LISTED_ERRORS else ""
        notices.append(paragraph(
            f"{UNVALIDATED}：发现错误 {len(errors)} 个（{listed}{more}），数字可能有误，"
            "不得作为正式报告公开。请更正后重新生成。",
            kind=WARNING_NOTICE,
        ))
    summary = summary_of(document)
    if summary is not None:
        level, count = summary
        covers = f"，汇总了 {count} 个单位的报告" if count is not None else ""
        notices.append(paragraph(f"本报告为{level}的汇总报告{covers}。", kind=SUMMARY_NOTICE))

    meta = document.get("meta")
    units = {}
    for cell in m.amount_cells:
        if cell.column.unit_key:
            unit = meta.get(cell.column.unit_key) if isinstance(meta, dict) else None
            units[cell.column.unit_key] = unit or DEFAULT_PROCUREMENT_UNIT
    # the form prints no unit for these amounts (采购总金额 of form 2019): a note under the table
    unit_notes = tuple(
        paragraph(f"注：{cell.column.label}的单位为{units[cell.column.unit_key]}。", kind=TABLE_NOTE)
        for cell in m.amount_cells if cell.column.unit_key
    )
    tables = grids(m, values)
    preamble = (
        paragraph(
            "本报告根据《中华人民共和国政府信息公开条例》的规定编制，所列数据的统计期限"
            f"自{year_text}年1月1日起至{year_text}年12月31日止。"
        ),
    )
    titles = section_titles(form)  # 一 … 六, the blocks below in that order
    blocks: list[tuple[Block, ...]] = [
        (paragraph(placeholder("请在此填写本机关本年度政府信息公开工作的总体情况")),),
        (paragraph(active_sentence(m, values, units)), tables["active"], *unit_notes),
        (paragraph(applications_sentence(m, values)), tables["applications"]),
        (paragraph(appeals_sentence(m, values)), tables["appeals"]),
        (paragraph(placeholder("请在此填写本机关政府信息公开工作存在的主要问题及改进情况")),),
        (paragraph(placeholder(
            "请在此填写其他需要报告的事项，包括本年度收取信息处理费的情况（未收取的写明本年度未收取信息处理费）"
            if states_fees(form) else "请在此填写其他需要报告的事项；没有的写“无”"
        )),),
    ]
    return Document(
        title=report_title(name, year_text),
        notices=tuple(notices),
        preamble=preamble,
        sections=tuple(Section(t, b) for t, b in zip(titles, blocks, strict=True)),
        title_parts=(name, f"{year_text}年", REPORT_TITLE),
        closing=closing(name, meta),
    )
