"""Docs that cannot drift: the README's command reference is generated from the commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_command_reference_is_current():
    run = subprocess.run(
        [sys.executable, "-m", "cogapp", "-I", "scripts", "--check", "README.md"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, "README 命令参考已过时：请运行 cog -I scripts -r README.md\n" + run.stdout + run.stderr


def test_every_command_is_in_the_readme():
    from click import Context

    from nianbao.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.list_commands(Context(main)):
        assert f"`nianbao {name} " in readme
