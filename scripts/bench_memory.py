#!/usr/bin/env python3
"""Benchmark: what reading's memory between workbooks (nianbao.io.memory) is worth.

    python scripts/bench_memory.py [--n 200] [--rounds 5]

Reads ``n`` workbooks of one template (other agencies, other numbers; written by the
template writer) with ``consolidation.records.examine`` — the whole work of one file in a
consolidation — in one process, four ways, alternating round by round: with every part of the
memory; without the sheet plans (each sheet read whole, as a template seen for the first
time); without the seen zip parts (every shared part inflated, CRC-checked and checked as
plain XML anew); without either. Prints the median CPU time per workbook of each way and its
ratio to the full memory, so that the second layer is kept only while it earns its keep.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.consolidation.records import examine  # noqa: E402
from nianbao.excel.template import write_workbook  # noqa: E402
from nianbao.io.memory import MEMORY  # noqa: E402

SEED = ROOT / "tests/fixtures/seeds/anyang-2020.json"


def workbooks(folder: Path, n: int) -> list[Path]:
    base = json.loads(SEED.read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        doc = copy.deepcopy(base)
        doc["agency"]["name"] = f"第{i}局"
        doc["applications"]["new"]["natural"] = i % 50
        p = folder / f"{i:04d}.xlsx"
        write_workbook(p, doc["form"], doc)
        out.append(p)
    return out


def forget_plans() -> None:
    MEMORY.forget_sheets()


def forget_parts() -> None:
    with MEMORY.lock:
        MEMORY.parts.clear()


WAYS = {
    "全部记忆（现行）": (),
    "不用工作表计划（每张表整张读取）": (forget_plans,),
    "不用已见部件（共享部件逐个解压、校验）": (forget_parts,),
    "两者都不用": (forget_plans, forget_parts),
}


def per_file(paths: list[Path], forget: tuple) -> float:
    """CPU seconds per workbook for one pass over ``paths``."""
    start = time.process_time()
    for p in paths:
        for f in forget:
            f()
        examine(str(p))
    return (time.process_time() - start) / len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="工作簿个数（默认 200）")
    parser.add_argument("--rounds", type=int, default=5, help="轮数（默认 5），各方式逐轮交替")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = workbooks(Path(tmp), args.n)
        per_file(paths, ())  # warm: imports, layouts, label catalogues
        times: dict[str, list[float]] = {w: [] for w in WAYS}
        for _ in range(args.rounds):
            for way, forget in WAYS.items():
                times[way].append(per_file(paths, forget))
    full = statistics.median(times["全部记忆（现行）"])
    print(f"{args.n} 个工作簿 × {args.rounds} 轮，单进程 CPU 时间中位数（consolidation.records.examine）：")
    for way, ts in times.items():
        m = statistics.median(ts)
        print(f"  {m * 1000:6.3f} 毫秒/个  {m / full:5.2f} 倍  {way}")


if __name__ == "__main__":
    main()
