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
