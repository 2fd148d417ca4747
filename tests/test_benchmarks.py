"""The benchmark scripts run, and check what they measure, on a few workbooks.

No timing is asserted here (the machine is noisy; the scripts print medians and ratios):
only that each script still runs end to end against the code as it is, and that the
consolidation benchmark's pandas loop and nianbao agree on the sums."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(SCRIPTS / script), *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_consolidation_benchmark_runs_and_both_ways_sum_alike():
    out = run("bench_consolidate.py", "--n", "24", "--runs", "1", "--pandas-sample", "6", "--bases", "3")
    assert "nianbao consolidate：N=24" in out
    assert "与 nianbao 对同一样本的合计一致" in out
    assert "每张表整张读取" in out


def test_the_read_benchmark_runs():
    out = run("bench_read.py", "--n", "4", "--form", "2019")
    for line in ("nianbao.io.readers.read（含安全检查）", "读取器，每张表整张读取", "openpyxl（基线）"):
        assert line in out


def test_the_publish_benchmark_runs():
    out = run("bench_publish.py", "--repeats", "1")
    for line in (".docx", ".html", ".md", "基线：python-docx 逐格 merge"):
        assert line in out


def test_the_validation_benchmark_runs():
    out = run("bench_validate.py", "--reports", "20", "--repeats", "1")
    assert "validate()，有效报告" in out and "比值 validate / 基线" in out
