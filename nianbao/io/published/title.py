"""The agency and the year, read from the report's title.

Titles vary: "某某局2020年政府信息公开工作年度报告", "某某局2020年度政府信息公开工作年度报告",
"某某局关于2020年政府信息公开工作年度报告", "2020年某某局政府信息公开工作年度报告", or the
agency on the line above "2020 年政府信息公开工作年度报告", "某某局2023年政府信息公开年度报告"
(without 工作), a title broken over two lines ("2025 年某某局政府信息公开" / "工作年度报告"), a
crawler's page header before it ("标题：某某局2023年…年度报告-某某局"). A line naming the report's
title but no year (a breadcrumb, "当前位置：首页 > … > 政府信息公开工作年度报告") is not the title.
"""

from __future__ import annotations

import re
import unicodedata

from ...core.forms import REPORT_TITLE
from .grid import Cell, Grid

_YEAR = re.compile(r"((?:19|20)\d{2})年度?")
_NOISE = re.compile(r"^(关于|《)|(关于|的|》|:|：)$")
_NOT_AGENCY = re.compile(r"[0-9>＞/|:：]|首页|当前位置|来源|时间|字号")
_FIELD = re.compile(r"^(?:标题|题名|名称|文章标题|信息名称)[:：]")  # a crawler's or a page's field name
# the title as printed: the official words, or without 工作 ("政府信息公开年度报告")
_TITLE = re.compile("|".join(map(re.escape, sorted({REPORT_TITLE, REPORT_TITLE.replace("工作", "")}, key=len)[::-1])))


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def find_title(rows: Grid, limit: int = 400) -> tuple[str | None, int | None, Cell | None]:
    """(agency, year, the title's cell) from the first row that is the report's title."""
    previous: Cell | None = None
    head_rows = rows[:limit]
    for i, row in enumerate(head_rows):
        if len(row) != 1:
            previous = None
            continue
        cell = row[0]
        text = _compact(cell.text)
        m = _TITLE.search(text)
        if m is None and i + 1 < len(head_rows) and len(head_rows[i + 1]) == 1:  # broken over two lines
            m = _TITLE.search(joined := text + _compact(head_rows[i + 1][0].text))
            if m is not None and m.start() < len(text):
                text = joined
            else:
                m = None
        if m is not None and len(text) <= 80:
            head = _FIELD.sub("", text[: m.start()])
            y = _YEAR.search(head)
            if y:
                agency = head[: y.start()] + head[y.end() :]
                for _ in range(2):
                    agency = _NOISE.sub("", agency)
                if not agency and previous is not None:
                    prev = _compact(previous.text)
                    if 2 <= len(prev) <= 40 and not _NOT_AGENCY.search(prev):
                        agency = prev
                return agency or None, int(y.group(1)), cell
        previous = cell
    return None, None, None
