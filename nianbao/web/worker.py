"""Each upload read and validated in a process of its own, with a time limit and a memory
limit (RLIMIT_AS): a hostile file that would hang a parser or take gigabytes is answered with
a clear message, and the server goes on answering everyone else.

The processes are forked from a small server process started before the web server takes
requests (``forkserver``, with the library imported and its caches warm: :mod:`~nianbao.web.warm`),
so a worker starts in a few milliseconds, checks as fast as a warm process, and never inherits
the web server's threads or sockets. At most ``parallel``
run at a time; the others wait their turn.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import Any

TIME_LIMIT = 30.0  # seconds per upload
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space per worker

TIMED_OUT = "读取与校验超过 {limit:.0f} 秒仍未完成，已停止。文件可能已损坏或结构异常；请另存为 .xlsx 后重试"
OUT_OF_MEMORY = "读取该文件所需的内存超过上限，已停止。文件可能已损坏或结构异常；请另存为 .xlsx 后重试"
CRASHED = "读取该文件时读取程序意外退出，未能完成校验；请另存为 .xlsx 后重试"

_context: Any = None


def start(preload: tuple[str, ...] = ("nianbao.web.warm",)) -> None:
    """Start the fork server (once), with the readers imported."""
    global _context
    if _context is None:
        if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
            _context = multiprocessing.get_context("spawn")
            return
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        from multiprocessing import forkserver

        forkserver.ensure_running()  # now, not at the first upload
        _context = ctx


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], memory: int) -> None:
    if memory:
        try:
            import resource
        except ImportError:  # pragma: no cover - Windows: the time limit only
            pass
        else:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        out = ("ok", fn(*args))
    except MemoryError:
        out = ("memory", None)
    except BaseException as e:  # noqa: BLE001 - sent back as a message, never a traceback
        out = ("failed", f"{type(e).__name__}")
    try:
        conn.send(out)
    except MemoryError:
        conn.send(("memory", None))
    conn.close()


class Limits:
    def __init__(self, parallel: int = 2, seconds: float = TIME_LIMIT, memory: int = MEMORY_LIMIT):
        self.parallel = parallel
        self.seconds = seconds
        self.memory = memory
        self.slots = threading.BoundedSemaphore(parallel)


class Failed(Exception):
    """The worker gave no result: ``str()`` says why, in Chinese."""


def run(limits: Limits, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a worker process within the limits (blocking: call it from a thread)."""
    start()
    with limits.slots:
        parent, child = _context.Pipe(duplex=False)
        proc = _context.Process(target=_child, args=(child, fn, args, limits.memory), daemon=True)
        proc.start()
        child.close()
        try:
            if not parent.poll(limits.seconds):
                raise Failed(TIMED_OUT.format(limit=limits.seconds))
            try:
                kind, value = parent.recv()
            except (EOFError, OSError):
                raise Failed(CRASHED) from None
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            parent.close()
    if kind == "ok":
        return value
    if kind == "memory":
        raise Failed(OUT_OF_MEMORY)
    raise Failed(CRASHED)


def worker_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
