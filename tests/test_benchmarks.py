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
    # the default: the base reports re-saved, the copies patched in LibreOffice's shared strings
    out = run("bench_consolidate.py", *args)
    for mode in ("ours", "resaved"):
        assert f"【{mode}】" in out
    assert out.count("nianbao consolidate：N=12") == 2
    assert out.count("与 nianbao 对同一样本的合计一致") == 2
    assert "每张表整张读取" in out
    assert len(list((tmp_path / "resaved-bases").rglob("*.xlsx"))) == 12
    assert not (tmp_path / "resaved-files").exists()
    # every file re-saved by LibreOffice, kept: a second run converts nothing
    files = run("bench_consolidate.py", *args, "--modes", "resaved", "--resave", "files")
    assert "与 nianbao 对同一样本的合计一致" in files
    copies = sorted((tmp_path / "resaved-files").rglob("*.xlsx"))
    assert len(copies) == 12
    made = [f.stat().st_mtime_ns for f in copies]
    again = run("bench_consolidate.py", *args, "--modes", "resaved", "--resave", "files")
    assert "【ours】" not in again and "【resaved】" in again
    assert [f.stat().st_mtime_ns for f in copies] == made


def test_the_consolidation_benchmark_times_the_cross_year_run(tmp_path):
    args = ("--n", "6", "--pandas-sample", "2", "--bases", "2", "--keep", str(tmp_path), "--previous")
    out = run("bench_consolidate.py", *args, "--modes", "ours")
    assert "【previous】本年 6 个工作簿" in out and "nianbao consolidate --previous：" in out
    # last year's reports are the same agencies' and agree with this year's across the years
    assert "可比单位 6 个" in out and "跨年度核对不一致 0 处" in out
    assert "previous N=6：" in out and "平均负载" in out
    assert len(list((tmp_path / "ours-previous").rglob("*.xlsx"))) == 6


def test_the_consolidation_benchmark_times_another_revision_side_by_side(tmp_path):
    args = ("--n", "6", "--pandas-sample", "2", "--bases", "2", "--keep", str(tmp_path), "--modes", "ours")
    out = run("bench_consolidate.py", *args, "--runs", "2", "--against", "HEAD")
    assert out.count("（基线 HEAD）") == 2  # one baseline run before each of this version's
    assert "基线 HEAD（同一次运行，交替计时）：中位数" in out and "本版本为基线的" in out
    assert "基线 HEAD" in out.split("汇总（同一次运行）：")[1]
    unknown = subprocess.run([sys.executable, str(SCRIPTS / "bench_consolidate.py"), *args, "--against", "no-such-rev"],
                             capture_output=True, text=True, timeout=600)
    assert unknown.returncode != 0 and "--against no-such-rev：无法取出该版本" in unknown.stderr


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


def test_the_memory_benchmark_runs():
    out = run("bench_memory.py", "--n", "4", "--rounds", "1")
    for line in ("全部记忆（现行）", "不用工作表计划", "不用已见部件", "两者都不用"):
        assert line in out
