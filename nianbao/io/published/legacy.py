"""Legacy Word (``.doc``) and WPS (``.wps``) files: converted to ``.docx`` by LibreOffice
headless when it is installed, then read as Word. The original is never touched: the copy
is made in a temporary folder, with a LibreOffice profile of its own (so a running
LibreOffice does not swallow the request).

``soffice`` starts ``oosplash``, which starts ``soffice.bin``: ending ``soffice`` alone leaves
the other two running. So LibreOffice runs in a session (and process group) of its own, with
its own temporary folder, and the whole group is ended on time-out, on Ctrl-C and on SIGTERM
(which ``nianbao`` turns into an exception where the program is); its single-instance socket
(``/tmp/OSL_PIPE_…``), which it removes only when it exits by itself, is removed after it.
The conversion is given :data:`TIMEOUT` seconds, within the 30 seconds a file may take.

The ``.docx`` LibreOffice writes is our own: it is read without the compression-ratio test
(its XML compresses far better than a hostile file would be allowed to), within the same size
bound, and a file past that bound is named too large, not a bomb.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..oserror import os_error_text
from ..registry import ReadError
from .noted import NotedGrid

TIMEOUT = 20  # seconds for one conversion
NO_LIBREOFFICE = (
    "旧版 Word / WPS 文档（{suffix}）需要 LibreOffice 转换，本机未安装；"
    "请安装 LibreOffice，或用 Word / WPS 打开后另存为 .docx 再试"
)
TIMED_OUT = (
    "LibreOffice 在 {seconds} 秒内未能转换完该文档，文件可能已损坏或内容过于庞大；"
    "请用 Word / WPS 打开后另存为 .docx 再试"
)
FAILED = "LibreOffice 无法转换该文档，可能已损坏或不是 Word / WPS 文档；请用 Word / WPS 打开后另存为 .docx 再试"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pipe_paths(profile_url: str) -> list[Path]:
    """Where LibreOffice puts the single-instance socket of a profile: the MD5 of the
    profile's URL (UTF-16LE), each byte in hex without padding, under /tmp (or /var/tmp)."""
    digest = "".join(f"{b:x}" for b in hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest())
    name = f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{digest}" if hasattr(os, "getuid") else ""
    return [Path(folder) / name for folder in ("/tmp", "/var/tmp")] if name else []


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """End LibreOffice's whole process group and reap its leader."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
        pass
    # soffice.bin, no longer our child once oosplash died, is reparented: give the kernel a
    # moment to take the group down before the folder it writes in is removed
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except (ProcessLookupError, PermissionError, OSError):
            return
        time.sleep(0.02)


def convert(p: Path, exe: str, work: Path) -> Path:
    """``p`` converted into ``work``: the ``.docx`` LibreOffice wrote."""
    src = work / f"source{p.suffix.lower()}"
    shutil.copyfile(p, src)
    temp = work / "tmp"
    temp.mkdir()
    profile = (work / "profile").as_uri()
    env = {**os.environ, "TMPDIR": str(temp), "TMP": str(temp), "TEMP": str(temp)}
    argv = [
        exe,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(work / "out"),
        str(src),
    ]
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own session and process group: ended whole
        )
    except OSError as e:
        raise ReadError(p, f"无法运行 LibreOffice：{os_error_text(e)}") from None
    finished = False
    try:
        try:
            proc.wait(timeout=TIMEOUT)
            finished = True
        except subprocess.TimeoutExpired:
            raise ReadError(p, TIMED_OUT.format(seconds=TIMEOUT)) from None
    finally:
        # on time-out, Ctrl-C or SIGTERM (raised here as an exception), and after a normal
        # exit too: a helper may linger in the group
        _end_group(proc)
        if not finished:
            for pipe in pipe_paths(profile):
                try:
                    pipe.unlink()
                except OSError:
                    pass
    out = work / "out" / "source.docx"
    if proc.returncode != 0 or not out.is_file():
        raise ReadError(p, FAILED)
    return out


def legacy_grid(p: Path) -> NotedGrid:
    exe = soffice()
    if exe is None:
        raise ReadError(p, NO_LIBREOFFICE.format(suffix=p.suffix))
    from .docx import docx_grid

    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        out = convert(p, exe, Path(tmp))
        try:
            return docx_grid(out, trusted=True)
        except ReadError as e:
            raise ReadError(p, e.problem) from None
