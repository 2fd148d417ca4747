"""nianbao (年报): the government information disclosure annual report toolkit.

The library API (each command of the CLI is one of these calls)::

    from nianbao import validate, read, new_report
    findings = validate(document, previous=None)       # the interchange format (a dict)
    loaded = read("某局2023.xlsx")                      # any report file -> Loaded(document, ...)
    blank = new_report("2021", 2023, "某某局")          # a report of the form, every cell blank
    result = check_file("某局2023.xlsx")                # one file read and validated -> Result
    report = validate_files(paths, previous=None)      # a batch -> Report (tally, status, exit_code, to_dict())

    c = consolidate(["各单位报告/"], roster="名单.csv", previous=["上年报告/"])
    c.line(), c.document(), c.to_frame()               # the long table as a pandas DataFrame
    c.write("汇总.xlsx", csv="汇总.csv")                # both or neither, outputs checked and locked
    nianbao.publish.publish(document, "年度报告.docx")  # the report's document (.docx, .html, .md)
    read_published("某局年报.html")                     # a published report -> Loaded

The subpackages, bottom to top (each imports only those below it; see docs/ARCHITECTURE.md):
``nianbao.core`` (the forms as data, the model, findings, rules, schema, validation),
``nianbao.io`` (reading files into report documents; outputs written whole),
``nianbao.excel`` (the template, the marking plan and its openpyxl back-end),
``nianbao.consolidation`` (many reports into one summary), ``nianbao.cli`` (the command).
Names are imported on first use, so ``import nianbao`` costs next to nothing.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    "CATALOGUE": "nianbao.core.findings",
    "Finding": "nianbao.core.findings",
    "Result": "nianbao.core.findings",
    "Tally": "nianbao.core.findings",
    "Code": "nianbao.core.codes",
    "Severity": "nianbao.core.codes",
    "Status": "nianbao.core.codes",
    "FORMS": "nianbao.core.forms",
    "form_for_year": "nianbao.core.forms",
    "new_report": "nianbao.core.report",
    "validate": "nianbao.core.validate",
    "read": "nianbao.io.readers",
    "ReadError": "nianbao.io.readers",
    "check_file": "nianbao.io.check",
    "validate_files": "nianbao.io.check",
    "Report": "nianbao.io.check",
    "consolidate": "nianbao.consolidation.consolidate",
    "Consolidation": "nianbao.consolidation.consolidate",
    "read_published": "nianbao.io.published",
}

__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'nianbao' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
