#!/usr/bin/env python3
"""Benchmark: reading published reports (web page, text copies, Word, PDF) into the report
format, through the reader registry as ``nianbao validate`` and ``consolidate`` do, and the
libraries weighed for each format, measured in the same run.

    python scripts/bench_import.py [--n 200] [--no-pdf]
    python scripts/bench_import.py --n 200 --no-pdf --against 94dbbcc --rounds 3

``--against REV`` times another revision's code on the same publications in the same run:
each round reads them in a fresh process with this code and one with that code, alternating,
and the medians of the rounds are compared (a ratio above 1: this code is quicker).

Publications are generated from the two fixture reports (form 2019 and 2021) in the layouts
of tests/publications.py; the PDF is made from the Word file by LibreOffice (skipped when
it is not installed). Each line gives the median time per report and reports per second in
one process; the goals are 200 HTML or text reports a second and 20 PDF reports a second.
The comparison lines time only the part the library does (parsing a page into its cells;
finding a PDF's tables), against nianbao's whole read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, os.environ.get("NIANBAO_BENCH_CODE") or str(ROOT))  # (--against: the other code)

from benchtools import timed  # noqa: E402  (scripts/, beside this one)
from publications import to_docx, to_html, to_text  # noqa: E402

from nianbao.io.check import read  # noqa: E402  (readers.read, the published formats registered)

REPORTS = {
    "2019": ROOT / "tests/fixtures/seeds/anyang-2020.json",
    "2021": ROOT / "tests/fixtures/reports/shangzhi-2021.json",
}
GOALS = {"html": 200, "txt": 200, "pdf": 20}


def lxml_cells(path: Path) -> int:
    from lxml import html

    tree = html.fromstring(path.read_bytes())
    return sum(len(td.text_content()) for td in tree.iter("td", "th"))


def selectolax_cells(path: Path) -> int:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(path.read_bytes().decode("utf-8"))
    return sum(len(td.text()) for td in tree.css("td, th"))


def pdfplumber_tables(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return sum(len(t.extract()) for page in pdf.pages for t in page.find_tables())


def python_docx_cells(path: Path) -> int:
    import docx

    d = docx.Document(str(path))
    return sum(len(c.text) for t in d.tables for row in t.rows for c in row.cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="读取发布的年度报告（网页、文本、Word、PDF）的速度")
    parser.add_argument("--n", type=int, default=200, help="每种格式读取的次数（默认 200；Word、PDF 为其四分之一）")
    parser.add_argument("--no-pdf", action="store_true", help="不测 PDF（不调用 LibreOffice）")
    parser.add_argument("--against", metavar="REV", default=None,
                        help="同一次运行中与另一版本的代码交替计时（提交、标签或分支）")
    parser.add_argument("--rounds", type=int, default=3, help="与 --against 一起：交替的轮数（默认 3）")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # (a round: medians as JSON)
    args = parser.parse_args(argv)
    if args.against:
        return against(args)
    runs: dict[str, list[float]] = {}
    compare: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        files: dict[str, list[Path]] = {}
        for form, src in REPORTS.items():
            doc = json.loads(src.read_text(encoding="utf-8"))
            doc["agency"] = {"name": doc["agency"]["name"]}
            (tmp / f"{form}.html").write_bytes(to_html(doc))
            files.setdefault("html", []).append(tmp / f"{form}.html")
            for layout in ("tabs", "cells", "pipes"):
                p = tmp / f"{form}-{layout}.txt"
                p.write_text(to_text(doc, layout), encoding="utf-8")
                files.setdefault(f"txt（{layout}）", []).append(p)
            p = tmp / f"{form}.md"
            p.write_text(to_text(doc, "markdown"), encoding="utf-8")
            files.setdefault("md", []).append(p)
            to_docx(doc, tmp / f"{form}.docx")
            files.setdefault("docx", []).append(tmp / f"{form}.docx")
        exe = shutil.which("soffice") or shutil.which("libreoffice")
        if exe and not args.no_pdf:
            subprocess.run(
                [
                    exe,
                    f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(tmp / "pdf"),
                    *map(str, files["docx"]),
                ],
                capture_output=True,
                timeout=600,
                check=True,
            )
            files["pdf"] = sorted((tmp / "pdf").glob("*.pdf"))
        elif not args.no_pdf:
            print("未安装 LibreOffice，不测 PDF")
        for kind, paths in files.items():
            n = args.n if kind not in ("docx", "pdf") else max(args.n // 4, 5)
            for p in paths:
                loaded = read(p)
                assert not loaded.findings, (p, loaded.findings)
                runs.setdefault(kind, []).extend(timed(lambda p=p: read(p), n))
        html = files["html"][0]
        compare["  HTML 解析：selectolax（lexbor，采用）"] = timed(lambda: selectolax_cells(html), args.n)
        compare["  HTML 解析：lxml.html"] = timed(lambda: lxml_cells(html), args.n)
        compare["  Word：python-docx 读出全部单元格"] = timed(
            lambda: python_docx_cells(files["docx"][0]), max(args.n // 4, 5)
        )
        if "pdf" in files:
            try:
                compare["  PDF：pdfplumber 找表格（对照，未采用）"] = timed(
                    lambda: pdfplumber_tables(files["pdf"][0]), 5
                )
            except ImportError:
                print("未安装 pdfplumber，不做对照")
    if args.json:
        print(json.dumps({kind: statistics.median(times) for kind, times in runs.items()}))
        return 0
    print("读取发布的年度报告（nianbao.io.readers.read：识别表格、清洗数字、记录位置；单进程）")
    for kind, times in runs.items():
        med = statistics.median(times)
        goal = GOALS.get(kind.split("（")[0])
        verdict = f"  目标 {goal} 份/秒：{'达到' if 1 / med >= goal else '未达到'}" if goal else ""
        print(f"{kind:<14} 中位数 {med * 1000:7.2f} ms  {1 / med:8.0f} 份/秒  n={len(times)}{verdict}")
    print("各库单独的耗时（只含该库的部分）")
    for name, times in compare.items():
        med = statistics.median(times)
        print(f"{name:<36} 中位数 {med * 1000:7.2f} ms  {1 / med:8.0f} 份/秒  n={len(times)}")
    return 0


def against(args: argparse.Namespace) -> int:
    """This code and the code of ``args.against``, a fresh process each, alternating."""
    import subprocess as sp

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_consolidate import checkout

    with tempfile.TemporaryDirectory() as folder:
        base = checkout(args.against, Path(folder) / "baseline")
        medians: dict[str, dict[str, list[float]]] = {"this": {}, "base": {}}
        for r in range(args.rounds):
            for who, code in (("this", ROOT), ("base", base)):
                argv = [sys.executable, __file__, "--n", str(args.n), "--no-pdf", "--json"]
                env = {**os.environ, "NIANBAO_BENCH_CODE": str(code)}
                out = sp.run(argv, env=env, capture_output=True, text=True, check=True, cwd=folder).stdout
                for kind, med in json.loads(out.strip().splitlines()[-1]).items():
                    medians[who].setdefault(kind, []).append(med)
            print(f"第 {r + 1} 轮完成", file=sys.stderr)
    print(f"读取发布的年度报告：本版本与基线 {args.against}（同一次运行，交替 {args.rounds} 轮，各轮中位数的中位数）")
    for kind, mine in medians["this"].items():
        a, b = statistics.median(mine), statistics.median(medians["base"].get(kind, [float("nan")]))
        goal = GOALS.get(kind.split("（")[0])
        verdict = f"  目标 {goal} 份/秒：{'达到' if 1 / a >= goal else '未达到'}" if goal else ""
        print(f"{kind:<14} 本版本 {1 / a:7.0f} 份/秒  基线 {1 / b:7.0f} 份/秒  本版本为基线的 {b / a:.2f} 倍{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
