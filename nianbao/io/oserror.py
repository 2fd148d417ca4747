"""Operating-system errors in Chinese: ``OSError.strerror`` is English whatever the locale.

Every message that reports an OS error to a person goes through :func:`os_error_text` (or
:func:`error_text`, for an ``except`` that also catches the project's own Chinese errors)."""

from __future__ import annotations

import errno

_WORDS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "操作不被允许",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "所在磁盘为只读",
    errno.EEXIST: "文件已存在",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ELOOP: "符号链接层数过多（可能循环链接）",
    errno.EIO: "读写设备出错",
    errno.EMFILE: "同时打开的文件过多",
    errno.EDQUOT: "超出磁盘配额",
    errno.EADDRINUSE: "地址（端口）已被占用",
    errno.EADDRNOTAVAIL: "本机没有这个地址",
}


def os_error_text(e: OSError) -> str:
    """What went wrong, in Chinese (with the error number for anything unusual)."""
    if e.errno in _WORDS:
        return _WORDS[e.errno]
    if e.errno:
        return f"操作系统错误（错误号 {e.errno}）"
    return "操作系统错误"


def error_text(e: BaseException) -> str:
    """The message of a failure for a person: an OS error's in Chinese, any other (the
    project's own errors are Chinese already) as it is."""
    return os_error_text(e) if isinstance(e, OSError) else str(e)


__all__ = ["error_text", "os_error_text"]
