"""scripts/bench_addin_calls.py runs, and its figures hold what the add-in promises: calls per
click grow with the marked cells by a small constant, and a repeated 校验 costs no more per
marked cell than the first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_addin_calls.py"


def test_calls_per_click_for_0_10_and_60_findings():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    assert [int(r[0]) for r in rows] == [0, 10, 60]
    for _, marked, first, second, cleared in ([int(x) for x in r] for r in rows):
        assert first <= 100 + 5 * marked
        assert second <= 100 + 6 * marked
        assert cleared <= 50 + 6 * marked
    assert int(rows[0][2]) < 100  # a clean report: read, write 校验结果, tell
