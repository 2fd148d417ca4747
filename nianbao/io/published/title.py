"""The agency and the year, read from the report's title.

Titles vary: "某某局2020年政府信息公开工作年度报告", "某某局2020年度政府信息公开工作年度报告",
"某某局关于2020年政府信息公开工作年度报告", "2020年某某局政府信息公开工作年度报告", or the
agency on the line above "2020 年政府信息公开工作年度报告". A line naming the report's
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


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def find_title(rows: Grid, limit: int = 400) -> tuple[str | None, int | None, Cell | None]:
    """(agency, year, the title's cell) from the first row that is the report's title."""
    previous: Cell | None = None
    for row in rows[:limit]:
        if len(row) != 1:
            previous = None
            continue
        cell = row[0]
        text = _compact(cell.text)
        at = text.find(REPORT_TITLE)
        if at >= 0 and len(text) <= 80:
            head = text[:at]
            m = _YEAR.search(head)
            if m:
                agency = head[: m.start()] + head[m.end() :]
                for _ in range(2):
                    agency = _NOISE.sub("", agency)
                if not agency and previous is not None:
                    prev = _compact(previous.text)
                    if 2 <= len(prev) <= 40 and not _NOT_AGENCY.search(prev):
                        agency = prev
                return agency or None, int(m.group(1)), cell
        previous = cell
    return None, None, None
