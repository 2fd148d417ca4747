"""``nianbao addin install`` and ``nianbao addin status`` without Excel: into a folder given
with --dir, the interpreter really run by status."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import main
from xlwings_addin.build import ADDIN_NAME
from xlwings_addin.install import OLD_ADDINS, read_addin, read_config_file, status


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A user profile of its own: %USERPROFILE%\\.nianbao\\nianbao.conf is looked for here."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("USERPROFILE", str(home))
    return home


def run(*args: str):
    return CliRunner().invoke(main, ["addin", *args])


def python_without_packages(tmp_path: Path) -> Path:
    """An interpreter that starts but cannot import xlwings or nianbao (no site-packages)."""
    exe = tmp_path / "bare-python"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


def test_install_writes_one_addin_replaces_and_removes_old_ones(tmp_path, home):
    folder = tmp_path / "XLSTART"
    folder.mkdir()
    for name in OLD_ADDINS:
        (folder / name).write_bytes(b"old")
    (folder / "PERSONAL.XLSB").write_bytes(b"mine")
    r = run("install", "--dir", str(folder))
    assert r.exit_code == 0, r.output
    assert "已安装" in r.stdout and all(f"已删除旧版加载项：{folder / n}" in r.stdout for n in OLD_ADDINS)
    assert sorted(p.name for p in folder.iterdir()) == sorted([ADDIN_NAME, "PERSONAL.XLSB"])
    assert (folder / "PERSONAL.XLSB").read_bytes() == b"mine"
    assert read_addin(folder / ADDIN_NAME).sheet_interpreter == sys.executable
    r = run("install", "--dir", str(folder), "--interpreter", r"C:\Py\python.exe")
    assert r.exit_code == 0 and "已更新" in r.stdout
    assert read_addin(folder / ADDIN_NAME).sheet_interpreter == r"C:\Py\python.exe"


@pytest.mark.skipif(sys.platform == "win32", reason="the folder Excel starts from exists there")
def test_install_without_excel_says_where_it_would_go(tmp_path, home):
    r = run("install")
    assert r.exit_code == 1
    assert r"%APPDATA%\Microsoft\Excel\XLSTART\nianbao.xlam" in r.stderr and "--dir" in r.stderr


def test_status_of_a_good_install(tmp_path, home):
    folder = tmp_path / "XLSTART"
    assert run("install", "--dir", str(folder)).exit_code == 0
    r = run("status", "--dir", str(folder))
    assert r.exit_code == 0, r.output
    import xlwings

    assert f"点击按钮时使用：{sys.executable}" in r.stdout
    assert f"能导入 nianbao 和 xlwings（xlwings {xlwings.__version__}）" in r.stdout
    assert f"加载项的 VBA 来自 {xlwings.__version__}，本机安装的是 {xlwings.__version__}（一致）" in r.stdout
    assert "用户设置" in r.stdout and "：无" in r.stdout


def test_status_when_nothing_is_installed(tmp_path, home):
    r = run("status", "--dir", str(tmp_path))
    assert r.exit_code == 1
    assert "未安装" in r.stdout and "nianbao addin install" in r.stdout


def test_status_runs_the_interpreter_and_names_it_when_it_cannot_import(tmp_path, home):
    bare = python_without_packages(tmp_path)
    folder = tmp_path / "XLSTART"
    assert run("install", "--dir", str(folder), "--interpreter", str(bare)).exit_code == 0
    r = run("status", "--dir", str(folder))
    assert r.exit_code == 1
    assert f"点击按钮时使用：{bare}" in r.stdout
    assert "不能导入 nianbao：ModuleNotFoundError" in r.stdout


def test_user_file_overrides_the_addins_interpreter(tmp_path, home):
    folder = tmp_path / "XLSTART"
    bare = python_without_packages(tmp_path)
    assert run("install", "--dir", str(folder), "--interpreter", str(bare)).exit_code == 0
    conf = home / ".nianbao" / "nianbao.conf"
    conf.parent.mkdir()
    conf.write_text(f'"INTERPRETER_WIN","{sys.executable}"\n"PYTHONPATH",""\n', encoding="utf-8")
    assert read_config_file(conf)["INTERPRETER_WIN"] == sys.executable
    s = status(folder)
    assert s.info.sheet_interpreter == str(bare)
    assert s.user_interpreter == s.interpreter == sys.executable and s.check.ok
    r = run("status", "--dir", str(folder))
    assert r.exit_code == 0, r.output
    assert f"Interpreter_Win = {sys.executable}（优先）" in r.stdout


def test_status_notices_a_different_xlwings(tmp_path, home, monkeypatch):
    folder = tmp_path / "XLSTART"
    assert run("install", "--dir", str(folder)).exit_code == 0
    import xlwings

    built = xlwings.__version__
    monkeypatch.setattr(xlwings, "__version__", "0.0.1")
    r = run("status", "--dir", str(folder))
    assert r.exit_code == 1
    assert f"加载项的 VBA 来自 {built}，本机安装的是 0.0.1（不一致" in r.stdout


def test_status_reports_old_addins_left(tmp_path, home):
    folder = tmp_path / "XLSTART"
    assert run("install", "--dir", str(folder)).exit_code == 0
    (folder / OLD_ADDINS[0]).write_bytes(b"old")
    r = run("status", "--dir", str(folder))
    assert r.exit_code == 1 and f"旧版加载项仍在：{folder / OLD_ADDINS[0]}" in r.stdout


def test_status_of_a_damaged_file(tmp_path, home):
    (tmp_path / ADDIN_NAME).write_bytes(b"broken")
    r = run("status", "--dir", str(tmp_path))
    assert r.exit_code == 2 and "无法读取加载项" in r.stderr
    assert "Traceback" not in r.output


def test_addin_help_is_chinese():
    r = run("--help")
    assert r.exit_code == 0 and "加载项" in r.stdout
    for sub in ("build", "install", "status"):
        assert sub in r.stdout
