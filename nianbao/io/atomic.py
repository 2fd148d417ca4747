"""Outputs are written whole or not at all.

:func:`atomic_output` yields a temporary path in the target's own folder; when the block
ends without an exception the temporary file is flushed to disk and renamed over the target
in one step (``os.replace``), so an interrupted run (Ctrl-C, kill, a full disk) leaves either
the old file or the new one, never half of one. :func:`atomic_outputs` does the same for
outputs that belong together (a summary and its CSV): every temporary file is written
first, then all are renamed with Ctrl-C and SIGTERM held back, so that no interruption
leaves a new one beside an old one.

An output is only ever a regular file: a path naming a FIFO, a device (``/dev/null``) or a
socket is refused, never replaced. :func:`output_lock` holds a lock file beside an output
for a whole run, so that a second run writing the same output is refused, saying so, instead
of mixing its outputs with the first's.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from .files import kind_of
from .oserror import os_error_text

# The temporary files being written now, for whoever ends the process abruptly to remove
# (:mod:`nianbao.cli.watchdog`); each leaves this set as it is renamed or removed.
UNFINISHED: set[Path] = set()


class OutputError(Exception):
    """An output that cannot be written. ``str(error)`` is the Chinese message."""


def check_output(target: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Refuse, before any work is done, an output that would overwrite an input or cannot be
    written."""
    out = Path(target)
    try:
        resolved = out.resolve()
    except RuntimeError:  # a link that points to itself (Python 3.11 raises this, not OSError)
        raise OutputError(f"无法写入 {out}：{os_error_text(OSError(errno.ELOOP, ''))}") from None
    try:
        here = os.stat(out)
    except (OSError, ValueError):
        here = None  # nothing there yet: writing it overwrites no input
    if here is not None:  # one stat an input (thousands, in a consolidation), not a path resolved
        for i in inputs:
            try:
                there = os.stat(i)
            except (OSError, ValueError):
                continue
            if (there.st_dev, there.st_ino) == (here.st_dev, here.st_ino):
                raise OutputError(f"输出文件 {out} 就是输入文件之一；为保护原件，请另选输出路径")
    folder = resolved.parent
    try:
        if not folder.is_dir():
            raise OutputError(f"输出文件夹 {folder} 不存在；请先建立这个文件夹，或把输出保存到已有的文件夹中")
        if not os.access(folder, os.W_OK):
            raise OutputError(f"输出文件夹 {folder} 不可写")
        if out.is_dir():
            raise OutputError(f"输出路径 {out} 是一个文件夹，请给出文件名")
        refuse_special(out)
        if out.exists() and not os.access(out, os.W_OK):
            raise OutputError(f"输出文件 {out} 不可写（只读或被占用）")
    except OSError as e:  # a name too long, a loop of links: said in Chinese, never a traceback
        raise OutputError(f"无法写入 {out}：{os_error_text(e)}") from None
    return out


def refuse_special(target: str | os.PathLike[str]) -> None:
    """Refuse an output path that names something other than a regular file (symbolic links
    followed): writing "to" ``/dev/null`` or a FIFO would replace it with a file."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return  # absent (or a dangling link, which the rename replaces): a new file
    if stat.S_ISDIR(mode):
        raise OutputError(f"输出路径 {target} 是一个文件夹，请给出文件名")
    if not stat.S_ISREG(mode):
        raise OutputError(f"输出路径 {target} 是一个{kind_of(mode)}，不是普通文件；为免替换它，请另选输出文件")


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Write to the yielded temporary path; it replaces ``target`` only on success."""
    with atomic_outputs(target) as (tmp,):
        yield tmp


@contextlib.contextmanager
def atomic_outputs(*targets: str | os.PathLike[str]) -> Iterator[tuple[Path, ...]]:
    """Write each target to its yielded temporary path; on success all replace their targets
    together: the renames run with SIGINT and SIGTERM held back (delivered once all are
    done), so an interrupted run leaves all the old files or all the new ones. On any
    failure or interruption every temporary file is removed and no target is touched."""
    paths = [Path(t) for t in targets]
    for t in paths:
        refuse_special(t)
    temps: list[Path] = []
    renamed = 0
    try:
        for t in paths:
            fd, name = tempfile.mkstemp(prefix=f".{t.name}.", suffix=".part", dir=t.resolve().parent)
            os.close(fd)
            temps.append(Path(name))
            UNFINISHED.add(Path(name))
        yield tuple(temps)
        for t, tmp in zip(paths, temps, strict=True):
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            if t.exists():
                with contextlib.suppress(OSError):
                    os.chmod(tmp, t.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o666 & ~_umask())
        for t in paths:
            refuse_special(t)  # again: a FIFO made meanwhile is not replaced either
        with signals_held():
            for t, tmp in zip(paths, temps, strict=True):
                os.replace(tmp, t)
                UNFINISHED.discard(tmp)
                renamed += 1
    except BaseException:
        for tmp in temps[renamed:]:  # (the ones renamed are outputs now)
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    finally:
        UNFINISHED.difference_update(temps)


HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back for a few steps that must not be separated (they are
    delivered when the block ends). A no-op where signals cannot be blocked."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:  # pragma: no cover - not POSIX
        yield
        return
    old = block(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, old)


class OutputLocked(OutputError):
    """Another run holds the lock of an output."""


def lock_path(target: str | os.PathLike[str]) -> Path:
    """The lock file beside an output: hidden (consolidation never reads it as input)."""
    t = Path(target)
    return t.resolve().parent / f".{t.name}.lock"


@contextlib.contextmanager
def output_lock(*targets: str | os.PathLike[str]) -> Iterator[None]:
    """Hold a lock beside each output for the whole block: a second run writing the same
    output (another process, or the same path spelt otherwise) is refused with
    :class:`OutputLocked` at once instead of mixing its outputs with the first's. The lock is
    the kernel's (``flock``): it ends with the process, however the process ends, and a
    lock file left behind locks nothing."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    held: list[tuple[int, Path]] = []
    try:
        for t in sorted({lock_path(t) for t in targets}):
            held.append((_lock(fcntl, t), t))
        yield
    finally:
        for fd, path in reversed(held):
            with contextlib.suppress(OSError):
                path.unlink()  # removed while still held: a run waiting on it retries
            os.close(fd)


def _lock(fcntl: ModuleType, path: Path) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            raise OutputError(f"无法在输出文件夹中创建锁文件 {path.name}：{os_error_text(e)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputLocked(
                    f"另一个 nianbao 正在写入 {target_of(path)}（锁文件 {path.name}）；为免两次运行的输出混在一起，"
                    "请等它结束后再运行"
                ) from None
            raise OutputError(f"无法锁定输出文件 {target_of(path)}：{os_error_text(e)}") from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)  # the file was removed by the run that held it: lock the new one


def target_of(lock: Path) -> Path:
    return lock.parent / lock.name[1:].removesuffix(".lock")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_output(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    write_bytes(target, text.encode("utf-8"))
