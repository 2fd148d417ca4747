"""Start-up stays light: the heavy libraries are imported where they are used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "各单位报告" / "张店区民政局.xlsx"
HEAVY = ("pandas", "numpy", "xlwings", "openpyxl")

PROBE = """
import json, sys
from nianbao.cli import main
try:
    main(sys.argv[1:], prog_name="nianbao")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy})), file=sys.stderr)
"""


def imported(*args: str) -> list[str]:
    probe = PROBE.format(heavy=set(HEAVY))
    run = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
    return json.loads(run.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("validate", "--help"),
        ("validate", str(EXAMPLE)),
        ("template", "--help"),
        ("consolidate", "--help"),
    ],
    ids=["help", "validate-help", "validate-xlsx", "template-help", "consolidate-help"],
)
def test_no_heavy_library_is_imported(args):
    assert imported(*args) == []


def test_writing_a_template_does_import_openpyxl(tmp_path):
    """The probe would see it: openpyxl comes in where a workbook is written."""
    assert "openpyxl" in imported("template", "--form", "2021", "-o", str(tmp_path / "t.xlsx"))


READER_TABLE_PROBE = """
import json, sys
from nianbao.io.readers import READERS, UNCONTAINED
from nianbao.publish import FORMATS
prefixes = ("nianbao.io.xlsx.", "nianbao.io.published.", "nianbao.publish.")
loaded = sorted(m for m in sys.modules if m.startswith(prefixes))
print(json.dumps({"suffixes": sorted(READERS), "uncontained": sorted(UNCONTAINED), "loaded": loaded,
                  "reader": READERS[".pdf"].__module__}))
"""


def test_the_reader_table_is_whole_at_once_and_imports_no_reader():
    """One table, written in one place: every suffix known before any reader is imported
    (no import order, no registration), each reader imported when first asked for."""
    run = subprocess.run([sys.executable, "-c", READER_TABLE_PROBE], capture_output=True, text=True, timeout=120)
    seen = json.loads(run.stdout)
    assert seen["suffixes"] == sorted(
        [".json", ".xlsx", ".xlsm", ".xls", ".ods", ".et", ".html", ".htm", ".xhtml", ".txt", ".md", ".markdown",
         ".docx", ".doc", ".wps", ".pdf"]
    )
    assert ".xlsx" not in seen["uncontained"] and ".pdf" in seen["uncontained"] and ".json" in seen["uncontained"]
    # data modules only: no format reader, no workbook reader, no publishing writer
    assert not [m for m in seen["loaded"] if m.rsplit(".", 1)[1] in {"workbook", "ooxml", "html", "pdf", "docx",
                                                                     "text", "word", "webpage", "markdown"}]
    assert seen["reader"] == "nianbao.io.published"


@pytest.mark.parametrize("args", [("serve", "--help"), ("users", "--help"), ("template", "--help")],
                         ids=["serve-help", "users-help", "template-help"])
def test_commands_that_validate_nothing_load_no_validator(args):
    """The validator (jsonschema-rs, the reader table's modules) loads when a report is
    checked, not for every command."""
    probe = PROBE.format(heavy={"jsonschema_rs"}).replace(
        "m.split(\".\")[0] in {'jsonschema_rs'}", "m.split(\".\")[0] == 'jsonschema_rs' or m == 'nianbao.io.check'"
    )
    run = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
    assert json.loads(run.stderr.strip().splitlines()[-1]) == []
