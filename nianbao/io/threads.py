"""Which threads a ``fork`` may safely leave behind.

A forked child keeps only the thread that forked; it is safe when no other thread could hold a
lock the child needs. A thread named :data:`QUIET` only waits in a system call holding no lock
(the CLI's signal watchdog, :mod:`nianbao.cli.watchdog`), so it does not stand in the way of a
fork (the PDF reader's watched copy, :mod:`nianbao.io.published.pdf`)."""

from __future__ import annotations

import threading

QUIET = "nianbao-quiet-watchdog"


def fork_is_safe() -> bool:
    """Whether every thread but this one is a quiet one."""
    me = threading.current_thread()
    return all(t is me or t.name == QUIET for t in threading.enumerate())


__all__ = ["QUIET", "fork_is_safe"]
