"""Ctrl-C and SIGTERM end a command promptly, even inside a long call of a C library.

Python runs a signal's handler only between two steps of Python code: a command inside one
long call of a parser or a regular expression engine (a web page nested 200,000 deep, a
pattern that backtracks) would not notice SIGTERM until the call returned — minutes later, or
never. :func:`watching` starts a thread that is woken by the signal itself
(:func:`signal.set_wakeup_fd`): when the command's own handler has not run :data:`GRACE`
seconds after Ctrl-C or SIGTERM, the thread ends it as the handlers would — unfinished outputs removed
(:data:`nianbao.io.atomic.UNFINISHED`), child processes ended, the same message, exit status
130 or 143. A command that is running Python code meets its handler first, as before, and cleans up
in its own time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from ..core.codes import Exit
from ..io.atomic import UNFINISHED
from ..io.threads import QUIET

GRACE = 2.0  # seconds the command's own handling has before the watchdog ends it
STATUS = {signal.SIGINT: Exit.INTERRUPTED, signal.SIGTERM: Exit.TERMINATED}
MESSAGE = "\n已中断：未写完的输出已删除，原有文件保持原样\n"


@contextlib.contextmanager
def watching() -> Iterator[None]:
    """Watch for Ctrl-C and SIGTERM while the block runs (main thread only; elsewhere, and
    where the wake-up descriptor is another's, nothing is done)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    r, w = os.pipe()
    os.set_blocking(w, False)
    try:
        previous = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    except ValueError:  # pragma: no cover - not the main thread after all
        os.close(r)
        os.close(w)
        yield
        return
    if previous != -1:  # someone else's (an event loop): leave it to them
        signal.set_wakeup_fd(previous)
        os.close(r)
        os.close(w)
        yield
        return
    heard = threading.Event()  # a handler of the command ran: it is running Python code
    previous_handlers = {s: signal.getsignal(s) for s in STATUS}
    for s, handler in previous_handlers.items():
        if callable(handler):
            signal.signal(s, _heard(handler, heard))
    thread = threading.Thread(target=_watch, args=(r, heard), name=QUIET, daemon=True)  # (a fork may leave it)
    thread.start()
    try:
        yield
    finally:
        for s, handler in previous_handlers.items():
            if callable(handler):
                signal.signal(s, handler)
        signal.set_wakeup_fd(-1)
        os.close(w)  # the thread's read ends
        thread.join(1)


def _heard(handler: Callable[[int, FrameType | None], Any], heard: threading.Event) -> Callable[..., Any]:
    def handle(signum: int, frame: FrameType | None) -> Any:
        heard.set()
        return handler(signum, frame)

    return handle


def _watch(r: int, heard: threading.Event) -> None:
    # signals are the main thread's business: this thread only hears of them
    signal.pthread_sigmask(signal.SIG_BLOCK, set(STATUS))
    try:
        while True:
            got = os.read(r, 16)
            if not got:
                return
            for signum in got:
                if signum not in STATUS:
                    continue
                if not heard.wait(GRACE):  # no handler ran: stuck in a call that never looks
                    _end(STATUS[signal.Signals(signum)])
                heard.clear()
    finally:
        os.close(r)


def _end(status: int) -> None:
    """End the process as its handlers would have, from this thread."""
    for path in list(UNFINISHED):
        with contextlib.suppress(OSError):
            os.unlink(path)
    _end_children()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
        os.write(2, MESSAGE.encode("utf-8"))
    os._exit(status)


def _end_children() -> None:
    """SIGKILL this process's children (a worker pool, a converter, each with its process
    group when it leads one): Linux lists them."""
    try:
        tasks = os.listdir(f"/proc/{os.getpid()}/task")
    except OSError:
        return
    for tid in tasks:
        try:
            with open(f"/proc/{os.getpid()}/task/{tid}/children") as f:
                children = [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            continue
        for pid in children:
            with contextlib.suppress(OSError):
                if os.getpgid(pid) == pid:  # a group of its own (LibreOffice and what it starts)
                    os.killpg(pid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
