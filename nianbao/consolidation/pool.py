"""The worker pool: every input file read and validated in worker processes.

A worker only ever sends back :class:`~nianbao.consolidation.records.Record` values, so a bad
file cannot stop the run; should a file kill its worker outright (a crash in a parser), the
files left are run again in halves until that file is found alone. A file that takes longer
than the time limit (a reader stuck on it) has its worker ended: it is listed as unreadable,
saying so, and the other files are read on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import records
from .records import Record, unreadable


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


TIME_LIMIT = 30  # seconds one file may take to be read and validated


def read_records(
    files: Sequence[str],
    jobs: int | None = None,
    progress: Callable[[Record], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
    time_limit: float | None = TIME_LIMIT,
) -> list[Record]:
    """Examine every file, in ``jobs`` worker processes; records sorted by source path, so the
    outcome does not depend on which worker finished first. ``meanwhile`` is called once in
    this process while the workers read (say, to import what writing the summary needs); it
    is only a head start, so should it fail, the failure is ignored here.

    A worker only ever sends back records, so a bad file cannot stop the run; and should a
    file kill its worker process outright (a crash in a parser), the files left are run again
    in halves until that file is found alone; it is then recorded as unreadable. A file still
    being read after ``time_limit`` seconds has its worker ended and is recorded as
    unreadable, naming the limit (None: no limit, and one job reads in this process)."""
    jobs = jobs or default_jobs()
    got: list[Record] = []
    waiting = [meanwhile] if meanwhile else []

    def emit(r: Record) -> None:
        got.append(r)
        if progress:
            progress(r)

    def meanwhile_once() -> None:
        while waiting:
            try:
                waiting.pop()()
            except Exception:  # noqa: BLE001 - only a head start: what failed is done again later
                pass

    if time_limit is None and (jobs <= 1 or len(files) <= 1):
        for f in files:
            emit(records.examine(f))
    elif files:
        jobs = max(1, min(jobs, len(files)))
        left = _run_pool(list(files), jobs, emit, meanwhile_once, time_limit)
        queue = [left] if left else []
        while queue:
            group = queue.pop()
            if len(group) == 1:
                if _run_pool(group, 1, emit, time_limit=time_limit):
                    why = "读取时处理进程意外终止（文件可能已损坏或含有异常内容）"
                    emit(unreadable(group[0], f"{Path(group[0]).name}：{why}"))
                continue
            half = len(group) // 2
            for part in (group[:half], group[half:]):
                rest = _run_pool(part, min(jobs, len(part)), emit, time_limit=time_limit)
                if rest:
                    queue.append(rest)
    meanwhile_once()  # if the pool never got to it
    got.sort(key=lambda r: r.source)
    return got


def timed_out(path: str, limit: float) -> Record:
    """The record of a file whose reading was stopped at the time limit."""
    why = f"读取超过 {limit:g} 秒仍未完成，已停止读取（文件可能过大或含有异常内容）；其余文件照常汇总"
    return unreadable(path, f"{Path(path).name}：{why}")


# What each worker is doing, in memory shared with the parent: per worker slot, its process
# id, the index of the file it reads (-1: none) and when it started on it (time.monotonic,
# one clock for every process). Set in each worker by _worker_start.
_SLOTS: Any = None
_SLOT = -1
_FIELDS = 3


def _examine_many(paths: list[str], first: int = 0) -> list[Record]:
    """Examine ``paths`` (``first``: the index of the first in the pool's files), saying in
    the worker's slot which file is being read since when."""
    if _SLOTS is None:
        return [records.examine(p) for p in paths]
    at = _SLOT * _FIELDS
    out = []
    for i, p in enumerate(paths):
        _SLOTS[at + 2] = time.monotonic()  # the start first: the parent reads the index first
        _SLOTS[at + 1] = first + i
        out.append(records.examine(p))
        _SLOTS[at + 1] = -1
    return out


def _worker_start(slots: Any = None, counter: Any = None) -> None:
    # What the worker inherited from its parent stays put: the collector never walks it, so
    # its pages are never written to and stay shared with the parent.
    import gc
    import signal

    gc.freeze()
    # Ctrl-C (sent to the whole process group) and SIGTERM end a worker at once and quietly:
    # the parent alone cleans up and says so (not a traceback from every worker)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if slots is not None:
        global _SLOTS, _SLOT
        with counter.get_lock():
            _SLOT = counter.value
            counter.value += 1
        _SLOTS = slots
        slots[_SLOT * _FIELDS] = os.getpid()
        slots[_SLOT * _FIELDS + 1] = -1


CHUNK_FILES = 64  # files a worker examines per task: fewer round trips, a short tail


def _run_pool(
    files: list[str],
    jobs: int,
    emit: Callable[[Record], None],
    meanwhile: Callable[[], None] | None = None,
    time_limit: float | None = None,
) -> list[str]:
    """Examine ``files`` in a pool of ``jobs`` processes, in chunks, emitting records as they
    arrive; the files not done because a worker died. ``meanwhile`` runs here once the
    workers have started (they are all forked on the first task: nothing forks after it).
    A file read for longer than ``time_limit`` seconds has its worker killed and is emitted
    as timed out (the pool breaks: the files not done are returned, to be run again)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(1, min(CHUNK_FILES, len(files) // (jobs * 8)))
    starts = range(0, len(files), size)
    done: set[str] = set()
    slots = counter = None
    if time_limit is not None:
        # no lock: each field is one aligned double, written by one worker, read by the parent
        # (a worker killed while holding a lock would leave the parent waiting on it for ever)
        slots = context.RawArray("d", [-1.0] * (jobs * _FIELDS))
        counter = context.Value("i", 0)
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start,
                                 initargs=(slots, counter)) as pool:
            try:
                futures = {pool.submit(_examine_many, files[i:i + size], i) for i in starts}
                if meanwhile:
                    meanwhile()
                pending = futures
                while pending:
                    finished, pending = wait(pending, timeout=_poll(time_limit), return_when=FIRST_COMPLETED)
                    for future in finished:
                        try:
                            batch = future.result()
                        except BrokenProcessPool:
                            continue
                        for r in batch:
                            done.add(r.source)
                            emit(r)
                    if slots is not None and time_limit is not None:
                        for index in _overdue(slots, jobs, time_limit):
                            if files[index] not in done:
                                done.add(files[index])
                                emit(timed_out(files[index], time_limit))
            except BaseException:  # Ctrl-C, SIGTERM: stop the workers now, not after every file
                _stop(pool)
                raise
    except BrokenProcessPool:
        pass
    return [f for f in files if f not in done]


def _poll(time_limit: float | None) -> float | None:
    """How long the parent waits for a result before it looks at the workers' clocks."""
    return None if time_limit is None else min(1.0, max(0.05, time_limit / 10))


def _overdue(slots: Any, jobs: int, time_limit: float) -> list[int]:
    """Kill each worker that has been on one file for longer than ``time_limit``; the
    indexes of those files."""
    import signal

    now = time.monotonic()
    out = []
    for k in range(jobs):
        at = k * _FIELDS
        index = int(slots[at + 1])
        if index < 0:
            continue
        started = slots[at + 2]
        if int(slots[at + 1]) != index or now - started <= time_limit:
            continue  # moved on meanwhile, or within the limit
        pid = int(slots[at])
        if pid <= 1:
            continue  # never a process group or init: a worker writes its pid before any index
        try:
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            continue
        slots[at + 1] = -1
        out.append(index)
    return out


def _stop(pool: Any) -> None:
    """End a pool's workers at once (the pool's own shutdown would wait for their files)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            continue


__all__ = ["CHUNK_FILES", "TIME_LIMIT", "default_jobs", "read_records", "timed_out"]
