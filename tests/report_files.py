"""Writing test reports to disk: JSON, or a filled template for an .xlsx name."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.excel.template import write_workbook


def put(folder: Path, filename: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / filename
    if p.suffix == ".xlsx":
        write_workbook(p, doc["form"], doc)
    else:
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p
