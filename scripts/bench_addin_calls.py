"""COM round trips of one click of the Excel add-in, counted by the stand-in of tests/.

Excel cannot run here: tests/xlwings_standin.py's FakeBook behaves like ``xw.Book`` for the
calls the back-end makes and counts each one (a property read or write, a method call on a
workbook, sheet, range, note, font or the application) as one COM round trip. This prints,
for 2021 reports with 0, 10 and 60 findings, the calls of a 校验 click on the fresh workbook,
of a second 校验 (which first clears the marks of the first) and of 清除标记; and, with
--by-kind, what they are.

    python scripts/bench_addin_calls.py [--by-kind]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from xlwings_standin import FakeBook, report_with_findings  # noqa: E402

from nianbao.excel.template import write_workbook  # noqa: E402
from xlwings_addin.backend import clear_book, validate_book  # noqa: E402

COUNTS = (0, 10, 60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--by-kind", action="store_true", help="每种调用的次数")
    args = ap.parse_args()
    print(f"{'findings':>8} {'marked cells':>12} {'校验':>6} {'再次校验':>8} {'清除标记':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in COUNTS:
            path = Path(tmp) / f"r{n}.xlsx"
            write_workbook(path, "2021", report_with_findings(n))
            book = FakeBook.from_xlsx(path)
            p = validate_book(book)
            first = dict(book.calls)
            book.calls.clear()
            validate_book(book)
            second = dict(book.calls)
            book.calls.clear()
            clear_book(book)
            third = dict(book.calls)
            found = p.tally.errors + p.tally.warnings
            print(f"{found:>8} {len(p.marks):>12} {sum(first.values()):>6} {sum(second.values()):>10} "
                  f"{sum(third.values()):>10}")
            if args.by_kind:
                for kind in sorted(set(first) | set(second) | set(third)):
                    counts = " ".join(f"{c.get(kind, 0):>6}" for c in (first, second, third))
                    print(f"{'':>8} {kind:<28} {counts}")


if __name__ == "__main__":
    main()
