"""Operating-system errors reach a person in Chinese, through one function, never as a traceback."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest

from nianbao.io.oserror import error_text, os_error_text

LONG = "报" * 90  # 270 bytes in UTF-8: longer than any file name the disk allows


@pytest.mark.parametrize("number", [errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.ENAMETOOLONG, errno.EROFS])
def test_common_os_errors_are_said_in_chinese(number):
    text = os_error_text(OSError(number, "English strerror"))
    assert "English" not in text and text.isprintable() and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_an_unusual_os_error_gives_its_number_and_other_errors_pass_as_they_are():
    assert os_error_text(OSError(errno.EXDEV, "Invalid cross-device link")) == f"操作系统错误（错误号 {errno.EXDEV}）"
    assert error_text(PermissionError(errno.EACCES, "Permission denied")) == "没有访问权限"
    assert error_text(ValueError("已是中文")) == "已是中文"


@pytest.mark.parametrize("command", ["publish", "export", "import", "consolidate"])
def test_an_output_name_too_long_for_the_disk_is_refused_in_chinese(command, report, tmp_path):
    source = tmp_path / "report.json"
    source.write_text(json.dumps(report("anyang-2020"), ensure_ascii=False), encoding="utf-8")
    suffix = {"publish": ".docx", "consolidate": ".xlsx"}.get(command, ".json")
    target = tmp_path / f"{LONG}{suffix}"
    run = subprocess.run([sys.executable, "-m", "nianbao", command, str(source), "-o", str(target), "--force"]
                         if command == "publish" else
                         [sys.executable, "-m", "nianbao", command, str(source), "-o", str(target)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "Errno" not in run.stderr and "too long" not in run.stderr
    assert "文件名过长" in run.stderr
    assert not os.path.exists(target) and source.exists()
