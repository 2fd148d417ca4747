#!/usr/bin/env python3
"""Regenerate the blank templates in templates/ (one per form), deterministically.

    python scripts/build_templates.py           # write templates/年报模板-2021.xlsx, -2019.xlsx
    python scripts/build_templates.py --check   # exit 1 if a committed template is not current

The bytes are stable (fixed document and zip timestamps), so a regenerated template only
shows up in git when its content changed. tests/test_template.py checks the committed files
against a fresh build, cell by cell.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.core.forms import FORMS  # noqa: E402
from nianbao.excel.template import build_workbook, workbook_bytes  # noqa: E402
from nianbao.io.atomic import write_bytes  # noqa: E402

TEMPLATES = ROOT / "templates"


def filename(form: str) -> str:
    return f"年报模板-{form}.xlsx"


def build(form: str) -> bytes:
    return workbook_bytes(build_workbook(form))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="重新生成 templates/ 中的空白模板")
    parser.add_argument("--check", action="store_true", help="只检查已提交的模板是否为最新，不写文件")
    parser.add_argument("--out", type=Path, default=TEMPLATES, help="输出文件夹（默认 templates/）")
    args = parser.parse_args(argv)
    stale = []
    for form in sorted(FORMS, reverse=True):
        path = args.out / filename(form)
        data = build(form)
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes() == data:
            print(f"未变：{path}")
            continue
        write_bytes(path, data)
        print(f"已生成：{path}")
    if stale:
        for path in stale:
            print(f"不是最新：{path}（请运行 python scripts/build_templates.py）", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
