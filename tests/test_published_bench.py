"""The import benchmark runs end to end (no timing asserted: the machine is shared)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_import.py"


def test_the_import_benchmark_runs():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--n", "3", "--no-pdf"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    for line in ("html", "txt（cells）", "docx", "selectolax", "lxml.html"):
        assert line in done.stdout
