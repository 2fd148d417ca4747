"""Reading an input file: a regular file only, and never more than a limit.

A name can lead anywhere: a symbolic link to ``/dev/zero``, a FIFO called ``pipe.json``, a
terminal. Their ``st_size`` is 0, so a size check alone lets a reader read for ever (or wait
for ever on a pipe nobody writes). :func:`read_regular` opens the file without waiting
(``O_NONBLOCK``: a FIFO opens at once), looks at what it opened (``fstat`` of the open file,
so a name swapped in between changes nothing) and refuses anything but a regular file; then
it reads at most ``limit + 1`` bytes, and refuses a file that holds more.
"""

from __future__ import annotations

import errno
import os
import stat

KINDS = (
    (stat.S_ISDIR, "文件夹"),
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)


class NotRegular(OSError):
    """A path that is not a regular file, or a file over the limit. ``str(error)`` is the
    Chinese problem (without the file's name)."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem


def kind_of(mode: int) -> str:
    """What a file of this mode is, in Chinese ("命名管道（FIFO）", ...), or "特殊文件"."""
    for test, name in KINDS:
        if test(mode):
            return name
    return "特殊文件"


LINK_LOOP = "符号链接循环（链接最终指向它自己），不是文件"


def not_regular(mode: int) -> str:
    return f"这是一个{kind_of(mode)}，不是普通文件；请给出保存在磁盘上的文件本身"


def regular_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` (symbolic links followed) is no regular file to read, or None. A path
    that does not exist is left to the caller."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return None if stat.S_ISREG(mode) else not_regular(mode)


# Office writes a small lock file "~$name.xlsx" beside a document it has open (Word shortens
# long names); it is no report, however its name ends.
LOCK_PREFIX = "~$"
LOCK_MAX_BYTES = 4096


def lock_file_problem(name: str, size: int) -> str | None:
    """Why a file of this name and size is an Office lock file, in Chinese, or None."""
    if not name.startswith(LOCK_PREFIX) or size > LOCK_MAX_BYTES or len(name) <= len(LOCK_PREFIX):
        return None
    original = name[len(LOCK_PREFIX):]
    return (f"这是 Excel（或 WPS、Word）打开「{original}」时在同一文件夹生成的锁定文件，不是报告，也没有损坏；"
            f"请给出「{original}」本身（如仍在 Excel 中打开，请先保存并关闭）")


def read_regular(path: str | os.PathLike[str], limit: int, too_large: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Raises :class:`NotRegular`
    for anything else (its message in Chinese: ``too_large`` for a file over the limit,
    with ``{size}`` and ``{limit}`` filled in) and :class:`OSError` when it cannot be opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(os.fspath(path), flags)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise NotRegular(LINK_LOOP) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(not_regular(st.st_mode))
        if st.st_size > limit:
            raise NotRegular(_too_large(too_large, st.st_size, limit))
        chunks = []
        left = limit + 1  # one byte more tells a file that grew while it was read
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise NotRegular(_too_large(too_large, len(data), limit))
        return data
    finally:
        os.close(fd)


def _too_large(template: str, size: int, limit: int) -> str:
    return (template or "文件过大（{size} 字节），超过上限 {limit} 字节").format(size=size, limit=limit)


def is_regular(path: str | os.PathLike[str]) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


__all__ = [
    "LOCK_PREFIX", "NotRegular", "is_regular", "kind_of", "lock_file_problem", "not_regular", "read_regular",
    "regular_problem",
]

