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


def test_the_consolidation_benchmark_runs_and_both_ways_sum_alike_in_both_modes(tmp_path):
    args = ("--n", "12", "--runs", "1", "--pandas-sample", "4", "--bases", "3", "--keep", str(tmp_path))
    out = run("bench_consolidate.py", *args)
    for mode in ("ours", "resaved"):
        assert f"【{mode}】" in out
    assert out.count("nianbao consolidate：N=12") == 2
    assert out.count("与 nianbao 对同一样本的合计一致") == 2
    assert "每张表整张读取" in out
    # LibreOffice's copies are kept: a second run converts nothing
    assert len(list((tmp_path / "resaved-files").rglob("*.xlsx"))) == 12
    again = run("bench_consolidate.py", *args, "--modes", "resaved")
    assert "【ours】" not in again and "【resaved】" in again
    # the quick way: the base reports re-saved, the copies patched in LibreOffice's shared strings
    quick = run("bench_consolidate.py", *args, "--modes", "resaved", "--resave", "bases")
    assert "与 nianbao 对同一样本的合计一致" in quick
    assert len(list((tmp_path / "resaved-bases").rglob("*.xlsx"))) == 12


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
