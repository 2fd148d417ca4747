"""The worker pool: every input file read and validated in worker processes.

A worker only ever sends back :class:`~nianbao.consolidation.records.Record` values, so a bad
file cannot stop the run; should a file kill its worker outright (a crash in a parser), the
files left are run again in halves until that file is found alone.
"""

from __future__ import annotations

import os
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


def read_records(
    files: Sequence[str],
    jobs: int | None = None,
    progress: Callable[[Record], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Record]:
    """Examine every file, in ``jobs`` worker processes; records sorted by source path, so the
    outcome does not depend on which worker finished first. ``meanwhile`` is called once in
    this process while the workers read (say, to import what writing the summary needs); it
    is only a head start, so should it fail, the failure is ignored here.

    A worker only ever sends back records, so a bad file cannot stop the run; and should a
    file kill its worker process outright (a crash in a parser), the files left are run again
    in halves until that file is found alone; it is then recorded as unreadable."""
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

    if jobs <= 1 or len(files) <= 1:
        for f in files:
            emit(records.examine(f))
    else:
        jobs = min(jobs, len(files))
        left = _run_pool(list(files), jobs, emit, meanwhile_once)
        queue = [left] if left else []
        while queue:
            group = queue.pop()
            if len(group) == 1:
                if _run_pool(group, 1, emit):
                    why = "读取时处理进程意外终止（文件可能已损坏或含有异常内容）"
                    emit(unreadable(group[0], f"{Path(group[0]).name}：{why}"))
                continue
            half = len(group) // 2
            for part in (group[:half], group[half:]):
                rest = _run_pool(part, min(jobs, len(part)), emit)
                if rest:
                    queue.append(rest)
    meanwhile_once()  # if the pool never got to it
    got.sort(key=lambda r: r.source)
    return got


def _examine_many(paths: list[str]) -> list[Record]:
    return [records.examine(p) for p in paths]


def _worker_start() -> None:
    # What the worker inherited from its parent stays put: the collector never walks it, so
    # its pages are never written to and stay shared with the parent.
    import gc
    import signal

    gc.freeze()
    # Ctrl-C (sent to the whole process group) and SIGTERM end a worker at once and quietly:
    # the parent alone cleans up and says so (not a traceback from every worker)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


CHUNK_FILES = 64  # files a worker examines per task: fewer round trips, a short tail


def _run_pool(
    files: list[str], jobs: int, emit: Callable[[Record], None], meanwhile: Callable[[], None] | None = None
) -> list[str]:
    """Examine ``files`` in a pool of ``jobs`` processes, in chunks, emitting records as they
    arrive; the files not done because a worker died. ``meanwhile`` runs here once the
    workers have started (they are all forked on the first task: nothing forks after it)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(1, min(CHUNK_FILES, len(files) // (jobs * 8)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    done: set[str] = set()
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start) as pool:
            try:
                futures = [pool.submit(_examine_many, chunk) for chunk in chunks]
                if meanwhile:
                    meanwhile()
                for future in as_completed(futures):
                    try:
                        batch = future.result()
                    except BrokenProcessPool:
                        continue
                    for r in batch:
                        done.add(r.source)
                        emit(r)
            except BaseException:  # Ctrl-C, SIGTERM: stop the workers now, not after every file
                _stop(pool)
                raise
    except BrokenProcessPool:
        pass
    return [f for f in files if f not in done]


def _stop(pool: Any) -> None:
    """End a pool's workers at once (the pool's own shutdown would wait for their files)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            continue


__all__ = ["CHUNK_FILES", "default_jobs", "read_records"]
