#!/usr/bin/env python3
"""Benchmark: in-memory reports validated per second, schema included, on one core.

Compares, in the same run, nianbao's validate() with a baseline: the pure-Python
`jsonschema` validator checking the same schema alone (no identities). Goal: >= 5,000
reports/s for validate().

Usage: python scripts/bench_validate.py [--reports 2000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jsonschema  # noqa: E402

from nianbao import validate  # noqa: E402
from nianbao.core.schema import schema  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures"


def corpus(n: int) -> list[dict]:
    base = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*/*.json"))]
    base = [d for d in base if not validate(d) or d["agency"]["name"].startswith("张店")]
    out = []
    for i in range(n):
        d = json.loads(json.dumps(base[i % len(base)]))
        d["agency"]["name"] = f"单位{i}"
        out.append(d)
    return out


def rate(fn, docs, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    return len(docs) / med, times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()

    docs = corpus(args.reports)
    clean = [d for d in docs if not validate(d)]
    dirty = [d for d in docs if validate(d)]
    slow = {f: jsonschema.Draft202012Validator(schema(f)) for f in ("2019", "2021")}

    def baseline(d):
        return list(slow[d["form"]].iter_errors(d))

    r_clean, _ = rate(validate, clean, args.repeats)
    r_base, _ = rate(baseline, clean[: max(50, len(clean) // 20)], 3)
    print(f"validate()，有效报告（含 schema 与全部勾稽关系）: {r_clean:9.0f} 份/秒  "
          f"(中位数，{len(clean)} 份 × {args.repeats} 次)")
    if dirty:
        r_dirty, _ = rate(validate, dirty[:200], 3)
        print(f"validate()，有 160 处未填写的报告:              {r_dirty:9.0f} 份/秒")
    print(f"基线：纯 Python jsonschema 仅校验 schema:        {r_base:9.0f} 份/秒")
    verdict = "达到" if r_clean >= 5000 else "未达到"
    print(f"比值 validate / 基线: {r_clean / r_base:.1f}×；目标 ≥ 5000 份/秒：{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
