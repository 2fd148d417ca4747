"""Native Excel charts of a summary, in a sheet of their own (图表).

Each chart reads a small table written beside it in the same sheet (so a person can check
the numbers, and Excel, WPS and LibreOffice all draw it from the cells):

* 申请办理结果 — the outcomes of this year's applications (table 3, rows （一）–（六）);
* 新收申请的申请人类型 — this year's new applications by kind of applicant;
* 新收申请最多的单位 — the 20 agencies with the most new applications;
* 本年与上年 — with ``--previous``, this year's headline numbers beside last year's.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from ...core.model import model
from ...core.sanitize import safe_text
from ..marker import CHARTS_SHEET
from ..outcome import Outcome, plain
from .lists import compared_totals, headlines
from .sheetxml import print_setup

TOP_AGENCIES = 20
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")  # a row label's note in brackets, too long for a chart
ROWS_PER_CHART = 21  # rows of the sheet each chart takes at least, one under the other
PAGE_ROWS = 2 * ROWS_PER_CHART  # rows a printed page holds: two charts; a chart never crosses a page
CHART_HEIGHT = 9.5  # cm, within those rows
BAR_HEIGHT = 0.6  # cm of chart per bar of a long list: room for every label, none skipped
ROW_HEIGHT = 0.53  # cm: a row of the sheet (15 points)


def chart_height(bars: int) -> float:
    """A chart's height (cm): the usual one, or taller where its bars need it."""
    return max(CHART_HEIGHT, BAR_HEIGHT * bars + 3)


def outcome_rows(c: Outcome) -> list[tuple[str, Any]]:
    """(row label, total) of each result of table 3 but the total itself."""
    if c.form is None or c.values is None:
        return []
    m = model(c.form)
    t3 = m.form.table("applications")
    total = t3.columns[-1].key
    results = next(r for r in t3.rows if not r.is_leaf)
    out = []
    for row in results.children[:-1]:  # （七）总计 is their sum
        paths = [(t3.key, results.key, row.key, total)] if row.is_leaf else [
            (t3.key, results.key, row.key, leaf.key, total) for leaf in row.children
        ]
        value = sum(c.values[m.by_path[p].index] or 0 for p in paths)
        out.append((_TRAILING_NOTE.sub("", row.label), plain(value)))
    return out


def applicant_rows(c: Outcome) -> list[tuple[str, Any]]:
    """(kind of applicant, count) of this year's new applications."""
    if c.form is None or c.values is None:
        return []
    m = model(c.form)
    t3 = m.form.table("applications")
    first = t3.rows[0]
    prefix = f"/{t3.key}/{first.key}/"
    return [
        (cell.column_label, plain(c.values[cell.index]))
        for cell in m.cells
        if cell.pointer.startswith(prefix) and cell.index not in m.derived
    ]


def top_rows(c: Outcome, n: int = TOP_AGENCIES) -> list[tuple[str, Any]]:
    """The ``n`` summed agencies with the most new applications (the first headline)."""
    rows = []
    for e in c.summed:
        r = e.record
        if r.values is None or r.form is None:
            continue
        _, indexes = headlines(r.form)[0]
        vals = [r.values[i] for i in indexes]
        if None not in vals:
            rows.append((r.name or Path(r.source).name, sum(vals)))
    rows.sort(key=lambda kv: (-kv[1], kv[0]))
    return [(safe_text(name), plain(value)) for name, value in rows[:n]]


def year_rows(c: Outcome) -> list[tuple[str, Any, Any]]:
    """(headline, this year, last year) of the comparable agencies' totals (as 上年对比's
    first row: like with like), with ``--previous``."""
    cmp = c.previous
    if cmp is None or c.form is None or not cmp.compared_count:
        return []
    now, before, _ = compared_totals(c)
    return [(head.split("·")[0], plain(a), plain(b)) for (head, _), a, b in zip(headlines(c.form), now, before,
                                                                                strict=True) if None not in (a, b)]


def add_charts(wb: Any, c: Outcome) -> None:
    """The sheet 图表: for each chart, its table (columns A–C) and the chart beside it."""
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties
    from openpyxl.styles import Font
    from openpyxl.worksheet.pagebreak import Break

    ws = wb.create_sheet(CHARTS_SHEET)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 12
    bold = Font(bold=True)
    top = page_top = 1
    sheets: list[tuple[str, list[str], list[tuple[Any, ...]], str]] = [
        ("申请办理结果（件）", ["办理结果", "件数"], list(outcome_rows(c)), "bar"),
        ("新收申请的申请人类型（件）", ["申请人类型", "件数"], list(applicant_rows(c)), "pie"),
        (f"新收申请最多的 {TOP_AGENCIES} 个单位（件）", ["单位", "新收申请"], list(top_rows(c)), "bar"),
    ]
    if c.previous is not None:
        years = ["项目", f"{c.year} 年", f"{(c.year or 1) - 1} 年"]
        sheets.append((f"本年与上年（可比单位 {c.previous.compared_count} 个）", years, list(year_rows(c)), "bar"))
    for title, headers, rows, kind in sheets:
        if not rows:
            continue
        height = chart_height(len(rows) * (len(headers) - 1)) if kind == "bar" else CHART_HEIGHT
        span = max(ROWS_PER_CHART, len(rows) + 3, math.ceil(height / ROW_HEIGHT) + 1)
        if top > page_top and top - page_top + span > PAGE_ROWS:  # on a page of its own
            ws.row_breaks.append(Break(id=top - 1))
            page_top = top
        ws.cell(top, 1, title).font = bold
        for col, h in enumerate(headers, 1):
            ws.cell(top + 1, col, h).font = bold
        for n, row in enumerate(rows, top + 2):
            for col, v in enumerate(row, 1):
                cell = ws.cell(n, col, v)
                if isinstance(v, str):
                    cell.data_type = "s"  # text as typed, never a formula
        first, last = top + 2, top + 1 + len(rows)
        labels = Reference(ws, min_col=1, min_row=first, max_row=last)
        data = Reference(ws, min_col=2, max_col=len(headers), min_row=top + 1, max_row=last)
        chart: Any
        labels_only = DataLabelList(showVal=kind != "pie", showPercent=kind == "pie", showCatName=False,
                                    showSerName=False, showLegendKey=False)
        if kind == "pie":
            chart = PieChart()
            chart.dataLabels = labels_only
        else:
            chart = BarChart()
            chart.type = "bar"  # horizontal: long labels read well
            chart.y_axis.title = "件数"
            chart.x_axis.scaling.orientation = "maxMin"  # the first row on top
            chart.y_axis.majorGridlines = None
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.gapWidth = 60
            chart.x_axis.tickLblSkip = 1  # every bar's name, however many
            chart.x_axis.tickMarkSkip = 1
            chart.dataLabels = labels_only  # every bar's number
            if len(headers) == 2:
                chart.legend = None
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(labels)
        chart.title = title
        chart.width = 22
        chart.height = height
        chart.graphical_properties = GraphicalProperties(ln=LineProperties(noFill=True))  # no frame to stray
        chart.roundedCorners = False
        ws.add_chart(chart, f"E{top}")
        top += span
    print_setup(ws, title_rows="")
    ws.page_setup.fitToHeight = 0


__all__ = ["add_charts", "applicant_rows", "outcome_rows", "top_rows", "year_rows"]
