#!/usr/bin/env python3
"""Benchmark: reading a filled template with nianbao's reader against a plain openpyxl read
of the same cells, measured in the same run.

    python scripts/bench_read.py [--n 200] [--form 2021]

The headline is the whole ``nianbao.io.readers.read`` — the container safety check of
nianbao.io.container.safety included, as every command reads a file — first, then its two parts (the
check alone; the reader alone, from the parts the check inflated: cell scan of
nianbao.io.xlsx.ooxml, layout check, cleaning, recomputing totals), the reader again with every
sheet read whole (the same file over and over is read by its values alone after the second
time, as workbooks from one template are: see nianbao.io.memory; this line is a template
seen for the first time), then the same reader over python-calamine (the fallback, with
the checks python-calamine needs), then openpyxl: its streaming ``read_only`` mode and the
baseline, a full ``load_workbook``. Each line gives the median time per workbook,
workbooks per second and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from benchtools import timed  # noqa: E402  (scripts/, beside this one)

from nianbao.core.layout import cell_index, layout  # noqa: E402
from nianbao.excel.template import write_workbook  # noqa: E402
from nianbao.io.container.safety import open_container  # noqa: E402
from nianbao.io.memory import MEMORY  # noqa: E402
from nianbao.io.readers import read  # noqa: E402
from nianbao.io.xlsx.workbook import read_workbook  # noqa: E402

HEADLINE = "nianbao.io.readers.read（含安全检查）"
REPORTS = {
    "2019": ROOT / "tests/fixtures/seeds/anyang-2020.json",
    "2021": ROOT / "tests/fixtures/reports/shangzhi-2021.json",
}


def openpyxl_read(path: Path, form: str) -> dict:
    """The baseline: openpyxl loading the workbook and fetching every cell of the layout."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {ptr: wb[sheet][a].value for ptr, (sheet, a) in layout(form).where.items()}
    wb.close()
    return out


def openpyxl_read_only(path: Path, form: str) -> dict:
    """openpyxl's streaming mode: every sheet as rows of values, then the layout's cells."""
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    grids = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    wb.close()
    out = {}
    for ptr, (sheet, a) in layout(form).where.items():
        row, col = cell_index(a)
        out[ptr] = grids[sheet][row][col]
    return out


def whole(path: Path, container) -> object:  # noqa: ANN001 - an Opened (the container check)
    """The reader as on a template seen for the first time: no sheet read by its values alone."""
    MEMORY.forget_sheets()
    return read_workbook(path, container=container)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="读取填好的模板：nianbao 与 openpyxl 的速度对比")
    parser.add_argument("--n", type=int, default=200, help="每种读取方式的次数（默认 200）")
    parser.add_argument("--form", choices=sorted(REPORTS), default="2021")
    args = parser.parse_args(argv)
    doc = json.loads(REPORTS[args.form].read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filled.xlsx"
        write_workbook(path, args.form, doc)
        size = path.stat().st_size
        container = open_container(path)
        runs = {
            HEADLINE: timed(lambda: read(path), args.n),
            "  其中：容器安全检查 open_container": timed(lambda: open_container(path), args.n),
            "  其中：读取器（用已解压的部件）": timed(lambda: read_workbook(path, container=container), args.n),
            "  读取器，每张表整张读取": timed(lambda: whole(path, container), args.n),
            "对照：python-calamine 读取器": timed(lambda: read_workbook(path, container=container, fast=False), args.n),
            "openpyxl read_only": timed(lambda: openpyxl_read_only(path, args.form), max(args.n // 4, 10)),
            "openpyxl（基线）": timed(lambda: openpyxl_read(path, args.form), max(args.n // 4, 10)),
        }
    base = statistics.median(runs["openpyxl（基线）"])
    print(f"表式 {args.form}，已填报告 {size} 字节，{len(layout(args.form).where)} 个单元格")
    head = statistics.median(runs[HEADLINE])
    print(f"读取一份工作簿（nianbao.io.readers.read，含安全检查）：中位数 {head * 1000:.3f} ms，"
          f"{1 / head:,.0f} 份/秒（单进程），比 openpyxl 快 {base / head:.1f} 倍")
    for name, times in runs.items():
        med = statistics.median(times)
        print(f"{name:<34} 中位数 {med * 1000:7.3f} ms  {1 / med:8.0f} 份/秒  "
              f"为基线的 {med / base:6.3f} 倍（快 {base / med:5.1f} 倍）  n={len(times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
