"""Native panics: a Rust parser (python-calamine) giving up, kept off the terminal.

python-calamine is Rust; when it panics, pyo3 raises ``PanicException`` — a
:class:`BaseException`, not an :class:`Exception` — after the Rust runtime has printed
``thread '…' panicked at …`` and a backtrace straight to file descriptor 2.
:func:`panic_messages_hidden` sends fd 2 to a temporary file while a parser runs and passes
on only what is not such a report; :func:`is_panic` tells the exception apart so that the
readers turn it into a Chinese message. (The container checks refuse every panic the fuzzer
found; this is the net under them.)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO


def is_panic(e: BaseException) -> bool:
    """Whether ``e`` is pyo3's PanicException (a Rust parser gave up)."""
    return type(e).__name__ == "PanicException"


_held: tuple[int, IO[bytes]] | None = None  # (pid, temporary file) holding fd 2 while hidden


def _held_file() -> IO[bytes]:
    """One temporary file per process, reused (creating one for every read cost more than
    the read's own check); a forked worker makes its own."""
    global _held
    pid = os.getpid()
    if _held is None or _held[0] != pid:
        _held = (pid, tempfile.TemporaryFile())  # noqa: SIM115 - kept open for the process
    return _held[1]


@contextlib.contextmanager
def panic_messages_hidden() -> Iterator[None]:
    """Rust parsers (python-calamine) print ``thread '…' panicked at …`` and a backtrace
    straight to file descriptor 2 before the panic reaches Python as an exception, which
    :func:`nianbao.io.readers.read` turns into a Chinese message. While this is active, fd 2
    goes to a temporary file; afterwards its content is passed on unless it is such a
    panic report."""
    try:
        held = _held_file()
        held.seek(0)
        held.truncate()
        saved = os.dup(2)
    except OSError:
        yield
        return
    os.dup2(held.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        if os.fstat(held.fileno()).st_size:
            held.seek(0)
            text = held.read(1 << 20)
            held.seek(0)
            held.truncate()
            if text and b"panicked at" not in text:
                with contextlib.suppress(OSError):
                    os.write(2, text)


__all__ = ["is_panic", "panic_messages_hidden"]
