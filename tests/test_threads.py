"""The PDF reader forks a watched copy of the process only when no other thread could hold a
lock the copy needs: the CLI's signal watchdog (always running under ``nianbao``) does not count,
any other thread does."""

from __future__ import annotations

import threading

from nianbao.cli.watchdog import watching
from nianbao.io.threads import fork_is_safe


def test_the_watchdog_leaves_a_fork_safe():
    assert fork_is_safe()
    with watching():
        assert any(t.name != threading.current_thread().name for t in threading.enumerate())
        assert fork_is_safe()


def test_any_other_thread_makes_a_fork_unsafe():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, name="someone-else")
    t.start()
    try:
        assert not fork_is_safe()
    finally:
        stop.set()
        t.join()
    assert fork_is_safe()
