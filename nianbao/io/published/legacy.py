"""Legacy Word (``.doc``) and WPS (``.wps``) files: converted to ``.docx`` by LibreOffice
headless when it is installed, then read as Word. The original is never touched: the copy
is made in a temporary folder, with a LibreOffice profile of its own (so a running
LibreOffice does not swallow the request)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..oserror import os_error_text
from ..registry import ReadError
from .grid import Grid

TIMEOUT = 180  # seconds for one conversion
NO_LIBREOFFICE = (
    "旧版 Word / WPS 文档（{suffix}）需要 LibreOffice 转换，本机未安装；"
    "请安装 LibreOffice，或用 Word / WPS 打开后另存为 .docx 再试"
)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def legacy_grid(p: Path) -> Grid:
    exe = soffice()
    if exe is None:
        raise ReadError(p, NO_LIBREOFFICE.format(suffix=p.suffix))
    from .docx import docx_grid

    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        work = Path(tmp)
        src = work / f"source{p.suffix.lower()}"
        shutil.copyfile(p, src)
        try:
            proc = subprocess.run(
                [
                    exe,
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "docx:MS Word 2007 XML",
                    "--outdir",
                    str(work / "out"),
                    str(src),
                ],
                capture_output=True,
                timeout=TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise ReadError(p, f"LibreOffice 转换超时（{TIMEOUT} 秒），文件可能已损坏") from None
        except OSError as e:
            raise ReadError(p, f"无法运行 LibreOffice：{os_error_text(e)}") from None
        out = work / "out" / "source.docx"
        if proc.returncode != 0 or not out.is_file():
            raise ReadError(
                p,
                "LibreOffice 无法转换该文档，可能已损坏或不是 Word / WPS 文档；请用 Word / WPS 打开后另存为 .docx 再试",
            )
        try:
            return docx_grid(out)
        except ReadError as e:
            raise ReadError(p, e.problem) from None
