#!/usr/bin/env python3
"""Benchmark: the zip work of the container check, :mod:`zipfile` against the hand-written code.

    python scripts/bench_zip.py                 # filled templates, as our writer makes them
    python scripts/bench_zip.py --folder DIR    # any .xlsx files (e.g. LibreOffice's copies)

The rule (issue 13): where :mod:`zipfile` does the job at a cost under 0.05 ms per workbook,
use it; keep hand-written zip code only where zipfile is measurably costlier. Two jobs:

1. reading the central directory — ``zipfile.ZipFile(...).infolist()``, which
   :mod:`nianbao.io.container.zipcheck` now uses;
2. inflating every entry, size- and CRC-checked — ``ZipFile.read`` against
   :func:`nianbao.io.container.zipentries.inflated` (zlib-ng, one call per entry, no file object),
   which the quick check keeps.

Prints the median per workbook of each (``--repeat`` rounds over ``--n`` files) and the verdict.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from nianbao.io.container.zipentries import inflated  # noqa: E402
from nianbao.io.memory import Memory  # noqa: E402

LIMIT_MS = 0.05


def per_workbook(fn: Callable[[bytes], object], datas: list[bytes], repeat: int) -> float:
    """Median milliseconds per workbook over ``repeat`` rounds."""
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for data in datas:
            fn(data)
        rounds.append((time.perf_counter() - t0) / len(datas) * 1e3)
    return statistics.median(rounds)


def directory(data: bytes) -> object:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.infolist()


def zipfile_read_all(data: bytes) -> object:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [zf.read(info) for info in zf.infolist()]


def hand_read_all(infos: dict[bytes, list[zipfile.ZipInfo]]) -> Callable[[bytes], object]:
    memory = Memory()  # nothing kept between files: every entry inflated (key None)

    def read(data: bytes) -> object:
        return [inflated(data, info, None, memory) for info in infos[data]]

    return read


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, default=None, help="read these .xlsx files instead of generating")
    ap.add_argument("--n", type=int, default=100, help="workbooks")
    ap.add_argument("--repeat", type=int, default=15, help="rounds (median reported)")
    args = ap.parse_args()
    if args.folder:
        files = sorted(args.folder.rglob("*.xlsx"))[: args.n]
    else:
        from bench_consolidate import generate

        folder = Path(tempfile.mkdtemp(prefix="nianbao-bench-zip-"))
        generate(folder, args.n, min(args.n, 10), 20210131)
        files = sorted(folder.rglob("*.xlsx"))
    datas = [f.read_bytes() for f in files]
    infos = {d: directory(d) for d in datas}
    entries = statistics.median(len(i) for i in infos.values())
    print(f"{len(datas)} 个工作簿，每个约 {entries:.0f} 个部件；每项为每个工作簿的中位数（{args.repeat} 轮）")
    d = per_workbook(directory, datas, args.repeat)
    z = per_workbook(zipfile_read_all, datas, args.repeat)
    h = per_workbook(hand_read_all(infos), datas, args.repeat)
    print(f"  读取中央目录 zipfile.ZipFile().infolist()：{d:.4f} 毫秒"
          f"（{'低于' if d < LIMIT_MS else '高于'} {LIMIT_MS} 毫秒："
          f"{'用 zipfile' if d < LIMIT_MS else '手写值得保留'}）")
    print(f"  解压全部部件 zipfile.ZipFile.read：{z:.4f} 毫秒")
    print(f"  解压全部部件 nianbao.io.container.zipentries.inflated：{h:.4f} 毫秒"
          f"（zipfile 多 {z - h:.4f} 毫秒，{z / h:.1f}×：{'手写值得保留' if z - h >= LIMIT_MS else '用 zipfile'}）")


if __name__ == "__main__":
    main()
