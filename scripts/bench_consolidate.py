#!/usr/bin/env python3
"""Benchmark: ``nianbao consolidate`` against a straightforward pandas ``read_excel`` loop.

    python scripts/bench_consolidate.py --n 10000 --keep /tmp/bench --previous
        # the goals: in both modes ≥2,000 workbooks/s, ≥40× pandas, peak < 300 MB;
        # with --previous (last year's workbooks beside them) ≥1,000 workbooks/s
    python scripts/bench_consolidate.py --n 500 --modes ours          # a quick look
    python scripts/bench_consolidate.py --n 10000 --keep /tmp/bench --runs 5 --against 9fd37f7
        # side by side with the code of another revision, alternating run by run

Two modes, measured one after the other in the same run, each side by side with its own
pandas loop: ``ours`` — the workbooks as our template writer makes them; ``resaved`` — the
same workbooks re-saved by LibreOffice (``soffice --headless --convert-to xlsx``, in batches;
with ``--keep`` the copies are made once and kept), as agencies send them back after opening
them in an office suite (shared strings, LibreOffice's markup and styles). ``--resave bases``
re-saves only the ``--bases`` distinct reports and patches each copy's name and USCC into
LibreOffice's shared strings, as ``ours`` patches our cover sheet: the same files but for
their zip layout, in a minute instead of ~0.2 s of CPU per file (``--resave files``, which
has LibreOffice convert all N: about half an hour at N = 10,000 on a first run). With
``--previous``, ``nianbao consolidate ours --previous LAST`` is timed as well: LAST holds the
same agencies' reports of the year before (:func:`last_year_of`, written by our writer), so
every workbook is read twice and the cross-year identities are checked.

1. Generates N synthetic valid agency workbooks (form 2019, year 2020) from the template,
   seeded: ``--bases`` distinct reports are written with :func:`nianbao.excel.template.write_workbook`
   (scripts/make_examples.py's generator), then each of the N files is one of them with its
   own agency name and 统一社会信用代码 patched into the cover sheet, so no two are duplicates.
2. Times, in the same run, ``nianbao consolidate DIR -o SUMMARY.xlsx --quiet`` end to end as a
   subprocess (interpreter start, discovery, reading, validation, summing, writing the
   summary workbook with its per-agency sheets), sampling the memory of its whole process
   tree every 50 ms: the sum of RSS (counts pages shared by the forked workers once per
   process — an upper bound) and the sum of PSS (shared pages divided among the processes
   that share them — what the tree really uses).
3. Times the pandas loop (``pd.read_excel(path, sheet_name=[表二, 表三, 表四], header=None)``
   and adding the same input cells) on a sample of the files (``--pandas-sample``, default
   200; at ~10 workbooks/s the whole set would take far too long), and checks that its sums
   over the sample equal nianbao's sums over the same sample.
4. Prints workbooks/s, peak memory and the ratio, and whether each goal is met; then the CPU
   cost of each stage of one file, in this process. All the workbooks come from one
   template, so after the first few each sheet is read by its values alone (its markup was
   read before: the plans kept in nianbao.io.memory.MEMORY); the last line is one file's cost with every sheet
   read whole, as when no two agencies' sheets share their markup.
"""

from __future__ import annotations

import argparse
import copy
import io
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_examples import FORM, REGION, YEAR, synthetic_report, uscc  # noqa: E402

from nianbao.core.layout import COVER_SHEET, cell_index, layout  # noqa: E402
from nianbao.core.model import model  # noqa: E402
from nianbao.excel.template import build_workbook, workbook_bytes  # noqa: E402

NAME_MARK = "基准测试单位名称占位"
USCC_MARK = uscc(REGION, 999999999)

GOAL_RATE = 2000.0
GOAL_RATIO = 40.0
GOAL_MB = 300.0
GOAL_PREVIOUS_RATE = 1000.0  # with --previous: this year's workbooks per second


# ---------------------------------------------------------------------------------------
# Generating


def last_year_of(doc: dict) -> dict:
    """Last year's report of the agency of ``doc``, as an agency that keeps its books sends it:
    the cross-year identities hold (X1: 结转下年度 = this year's 上年结转; X3: 上一年项目数量
    plus 本年增/减 = this year's 上一年项目数量)."""
    last = copy.deepcopy(doc)
    last["year"] = doc["year"] - 1
    last["applications"]["carried_forward"] = copy.deepcopy(doc["applications"]["carried_over"])
    for key, row in last["active"].items():
        if isinstance(row, dict) and "prev_items" in row and "change" in row:
            row["change"] = doc["active"][key]["prev_items"] - row["prev_items"]
    return last


def generate(folder: Path, n: int, bases: int, seed: int, resaved: bool = False, last_year: bool = False) -> None:
    """N workbooks into ``folder``: ``bases`` reports written by our template writer, each
    copy with its own agency name and USCC patched in. With ``resaved``, the base reports are
    first re-saved by LibreOffice (:func:`resave`), and the copies are patched there (in its
    shared strings): what LibreOffice would write for each copy, but for its zip layout.
    With ``last_year``, the same agencies' reports of the year before (:func:`last_year_of`:
    the same seed draws the same reports, the same index the same name and USCC)."""
    rng = random.Random(seed)
    datas = []
    for _ in range(bases):
        doc = synthetic_report(rng, FORM, YEAR, {"name": NAME_MARK, "uscc": USCC_MARK, "region_code": REGION},
                               size=rng.uniform(0.3, 2.0))
        datas.append(workbook_bytes(build_workbook(FORM, last_year_of(doc) if last_year else doc)))
    if resaved:
        work = Path(tempfile.mkdtemp(prefix="nianbao-bench-bases-"))
        try:
            for k, data in enumerate(datas):
                (work / "ours").mkdir(exist_ok=True)
                (work / "ours" / f"base{k:04d}.xlsx").write_bytes(data)
            resave(work / "ours", work / "resaved")
            datas = [(work / "resaved" / f"base{k:04d}.xlsx").read_bytes() for k in range(bases)]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    templates: list[dict[str, bytes]] = []
    for data in datas:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            templates.append({i.filename: z.read(i.filename) for i in z.infolist()})
    name_mark, uscc_mark = NAME_MARK.encode(), USCC_MARK.encode()
    for i in range(n):
        parts = templates[i % bases]
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        with zipfile.ZipFile(sub / f"单位{i:06d}.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for name, body in parts.items():
                if name_mark in body or uscc_mark in body:  # our cover sheet, or LibreOffice's shared strings
                    body = body.replace(name_mark, f"基准县第{i:06d}号单位".encode()).replace(
                        uscc_mark, uscc(REGION, 10_000_000 + i).encode())
                z.writestr(name, body)


def resave(source: Path, folder: Path, batch: int = 400) -> None:
    """Every workbook of ``source`` re-saved by LibreOffice into ``folder`` (same relative
    paths), as agencies send them back after opening them in an office suite:
    ``soffice --headless --convert-to xlsx`` on batches of ``batch`` files, one private
    profile. Files already converted are kept (``--keep`` caches them between runs)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice（soffice）未安装：scripts/setup.sh --test 会安装它")
    profile = Path(tempfile.mkdtemp(prefix="nianbao-bench-lo-"))
    try:
        by_dir: dict[Path, list[Path]] = {}
        for f in sorted(source.rglob("*.xlsx")):
            out = folder / f.relative_to(source).parent
            if not (out / f.name).exists():
                by_dir.setdefault(out, []).append(f)
        for out, todo in by_dir.items():
            out.mkdir(parents=True, exist_ok=True)
            for i in range(0, len(todo), batch):
                cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                       "--convert-to", "xlsx", "--outdir", str(out), *map(str, todo[i : i + batch])]
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=3600)
        missing = [f for f in source.rglob("*.xlsx") if not (folder / f.relative_to(source)).exists()]
        if missing:
            raise SystemExit(f"LibreOffice 未能转换 {len(missing)} 个文件，例如 {missing[0]}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# Memory of a process tree


def _task_children(pid: int) -> list[int] | None:
    """A process's children from /proc/PID/task/*/children (cheap: no walk over /proc);
    None where the kernel does not offer those files."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # the process has ended
    kids: list[int] = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as f:
                kids.extend(int(k) for k in f.read().split())
        except FileNotFoundError:
            if os.path.exists(f"/proc/{pid}/task/{task}"):
                return None  # the thread is there, the file is not
        except (OSError, ValueError):
            continue
    return kids


def _children() -> dict[int, list[int]]:
    """Every process's children, from a walk over /proc (where _task_children cannot tell)."""
    out: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
                out.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError):
                continue
    return out


def _kb(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples RSS and PSS summed over a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0  # kB
        self.peak_procs = 0
        self.stop = threading.Event()

    def run(self) -> None:
        # (each sample costs the machine under test some CPU: the process tree is found
        # through /proc/PID/task/*/children, about 20x cheaper than walking all of /proc)
        cheap = _task_children(self.pid) is not None
        while not self.stop.is_set():
            kids = {} if cheap else _children()
            tree, todo = [], [self.pid]
            while todo:
                p = todo.pop()
                tree.append(p)
                todo.extend((_task_children(p) or ()) if cheap else kids.get(p, ()))
            rss = sum(_kb(f"/proc/{p}/status", b"VmRSS:") for p in tree)
            pss = sum(_kb(f"/proc/{p}/smaps_rollup", b"Pss:") for p in tree)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(tree))
            self.stop.wait(self.interval)


def run_nianbao(
    folder: Path, out: Path, jobs: int | None, previous: Path | None = None, code: Path | None = None
) -> tuple[float, float, TreeMemory, str]:
    """``nianbao consolidate`` timed as a subprocess; ``code``: a checkout of another
    revision (:func:`checkout`), run by this interpreter in place of this one."""
    exe = Path(sys.executable).with_name("nianbao")
    direct = exe.exists() and code is None
    cmd = [str(exe) if direct else sys.executable, *([] if direct else ["-m", "nianbao"]),
           "consolidate", str(folder), "-o", str(out), "--quiet", *(["--jobs", str(jobs)] if jobs else []),
           *(["--previous", str(previous)] if previous else [])]
    env = dict(os.environ, PYTHONPATH=str(code)) if code is not None else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    mem = TreeMemory(proc.pid)
    mem.start()
    stdout, stderr = proc.communicate()
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    mem.stop.set()
    mem.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"nianbao consolidate failed ({proc.returncode}):\n{stderr}")
    return elapsed, cpu, mem, stdout.strip()


def checkout(rev: str, into: Path) -> Path:
    """This repository's code at ``rev`` (a commit, tag or branch), unpacked into ``into``
    (``git archive``: the repository itself is left as it is)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "nianbao"], capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"--against {rev}：无法取出该版本（{archive.stderr.decode(errors='replace').strip()}）")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


# ---------------------------------------------------------------------------------------
# The pandas loop


def pandas_loop(files: list[Path]) -> tuple[float, float, dict[str, Decimal]]:
    import pandas as pd

    lay = layout(FORM)
    m = model(FORM)
    cells = [(s.name, ptr, a) for s in lay.sheets if s.name != COVER_SHEET for ptr, a in s.inputs.items()
             if ptr in m.by_pointer]
    sheets = sorted({s for s, _, _ in cells})

    where = [(s, ptr, *cell_index(a)) for s, ptr, a in cells]
    totals = {ptr: Decimal(0) for _, ptr, _, _ in where}
    t0, c0 = time.perf_counter(), time.process_time()
    for f in files:
        frames = pd.read_excel(f, sheet_name=sheets, header=None, engine="openpyxl")
        for s, ptr, r, c in where:
            totals[ptr] += Decimal(str(frames[s].iat[r, c]))
    return time.perf_counter() - t0, time.process_time() - c0, totals


def stages(files: list[Path]) -> list[tuple[str, float]]:
    """CPU milliseconds per workbook of each stage of reading one file, in this process."""
    from nianbao.consolidation.records import examine, numbers
    from nianbao.io.check import check_loaded
    from nianbao.io.container.safety import open_container
    from nianbao.io.readers import read
    from nianbao.io.xlsx.workbook import read_workbook

    def cost(fn, items=files) -> float:
        c0 = time.process_time()
        for x in items:
            fn(x)
        return (time.process_time() - c0) / len(files) * 1e3

    loaded = [read(f) for f in files]
    containers = [(f, open_container(f)) for f in files]
    m = model(FORM)
    out = [
        ("容器安全检查 nianbao.io.container.safety.open_container", cost(open_container)),
        ("读取工作簿 read_workbook（用检查时已解压的部件）",
         cost(lambda fc: read_workbook(fc[0], container=fc[1]), containers)),
        ("  对照：python-calamine 读取（含其所需检查）",
         cost(lambda fc: read_workbook(fc[0], container=fc[1], fast=False), containers)),
    ]
    pairs = list(zip(files, loaded, strict=True))
    out.append(("校验 validate + 定位", cost(lambda f_lo: check_loaded(f_lo[1], str(f_lo[0])), pairs)))
    out.append(("汇总取数 consolidate.numbers", cost(lambda lo: numbers(m, lo.document), loaded)))
    out.append(("合计 consolidate.examine（一个文件的全部工作）", cost(lambda f: examine(str(f)))))
    out.append(("  对照：每张表整张读取（如各单位工作簿的表格各不相同）", cost(lambda f: whole(str(f)))))
    return out


def whole(path: str) -> object:
    """consolidate.examine with every sheet read whole: as if no two workbooks shared the
    markup of a sheet (the benchmark's workbooks all come from one template, so after the
    first few each sheet is read by its values alone; see nianbao.io.memory)."""
    from nianbao.consolidation.records import examine
    from nianbao.io.memory import MEMORY

    MEMORY.forget_sheets()
    return examine(path)


def nianbao_sums(files: list[Path]) -> dict[str, Decimal]:
    from nianbao.consolidation import consolidate

    c = consolidate(files, jobs=1)
    m = model(FORM)
    return {cell.pointer: Decimal(str(v)) for cell, v in zip(m.cells, c.values, strict=True)}


# ---------------------------------------------------------------------------------------


MODES = {
    "ours": "本工具模板写出的工作簿",
    "resaved": "同一批工作簿经 LibreOffice 另存（soffice --headless --convert-to xlsx），如各单位打开后另存再报送",
}
RESAVE_WAYS = {
    "files": "逐个文件另存",
    "bases": "各基础报告另存后，逐份改入单位名称和统一社会信用代码（与 ours 的生成方式相同）",
}


def measure(mode: str, folder: Path, tmp: Path, args: argparse.Namespace) -> dict[str, float]:
    """One mode, side by side: nianbao consolidate (median of --runs) and the pandas loop on
    a sample of the same files, in this run."""
    files = sorted(folder.rglob("*.xlsx"))
    size = sum(f.stat().st_size for f in files) / len(files)
    how = f"（{RESAVE_WAYS[args.resave]}）" if mode == "resaved" else ""
    print(f"【{mode}】{MODES[mode]}{how}：{len(files)} 个文件，平均 {size / 1024:.1f} KB")
    times, cpus, mems, baseline = [], [], [], []
    for run in range(args.runs):
        if args.against_code:  # the two alternate, so that both meet the machine's moods alike
            then, _, _, _ = run_nianbao(folder, tmp / f"SUMMARY-{mode}-baseline.xlsx", args.jobs,
                                        code=args.against_code)
            baseline.append(then)
            print(f"  第 {run + 1} 次（基线 {args.against}）：{then:.2f} 秒，{len(files) / then:,.0f} 个/秒")
        elapsed, cpu, mem, line = run_nianbao(folder, tmp / f"SUMMARY-{mode}.xlsx", args.jobs)
        times.append(elapsed)
        cpus.append(cpu)
        mems.append(mem)
        print(f"  第 {run + 1} 次：{elapsed:.2f} 秒，{len(files) / elapsed:,.0f} 个/秒 — {line}")
    elapsed = statistics.median(times)
    rate = len(files) / elapsed
    against = len(files) / statistics.median(baseline) if baseline else None
    peak_rss = max(m.peak_rss for m in mems) / 1024
    peak_pss = max(m.peak_pss for m in mems) / 1024

    sample = files[:: max(1, len(files) // args.pandas_sample)][: args.pandas_sample]
    p_elapsed, p_cpu, p_sums = pandas_loop(sample)
    p_rate = len(sample) / p_elapsed
    ours = nianbao_sums(sample)
    agree = all(ours[k] == v for k, v in p_sums.items())

    ratio = rate / p_rate
    cpu = statistics.median(cpus)
    cores = len(os.sched_getaffinity(0))
    print("  " + machine_line())
    print(f"  nianbao consolidate：N={len(files)}，中位数 {elapsed:.2f} 秒，{rate:,.0f} 个工作簿/秒"
          f"（目标 ≥{GOAL_RATE:,.0f}：{'达到' if rate >= GOAL_RATE else '未达到'}）")
    if against is not None:
        print(f"    基线 {args.against}（同一次运行，交替计时）：中位数 {against:,.0f} 个工作簿/秒；"
              f"本版本为基线的 {rate / against:.2f} 倍")
    print(f"    峰值内存（整个进程树）：PSS 合计 {peak_pss:.0f} MB，"
          f"RSS 合计 {peak_rss:.0f} MB（共享页重复计算，为上限）"
          f"（目标 <{GOAL_MB:.0f} MB：{'达到' if peak_pss < GOAL_MB else '未达到'}）")
    print(f"    CPU 时间（整个进程树）：{cpu / len(files) * 1e3:.2f} 毫秒/个；按 {cores} 个空闲核推算约 "
          f"{cores * len(files) / cpu:,.0f} 个工作簿/秒")
    print(f"  pandas read_excel 循环：抽样 {len(sample)} 个文件，{p_elapsed:.1f} 秒，{p_rate:,.1f} 个工作簿/秒"
          f"；与 nianbao 对同一样本的合计{'一致' if agree else '不一致'}")
    print(f"    pandas CPU 时间：{p_cpu / len(sample) * 1e3:.1f} 毫秒/个（单进程）")
    print(f"  倍数（墙钟，nianbao 并行 vs pandas 单进程循环）：{ratio:,.1f}×"
          f"（目标 ≥{GOAL_RATIO:.0f}×：{'达到' if ratio >= GOAL_RATIO else '未达到'}）；"
          f"按 CPU 时间每个工作簿：{(p_cpu / len(sample)) / (cpu / len(files)):,.1f}×")
    print("  每个工作簿各环节的 CPU 时间（单进程，抽样）：")
    for what, ms in stages(sample):
        print(f"    {ms:6.2f} 毫秒  {what}")
    print()
    return {"n": len(files), "rate": rate, "ratio": ratio, "agree": float(agree), "pandas_rate": p_rate,
            "against": against or 0.0}


def machine_line() -> str:
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    return f"机器：{cores} 核，运行结束时 1 分钟平均负载 {load:.1f}（其他进程也在用这台机器时，墙钟速度偏低）"


def measure_previous(folder: Path, last: Path, tmp: Path, args: argparse.Namespace,
                     pandas_rate: float) -> dict[str, float]:
    """``nianbao consolidate FOLDER --previous LAST`` (median of --runs), its rate counted in
    this year's workbooks (each is read with last year's beside it), against the pandas loop
    measured on this year's workbooks in this run."""
    files = sorted(folder.rglob("*.xlsx"))
    print(f"【previous】本年 {len(files)} 个工作簿（ours）带 --previous 上年 {len(list(last.rglob('*.xlsx')))} 个"
          "（同一批单位的上一年度报告，跨年勾稽关系成立）")
    times, cpus, mems = [], [], []
    for run in range(args.runs):
        elapsed, cpu, mem, line = run_nianbao(folder, tmp / "SUMMARY-previous.xlsx", args.jobs, last)
        times.append(elapsed)
        cpus.append(cpu)
        mems.append(mem)
        print(f"  第 {run + 1} 次：{elapsed:.2f} 秒，{len(files) / elapsed:,.0f} 个/秒 — {line}")
    elapsed, cpu = statistics.median(times), statistics.median(cpus)
    rate = len(files) / elapsed
    ratio = rate / pandas_rate
    cores = len(os.sched_getaffinity(0))
    print("  " + machine_line())
    print(f"  nianbao consolidate --previous：中位数 {elapsed:.2f} 秒，按本年计 {rate:,.0f} 个工作簿/秒"
          f"（读取 {2 * len(files) / elapsed:,.0f} 个/秒；目标 ≥{GOAL_PREVIOUS_RATE:,.0f}："
          f"{'达到' if rate >= GOAL_PREVIOUS_RATE else '未达到'}）")
    print(f"    峰值内存（整个进程树）：PSS 合计 {max(m.peak_pss for m in mems) / 1024:.0f} MB，"
          f"RSS 合计 {max(m.peak_rss for m in mems) / 1024:.0f} MB（共享页重复计算，为上限）")
    print(f"    CPU 时间（整个进程树）：每个本年工作簿 {cpu / len(files) * 1e3:.2f} 毫秒；按 {cores} 个空闲核推算约 "
          f"{cores * len(files) / cpu:,.0f} 个本年工作簿/秒")
    print(f"  倍数（墙钟，对比本次运行中 ours 的 pandas 循环 {pandas_rate:,.1f} 个/秒）：{ratio:,.1f}×")
    print()
    return {"n": len(files), "rate": rate, "ratio": ratio}


def fresh(folder: Path, args: argparse.Namespace, resaved: bool, last_year: bool = False) -> bool:
    """Generate the workbooks into ``folder`` unless it holds as many already (``--keep``);
    whether it generated."""
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.rglob("*.xlsx"))
    if len(existing) == args.n:
        return False
    for old in existing:
        old.unlink()
    t0 = time.perf_counter()
    generate(folder, args.n, args.bases, args.seed, resaved=resaved, last_year=last_year)
    how = "，经 LibreOffice 另存" if resaved else "，上一年度" if last_year else ""
    print(f"生成 {args.n} 份工作簿（{args.bases} 种数据{how}）："
          f"{time.perf_counter() - t0:.1f} 秒")
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="number of workbooks (goal measured at 10000)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: nianbao's default, all cores)")
    ap.add_argument("--bases", type=int, default=50, help="distinct reports among the N workbooks")
    ap.add_argument("--pandas-sample", type=int, default=200, help="files the pandas loop is timed on")
    ap.add_argument("--runs", type=int, default=1, help="times to run nianbao consolidate (median reported)")
    ap.add_argument("--seed", type=int, default=20210131)
    ap.add_argument("--modes", default="ours,resaved",
                    help="which workbooks: ours (as our writer makes them), resaved (the same re-saved by LibreOffice)")
    ap.add_argument("--resave", choices=sorted(RESAVE_WAYS), default="bases",
                    help="bases (the default): LibreOffice re-saves the --bases reports and the N copies are "
                         "patched from those, as for ours (about a minute); files: it re-saves every one of the "
                         "N files (~0.2 s of CPU each: about half an hour at N=10000 on a first run, kept "
                         "with --keep)")
    ap.add_argument("--previous", action="store_true",
                    help="also time consolidate --previous over N last-year workbooks of the same agencies "
                         f"(goal: ≥{GOAL_PREVIOUS_RATE:,.0f} of this year's workbooks/s)")
    ap.add_argument("--keep", type=Path, default=None,
                    help="generate into this folder (KEEP/ours, KEEP/resaved-files, KEEP/resaved-bases, "
                         "KEEP/ours-previous) and keep it: LibreOffice's copies are made once")
    ap.add_argument("--against", metavar="REV", default=None,
                    help="also time this repository's code at git revision REV on the same workbooks, "
                         "alternating with this version in every run (e.g. the commit a goal was measured at)")
    args = ap.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        ap.error(f"--modes: 可选 {', '.join(MODES)}")

    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    args.against_code = checkout(args.against, tmp / "baseline") if args.against else None
    base = args.keep or tmp
    folders = {"ours": base / "ours", "resaved": base / f"resaved-{args.resave}"}
    last = base / "ours-previous"
    try:
        if fresh(folders["ours"], args, resaved=False):
            shutil.rmtree(base / "resaved-files", ignore_errors=True)  # LibreOffice's copies of other files
            shutil.rmtree(last, ignore_errors=True)  # last year's reports of other agencies
        if args.previous:
            fresh(last, args, resaved=False, last_year=True)
        if "resaved" in modes and args.resave == "bases":
            fresh(folders["resaved"], args, resaved=True)
        if "resaved" in modes and args.resave == "files":
            t0 = time.perf_counter()
            resave(folders["ours"], folders["resaved"])
            print(f"LibreOffice 另存副本就绪：{time.perf_counter() - t0:.1f} 秒（已有的不再转换）")
        print(f"机器 {os.cpu_count()} 核；目标：每种工作簿 ≥{GOAL_RATE:,.0f} 个/秒，且 ≥{GOAL_RATIO:.0f}× pandas 循环")
        print()
        results = {mode: measure(mode, folders[mode], tmp, args) for mode in modes}
        if args.previous:
            if "ours" in results:
                pandas_rate = results["ours"]["pandas_rate"]
            else:  # the pandas loop on this year's workbooks, in this run all the same
                files = sorted(folders["ours"].rglob("*.xlsx"))
                sample = files[:: max(1, len(files) // args.pandas_sample)][: args.pandas_sample]
                pandas_rate = len(sample) / pandas_loop(sample)[0]
            previous = measure_previous(folders["ours"], last, tmp, args, pandas_rate)
        print("汇总（同一次运行）：")
        for mode, r in results.items():
            vs = ""
            if r["against"]:
                vs = f"，基线 {args.against} {r['against']:,.0f} 个/秒（{r['rate'] / r['against']:.2f} 倍）"
            print(f"  {mode:8s} N={r['n']:.0f}：{r['rate']:,.0f} 个工作簿/秒，{r['ratio']:,.1f}× pandas 循环"
                  f"（{'达到' if r['rate'] >= GOAL_RATE and r['ratio'] >= GOAL_RATIO else '未达到'}目标）{vs}")
        if args.previous:
            print(f"  previous N={previous['n']:.0f}：{previous['rate']:,.0f} 个本年工作簿/秒，"
                  f"{previous['ratio']:,.1f}× pandas 循环"
                  f"（{'达到' if previous['rate'] >= GOAL_PREVIOUS_RATE else '未达到'}目标"
                  f" ≥{GOAL_PREVIOUS_RATE:,.0f}/秒）")
        print("  " + machine_line())
        if not all(r["agree"] for r in results.values()):
            sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
