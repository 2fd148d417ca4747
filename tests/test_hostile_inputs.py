"""Hostile inputs, round two (:mod:`hostile_inputs`), each through a real ``nianbao`` process:
a defined exit status and Chinese words, no traceback, no raw control character on the
terminal, done within 30 s and 500 MB, no input changed. Then what a table cannot say:
JSON output stays UTF-8, 2**53+1 survives fill and export, outputs of two runs are never
mixed, interrupted runs exit 130/143 and leave no temporary file."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import hostile_cases as hc
import hostile_inputs as hi
import pytest

LIMIT_SECONDS = 30
LIMIT_MB = 500


def snapshot(folder: Path) -> dict[bytes, str]:
    """Every regular file under ``folder`` with its hash; other files by their kind."""
    out = {}
    for root, dirs, files in os.walk(os.fsencode(folder)):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            p = os.path.join(root, name)
            mode = os.lstat(p).st_mode
            if stat.S_ISREG(mode):
                with open(p, "rb") as f:
                    out[p] = hashlib.sha256(f.read()).hexdigest()
            else:
                out[p] = f"mode {stat.S_IFMT(mode):o}" + (f" -> {os.readlink(p)!r}" if stat.S_ISLNK(mode) else "")
    return out


def run(args: list, cwd: Path) -> tuple[int, str, str, float, float]:
    """``nianbao args`` in a process of its own: status, stdout, stderr, seconds and peak
    memory (MB, of that process)."""
    out, err = cwd / ".stdout", cwd / ".stderr"
    argv = [sys.executable, "-m", "nianbao", *[os.fsencode(a) if isinstance(a, (str, Path)) else a for a in args]]
    with open(out, "wb") as o, open(err, "wb") as e:
        started = time.monotonic()
        proc = subprocess.Popen(argv, stdout=o, stderr=e, stdin=subprocess.DEVNULL, cwd=cwd)
        killer = threading.Timer(LIMIT_SECONDS, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
    stdout, stderr = out.read_bytes(), err.read_bytes()
    out.unlink(), err.unlink()
    # every byte printed must be UTF-8 (a name that is not is shown escaped)
    return proc.returncode, stdout.decode("utf-8"), stderr.decode("utf-8"), seconds, usage.ru_maxrss / 1024


def assert_defined_outcome(name: str, case, status: int, shown: str, seconds: float, peak: float) -> None:  # noqa: ANN001
    """What every hostile case must hold, whatever its format: answered in time and within the
    memory bound, with its exit status, no traceback, the words that name the file and the
    cause, none of the words that would name a wrong one."""
    assert seconds < LIMIT_SECONDS, f"{name}: hung ({seconds:.0f} s)"
    statuses = case.status if isinstance(case.status, tuple) else (case.status,)
    assert status in statuses, (name, status, shown[-3000:])
    assert "Traceback" not in shown and "Error:" not in shown, shown[-3000:]
    for word in case.words:
        assert word in shown, (name, word, shown[-3000:])
    for word in case.absent:
        assert word not in shown, (name, repr(word), shown[-3000:])
    assert peak < LIMIT_MB, f"{name}: {peak:.0f} MB"


@pytest.mark.parametrize("name", sorted(hi.INPUT_CASES))
def test_each_hostile_input_has_a_defined_outcome(name, tmp_path):
    folder = tmp_path / "案例"
    folder.mkdir()
    case = hi.INPUT_CASES[name](folder)
    before = snapshot(folder)
    status, stdout, stderr, seconds, peak = run(case.args, tmp_path)
    shown = stdout + stderr
    assert_defined_outcome(name, case, status, shown, seconds, peak)
    assert not [c for c in shown if c < " " and c not in "\n" or "\x7f" <= c <= "\x9f"], repr(shown[-500:])
    after = snapshot(folder)
    assert {p: h for p, h in after.items() if p in before} == before, f"{name} changed an input"
    left = [p for p in after if p not in before and os.fsdecode(p).endswith((".part", ".lock"))]
    assert not left, left
    for p in case.outputs:
        assert p.exists(), (name, p)
        assert p.stat().st_size <= case.max_output, (name, p, p.stat().st_size)
    if case.check:
        case.check(folder)


def test_every_case_of_the_issue_is_in_the_corpus():
    """Issue 16's cases, each with at least one builder (by a word of its name)."""
    for words in ("dev_zero", "fifo_in", "roster", "previous", "fill_input", "onto_a_fifo", "dev_null", "not_utf8",
                  "surrogate", "1e308", "400_digits", "superscript", "circled", "nested", "duplicate_key",
                  "cr_only", "huge_field", "glob", "escape_sequence", "15_million", "hyperlink", "external_link"):
        assert any(words in name for name in hi.INPUT_CASES), words


# --- names and numbers, end to end --------------------------------------------------------------


def test_validate_json_output_is_utf8_and_names_round_trip(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"\xff\xfe.json")
    hi.put_json(tmp_path, b"\xff\xfe.json", json.dumps(hi.seed(**{"agency/name": "某\ud800局"})))  # \ud800 in the text
    status, stdout, _, _, _ = run(["validate", "--format", "json", os.fsdecode(raw)], tmp_path)
    assert status == 0
    source = json.loads(stdout)["files"][0]["source"]
    assert os.fsencode(source) == raw  # the escapes give back the very bytes of the name
    status, stdout, _, _, _ = run(["validate", os.fsdecode(raw)], tmp_path)
    assert "\\xff\\xfe.json：校验通过" in stdout


def test_2_53_plus_1_comes_back_unchanged_through_fill_and_export(tmp_path):
    exact = 2**53 + 1
    report = hi.put_json(tmp_path, "报告.json", hi._with_count(exact))
    filled, back = tmp_path / "填好.xlsx", tmp_path / "导出.json"
    assert run(["fill", report, "-o", filled], tmp_path)[0] == 0
    status, _, stderr, _, _ = run(["export", filled, "-o", back], tmp_path)
    assert status == 1 and "RANGE" not in stderr  # an error (beyond the bound), exported as it was
    doc = json.loads(back.read_text(encoding="utf-8"))
    assert doc["applications"]["new"]["natural"] == exact and type(doc["applications"]["new"]["natural"]) is int
    from nianbao.io.readers import read

    assert read(report).document["applications"]["new"]["natural"] == exact


def test_sums_are_exact_or_refused(tmp_path):
    from decimal import Decimal

    from nianbao.consolidation import Consolidation, Entry, Record
    from nianbao.consolidation.combine import combine
    from nianbao.consolidation.records import numbers
    from nianbao.consolidation.summary.workbook import SummaryError, write_summary
    from nianbao.core.model import model

    m = model("2019")
    doc = hi.seed()
    doc["applications"]["new"]["natural"] = 10**12  # at the bound: summed exactly, however many
    values, problem = numbers(m, doc)
    assert not problem
    records = [Record(f"{n}.json", "通过", "2019", 2020, f"单位{n}", values=values) for n in range(3)]
    c = combine(records)
    index = m.by_pointer["/applications/new/natural"].index
    assert c.values[index] == 3 * 10**12 and type(c.values[index]) is int
    doc["applications"]["new"]["natural"] = 10**12 + 1  # beyond it: never added
    assert numbers(m, doc)[0][index] is None
    # an amount sum a double cannot hold to the last decimal: refused, not rounded
    amount = m.by_pointer["/active/procurement/amount"].index
    held = list(c.values)
    held[amount] = Decimal("12345678901234.5678")  # 18 significant digits
    inexact = Consolidation(c.form, c.year, c.name, c.entries, tuple(held))
    with pytest.raises(SummaryError, match="有效数字过多"):
        write_summary(inexact, tmp_path / "汇总.json")
    assert not (tmp_path / "汇总.json").exists()
    assert isinstance(c.entries[0], Entry)


# --- signals and concurrency -------------------------------------------------------------------


def _many_reports(folder: Path, n: int) -> Path:
    inputs = folder / "各单位"
    inputs.mkdir()
    text = json.dumps(hc.seed_document(), ensure_ascii=False)
    for i in range(n):
        named = text.replace(hc.seed_document()["agency"]["name"], f"单位{i}")
        (inputs / f"{i:05}.json").write_text(named, encoding="utf-8")
    return inputs


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_consolidation_exits_130_or_143_and_leaves_no_temporary_file(sig, code, tmp_path):
    inputs = _many_reports(tmp_path, 4000)
    out, table = tmp_path / "汇总.xlsx", tmp_path / "汇总.csv"
    old = b"old summary"
    out.write_bytes(old)
    argv = [sys.executable, "-m", "nianbao", "consolidate", str(inputs), "-o", str(out), "--csv", str(table),
            "-q", "-j", "2"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    lock = tmp_path / ".汇总.xlsx.lock"
    deadline = time.monotonic() + 20
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # reading by now
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr[-2000:]
    assert "已中断" in stderr and "Traceback" not in stderr + stdout
    assert out.read_bytes() == old and not table.exists()  # the old summary, and no CSV beside it
    assert [n for n in os.listdir(tmp_path) if n.endswith((".part", ".lock"))] == []


def test_a_signal_between_the_two_renames_waits_until_both_are_done(tmp_path, monkeypatch):
    from nianbao.io import atomic

    a, b = tmp_path / "汇总.xlsx", tmp_path / "汇总.csv"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    real = os.replace
    calls = []

    def replace(src, dst):
        real(src, dst)
        calls.append(dst)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C right after the first rename

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        with atomic.atomic_outputs(a, b) as (ta, tb):
            ta.write_bytes(b"new a")
            tb.write_bytes(b"new b")
    assert (a.read_bytes(), b.read_bytes()) == (b"new a", b"new b")  # delivered once both were renamed
    assert [n for n in os.listdir(tmp_path) if n.endswith(".part")] == []


def test_an_interruption_before_the_renames_leaves_both_old_files(tmp_path):
    from nianbao.io.atomic import atomic_outputs

    a, b = tmp_path / "汇总.xlsx", tmp_path / "汇总.csv"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    with pytest.raises(KeyboardInterrupt):
        with atomic_outputs(a, b) as (ta, tb):
            ta.write_bytes(b"new a")
            raise KeyboardInterrupt
    assert (a.read_bytes(), b.read_bytes()) == (b"old a", b"old b")
    assert sorted(os.listdir(tmp_path)) == ["汇总.csv", "汇总.xlsx"]


def test_a_second_run_on_the_same_outputs_is_refused_while_the_first_holds_them(tmp_path):
    from nianbao.io.atomic import OutputLocked, output_lock

    inputs = _many_reports(tmp_path, 3)
    out = tmp_path / "汇总.json"
    with output_lock(out):  # the first run
        with pytest.raises(OutputLocked):
            with output_lock(tmp_path / "." / "汇总.json"):
                pass
        status, stdout, stderr, _, _ = run(["consolidate", inputs, "-o", out, "-q", "-j", "1"], tmp_path)
        assert status == 2
        assert "另一个 nianbao 正在写入" in stderr and "请等它结束后再运行" in stderr
        assert not out.exists()
    # once the first is done, the second runs
    status, stdout, stderr, _, _ = run(["consolidate", inputs, "-o", out, "-q", "-j", "1"], tmp_path)
    assert status == 0, stderr
    assert [n for n in os.listdir(tmp_path) if n.endswith(".lock")] == []


def test_two_runs_at_once_never_leave_a_mixed_pair(tmp_path):
    """Two consolidations of different folders onto the same summary and CSV: one is
    refused (or runs after the other); the pair left is always one run's."""
    first, second = tmp_path / "一", tmp_path / "二"
    for folder, names in ((first, ("甲局", "乙局")), (second, ("丙局",))):
        folder.mkdir()
        for n in names:
            hi.put_json(folder, f"{n}.json", hi.seed(**{"agency/name": n}))
    out, table = tmp_path / "汇总.xlsx", tmp_path / "汇总.csv"
    args = ["-o", str(out), "--csv", str(table), "-q", "-j", "1"]
    procs = [subprocess.Popen([sys.executable, "-m", "nianbao", "consolidate", str(f), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=tmp_path) for f in (first, second)]
    results = [(p.wait(60), p.stderr.read()) for p in procs]
    assert all(code in (0, 2) for code, _ in results), results
    assert any(code == 0 for code, _ in results)
    import csv

    from nianbao.io.readers import read

    summed = read(out).document["applications"]["new"]["natural"]
    with open(table, encoding="utf-8-sig", newline="") as f:
        agencies = {row[0] for row in list(csv.reader(f))[1:]}
    assert (summed, agencies) in ((2 * hc.seed_document()["applications"]["new"]["natural"], {"甲局", "乙局"}),
                                  (hc.seed_document()["applications"]["new"]["natural"], {"丙局"}))
