#!/usr/bin/env python3
"""Regenerate schemas/report-<form>.schema.json from the form declarations.

The schema files are the published contract of the interchange format; they are built from
nianbao/forms.py and never edited by hand. tests/test_schema.py fails when they are stale.

Usage: python scripts/build_schemas.py [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.core.forms import FORMS  # noqa: E402
from nianbao.core.schema import build_schema, schema_filename  # noqa: E402
from nianbao.io.atomic import write_text  # noqa: E402


def render(form: str) -> str:
    return json.dumps(build_schema(form), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for form in FORMS:
        path = ROOT / "schemas" / schema_filename(form)
        text = render(form)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            write_text(path, text)
            print(f"已生成 {path.relative_to(ROOT)}")
    if stale:
        print("以下 schema 文件已过期，请运行 python scripts/build_schemas.py：" + "、".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
