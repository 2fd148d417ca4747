#!/usr/bin/env python3
"""Generate examples/: a county's agency workbooks (2020 reports, form 2019) and a roster.

    python scripts/make_examples.py            # writes examples/各单位报告/ and the roster

The set holds the three real seed reports (tests/fixtures/seeds) and synthetic departments
of 张店区 with plausible numbers that satisfy every identity, plus the cases a disclosure
office meets every January: a report with a warning, one with an error, a department that
sent its report twice, one that also sent last year's report, one whose 采购总金额 is in 元,
and a department on the roster that sent nothing. The generated files are committed;
regenerating gives the same bytes.

:func:`synthetic_report` is also used by scripts/bench_consolidate.py.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's nianbao, also when run without installing it

from nianbao.core.agency_codes import uscc_check_char  # noqa: E402  (needs the sys.path insert above)
from nianbao.core.forms import NAME_LABEL, REGION_LABEL, USCC_LABEL  # noqa: E402
from nianbao.core.model import model  # noqa: E402
from nianbao.excel.template import write_workbook  # noqa: E402

EXAMPLES = ROOT / "examples"
REPORTS = EXAMPLES / "各单位报告"
ROSTER = EXAMPLES / "应报送单位名单.csv"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

REGION = "370303"  # 山东省淄博市张店区
YEAR = 2020
FORM = "2019"


def uscc(region: str, serial: int) -> str:
    """A well-formed 统一社会信用代码 of a 机关 (登记管理部门 1, 类别 1) in ``region``."""
    first17 = f"11{region}{serial:09d}"
    return first17 + uscc_check_char(first17)


def _split(rng: random.Random, total: int, parts: int, weights: list[float]) -> list[int]:
    """``total`` split into ``parts`` whole numbers, roughly by ``weights``."""
    out = [0] * parts
    for _ in range(total):
        out[rng.choices(range(parts), weights)[0]] += 1
    return out


def synthetic_report(
    rng: random.Random, form: str, year: int, agency: dict[str, str], size: float = 1.0
) -> dict[str, Any]:
    """A report that satisfies every identity (I1–I4) and warning (W1–W3) of its form.

    Walks the form model's cells, so it fits either form: table 3 is built column by column
    (outcomes first, then their total, then 一 and 二 so that I1 holds), table 4 group by
    group; table 2 with stocks that never go negative.
    """
    m = model(form)
    values: dict[tuple[str, ...], Any] = {}
    t3 = m.form.table("applications")
    applicants = [c.key for c in t3.columns[:-1]]
    weights = [0.78, 0.12, 0.01, 0.02, 0.05, 0.02][: len(applicants)]
    outcome_leaves = [c.path[2:-1] for c in m.cells if c.path[0] == "applications" and c.path[1] == "outcomes"
                      and c.path[2] != "total" and c.column.key == applicants[0]]
    leaf_weights = {p: (30 if p[0] == "disclosed" else 8 if p[0] in ("partially_disclosed", "unable") else 2)
                    for p in outcome_leaves}
    new_total = int(rng.gammavariate(2.0, 12 * size))
    carried_total = rng.randint(0, max(1, new_total // 10))
    new = _split(rng, new_total, len(applicants), weights)
    carried = _split(rng, carried_total, len(applicants), weights)
    for j, col in enumerate(applicants):
        available = new[j] + carried[j]
        forward = rng.randint(0, available // 8) if available else 0
        done = _split(rng, available - forward, len(outcome_leaves), [leaf_weights[p] for p in outcome_leaves])
        for p, v in zip(outcome_leaves, done, strict=True):
            values[("applications", "outcomes", *p, col)] = v
        values[("applications", "outcomes", "total", col)] = available - forward
        values[("applications", "new", col)] = new[j]
        values[("applications", "carried_over", col)] = carried[j]
        values[("applications", "carried_forward", col)] = forward
    rows = {c.path[:-1] for c in m.cells if c.path[0] == "applications"}
    for row in rows:
        values[(*row, "total")] = sum(values[(*row, col)] for col in applicants)
    for g in m.form.table("appeals").groups:
        parts = [c.key for c in g.columns[:-1]]
        n = rng.choice([0, 0, 0, 1, 1, 2, 3]) if g.key == "review" else rng.choice([0, 0, 0, 0, 1, 2])
        split = _split(rng, n, len(parts), [0.6, 0.1, 0.15, 0.15][: len(parts)])
        for k, v in zip(parts, split, strict=True):
            values[("appeals", g.key, k)] = v
        values[("appeals", g.key, g.columns[-1].key)] = n
    for c in m.cells:
        if c.path[0] != "active":
            continue
        row, col = c.path[1], c.path[2]
        if c.kind == "amount":
            v = round(rng.uniform(0, 800 * size), 2) if rng.random() < 0.7 else 0
        elif col in ("prev_items",):
            v = rng.randint(0, int(120 * size))
        elif col == "change":
            prev = values[("active", row, "prev_items")]
            v = rng.randint(-min(prev, 8), 12)
        elif col in ("total_published", "in_force"):
            v = None  # below, from the row's other columns
        elif col == "repealed":
            v = rng.randint(0, 3)
        else:
            busy = row in ("licensing", "penalty", "other_services")
            v = int(rng.gammavariate(1.5, 40 * size)) if busy else rng.randint(0, 6)
        values[c.path] = v
    for c in m.cells:
        if c.path[0] == "active" and values[c.path] is None:
            row = c.path[1]
            if c.path[2] == "total_published":  # W2: ≥ 本年新公开数量
                values[c.path] = values[("active", row, "new_published")] + rng.randint(0, 60)
            else:  # W1: 现行有效 ≥ 制发 − 废止
                standing = values[("active", row, "issued")] - values[("active", row, "repealed")]
                values[c.path] = max(0, standing) + rng.randint(0, 40)
    doc = {"form": form, "year": year, "agency": dict(agency), **m.document([values[c.path] for c in m.cells])}
    doc["meta"] = {"filled_date": f"{year + 1}-01-{rng.randint(10, 28):02d}"}
    return doc


DEPARTMENTS = [
    # name, serial of its USCC, size (how busy), what is special about it
    ("张店区人民政府办公室", 4001, 1.6, ""),
    ("张店区发展和改革局", 4002, 1.0, "also_last_year"),
    ("张店区教育和体育局", 4003, 1.4, ""),
    ("淄博市公安局张店分局", 4004, 1.8, ""),
    ("张店区民政局", 4005, 0.8, "warning"),
    ("张店区财政局", 4006, 0.9, "duplicate"),
    ("张店区人力资源和社会保障局", 4007, 1.2, ""),
    ("张店区住房和城乡建设局", 4008, 1.3, "error"),
    ("张店区市场监督管理局", 4009, 1.5, "yuan"),
    ("张店区交通运输局", 4010, 0.7, ""),
    ("张店区应急管理局", 4011, 0.6, "not_submitted"),
]


def build() -> list[tuple[str, dict[str, Any]]]:
    """The example reports: (file name, report), and the roster rows."""
    rng = random.Random(20210131)
    out: list[tuple[str, dict[str, Any]]] = []
    for seed in sorted(SEEDS.glob("*.json")):
        doc = json.loads(seed.read_text(encoding="utf-8"))
        out.append((f"{doc['agency']['name']}.xlsx", doc))
    for name, serial, size, special in DEPARTMENTS:
        agency = {"name": name, "uscc": uscc(REGION, serial), "region_code": REGION,
                  "contact": rng.choice(["王", "李", "张", "刘", "陈"]) + rng.choice(["敏", "静", "伟", "强", "磊"]),
                  "phone": f"0533-{rng.randint(2100000, 2999999)}"}
        doc = synthetic_report(rng, FORM, YEAR, agency, size)
        if special == "not_submitted":
            continue
        if special == "warning":  # W2: 对外公开总数量 smaller than 本年新公开数量
            doc["active"]["normative_documents"]["new_published"] = 9
            doc["active"]["normative_documents"]["total_published"] = 6
        if special == "error":  # I1 fails in the 自然人 column: one application lost
            doc["applications"]["new"]["natural"] += 1
            doc["applications"]["new"]["total"] += 1
        if special == "yuan":  # 采购总金额 declared in 元: converted exactly to 万元 when summed
            doc["meta"]["procurement_amount_unit"] = "元"
            doc["active"]["procurement"]["amount"] = 1234500
        out.append((f"{name}.xlsx", doc))
        if special == "duplicate":  # sent again after a correction: both copies are held back
            again = json.loads(json.dumps(doc))
            again["active"]["licensing"]["decisions"] += 3
            out.append((f"{name}（修改后重报）.xlsx", again))
        if special == "also_last_year":  # last year's report sent by mistake
            last = synthetic_report(rng, FORM, YEAR - 1, agency, size)
            out.append((f"{name}（{YEAR - 1}年度）.xlsx", last))
    return out


def roster_rows() -> list[tuple[str, str, str]]:
    rows = []
    for seed in sorted(SEEDS.glob("*.json")):
        a = json.loads(seed.read_text(encoding="utf-8"))["agency"]
        rows.append((a["name"], a.get("uscc", ""), a.get("region_code", "")))
    rows += [(name, uscc(REGION, serial), REGION) for name, serial, _, _ in DEPARTMENTS]
    return rows


def write_examples(reports: Path = REPORTS, roster: Path = ROSTER) -> int:
    """Write the example workbooks into ``reports`` and the roster to ``roster``."""
    reports.mkdir(parents=True, exist_ok=True)
    for old in reports.glob("*.xlsx"):
        old.unlink()
    examples = build()
    for filename, doc in examples:
        write_workbook(reports / filename, doc["form"], doc)
    lines = [f"{NAME_LABEL},{USCC_LABEL},{REGION_LABEL}"]
    lines += [",".join(r) for r in roster_rows()]
    roster.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return len(examples)


def main() -> None:
    n = write_examples()
    print(f"已生成 {n} 份报告和名单 {ROSTER.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
