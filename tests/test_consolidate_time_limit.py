"""A file that keeps a reader busy does not stall a consolidation: its worker is ended at the
per-file time limit, the file is listed as unreadable naming the limit, and the summary of
the others is written (issue 24)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

from nianbao.consolidation.pool import read_records, timed_out
from nianbao.consolidation.summary.workbook import DETAIL_SHEET

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


# A reader that never finishes, as a file that keeps some reader busy for minutes would (the
# published-format readers are bounded today; the time limit is what holds when a future input
# finds a way round them). It replaces the Markdown reader in the table of readers, inherited by
# the forked workers; the agencies' reports are JSON and read as usual.
def hang(path, container):  # noqa: ANN001, ARG001 - a reader's signature
    time.sleep(600)


HANGING = (
    "import sys\n"
    "import test_consolidate_time_limit as t\n"
    "from nianbao.io import readers\n"
    "readers.READERS['.md'] = t.hang\n"
    "from nianbao.cli import main\n"
    "sys.argv = ['nianbao', *sys.argv[1:]]\n"
    "main()\n"
)


def slow_report(folder: Path) -> Path:
    p = folder / "某局年报.md"
    p.write_text("# 某某局2020年政府信息公开工作年度报告\n", encoding="utf-8")
    return p


def agencies(folder: Path, n: int = 3) -> list[Path]:
    out = []
    for i in range(n):
        doc = json.loads((SEEDS / "anyang-2020.json").read_text(encoding="utf-8"))
        doc["agency"] = {"name": f"第{i}局", "region_code": "370303"}
        p = folder / f"第{i}局.json"
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        out.append(p)
    return out


def test_a_file_past_the_time_limit_is_listed_and_the_others_are_summed(tmp_path):
    inbox = tmp_path / "各单位"
    inbox.mkdir()
    agencies(inbox)
    slow = slow_report(inbox)
    out = tmp_path / "汇总.xlsx"
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", HANGING, "consolidate", str(inbox), "-o", str(out), "-q", "-j", "1",
         "--time-limit", "0.5"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    seconds = time.monotonic() - started
    assert run.returncode == 1, run.stderr  # written, but not every input summed
    assert "Traceback" not in run.stderr
    assert "汇总 3 个" in run.stdout and "无法读取 1 个" in run.stdout
    sheet = openpyxl.load_workbook(out, read_only=True)[DETAIL_SHEET]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(isinstance(v, str) and slow.name in v for v in r)]
    assert len(rows) == 1
    assert any(isinstance(v, str) and "读取超过 0.5 秒仍未完成" in v for v in rows[0]), rows[0]
    assert seconds < 60  # the reader sleeps ten minutes: its worker was ended


def test_the_library_call_takes_the_limit_and_names_it(tmp_path, monkeypatch):
    from nianbao.io import readers

    monkeypatch.setitem(readers.READERS, ".md", hang)  # the workers are forked from this process
    slow = slow_report(tmp_path)
    good = agencies(tmp_path, 2)
    got = {Path(r.source).name: r for r in read_records([str(p) for p in [*good, slow]], 2, time_limit=0.5)}
    assert [got[p.name].readable for p in good] == [True, True] and not got[slow.name].readable
    message = got[slow.name].findings[0].message
    assert message == timed_out(str(slow), 0.5).findings[0].message
    assert "0.5 秒" in message and slow.name in message
