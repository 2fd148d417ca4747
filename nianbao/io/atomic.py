"""Outputs are written whole or not at all.

:func:`atomic_output` yields a temporary path in the target's own folder; when the block
ends without an exception the temporary file is flushed to disk and renamed over the target
in one step (``os.replace``), so an interrupted run (Ctrl-C, kill, a full disk) leaves either
the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


class OutputError(Exception):
    """An output that cannot be written. ``str(error)`` is the Chinese message."""


def check_output(target: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Refuse, before any work is done, an output that would overwrite an input or cannot be
    written."""
    out = Path(target)
    resolved = out.resolve()
    for i in inputs:
        try:
            if Path(i).resolve() == resolved or (out.exists() and os.path.samefile(i, out)):
                raise OutputError(f"输出文件 {out} 就是输入文件之一；为保护原件，请另选输出路径")
        except OSError:
            continue
    folder = resolved.parent
    if not folder.is_dir():
        raise OutputError(f"输出文件夹 {folder} 不存在")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"输出文件夹 {folder} 不可写")
    if out.is_dir():
        raise OutputError(f"输出路径 {out} 是一个文件夹，请给出文件名")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"输出文件 {out} 不可写（只读或被占用）")
    return out


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Write to the yielded temporary path; it replaces ``target`` only on success."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.resolve().parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp_path, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_output(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    write_bytes(target, text.encode("utf-8"))
