#!/usr/bin/env python3
"""Import every published report of a folder and say, per file, how much of it was read.

    python scripts/real_reports.py DIR [--rows]

For each file (web pages, Word, PDF, text copies; any other suffix is passed over): the title
read (agency, year), the form chosen, rows read / rows of the form (a row of table 2 or 3, a
group of table 4), the rows refused (``AMBIGUOUS``: numbers found but not placed) and the rows
not found (``ABSENT``), each with the importer's own message; ``--rows`` lists every row read
with its numbers. The last line sums the folder. Nothing is written anywhere.

A row counts as read when every one of its cells has a place in the source (the label's row and
the column), so a row printed blank counts as read too (and is counted apart: a label printed with
no numbers at all); a refused row never counts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.core.codes import Code  # noqa: E402
from nianbao.core.model import model  # noqa: E402
from nianbao.io.published import SUFFIXES, read_published  # noqa: E402
from nianbao.io.published.labels import catalogue  # noqa: E402
from nianbao.io.readers import Loaded, ReadError  # noqa: E402


def _rows(loaded: Loaded) -> list[tuple[str, tuple[str, ...], bool]]:
    """(row name, its pointers, read) for every row of the form the document is in."""
    form = loaded.document["form"]
    cat = catalogue(form)
    slots = [s for s in cat.slots if s.table.key != "appeals"] + list(cat.group_slots)
    refused = {f.pointer for f in loaded.findings if f.rule == Code.AMBIGUOUS}
    out = []
    for s in slots:
        pointers = tuple("/" + "/".join(p) for p in s.paths)
        read = all(p in loaded.locations for p in pointers) and not (refused & set(pointers))
        out.append((s.name, pointers, read))
    return out


def report(path: Path, show_rows: bool) -> tuple[int, int, int]:
    print(f"== {path.name}")
    try:
        loaded = read_published(path)
    except ReadError as e:
        print(f"   无法读取：{e}")
        return 0, 0, 0
    doc = loaded.document
    agency = doc.get("agency", {}).get("name")
    print(f"   标题：单位「{agency or '（未读出）'}」 年度 {doc.get('year') or '（未读出）'} 表式 {doc['form']}")
    rows = _rows(loaded)
    read = sum(1 for _, _, ok in rows if ok)
    m = model(doc["form"])
    values = dict(zip((c.pointer for c in m.cells), loaded.values, strict=True))
    empty = sum(1 for _, pointers, ok in rows if ok and all(values.get(p) is None for p in pointers))
    print(f"   行：读出 {read} / 表式 {len(rows)}（其中 {empty} 行原文没有数字，按未填写）")
    if show_rows:
        for name, pointers, ok in rows:
            if ok:
                print(f"     {name}: {' '.join('' if values.get(p) is None else str(values[p]) for p in pointers)}")
    refused = [f for f in loaded.findings if f.rule == Code.AMBIGUOUS]
    absent = [f for f in loaded.findings if f.rule == Code.ABSENT]
    for label, found in (("未采用", refused), ("未找到", absent)):
        for f in found:
            print(f"   {label}：{f.message}")
    others = [f for f in loaded.findings if f.rule in (Code.POSITION, Code.SOURCE, Code.CELL)]
    for f in others:
        print(f"   提示（{f.rule}）：{f.message}")
    return read, len(rows), len(refused)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--rows", action="store_true", help="list every row read with its numbers")
    args = ap.parse_args(argv)
    files = sorted(p for p in args.folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    total = [0, 0, 0]
    for p in files:
        for i, n in enumerate(report(p, args.rows)):
            total[i] += n
    print(f"== 合计 {len(files)} 个文件：读出 {total[0]} / {total[1]} 行，未采用 {total[2]} 行")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
